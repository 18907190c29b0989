// Runs the whole real-world corpus: the installed files are checked against the recorded ones, then
// every model is analysed with its driver and its file as it lies. Shared by the test and report.ts.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  compareAsIs,
  compareStated,
  driver,
  runEngine,
  type Corpus,
  type Fact,
  type JsonResult,
  type Outcome,
} from './compare';

export const SETUP = 'bash scripts/setup-python.sh';

/** One line saying what is missing or different on this machine, or null when the corpus applies. */
export function installProblem(c: Corpus): string | null {
  for (const [pkg, want] of Object.entries(c.packages)) {
    const q = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
    if (q.error || q.status !== 0)
      return `${pkg} is not installed (the real-world corpus reads its model files): run \`${SETUP}\``;
    if (q.stdout.trim() !== want)
      return `${pkg} ${q.stdout.trim()} is installed but the corpus was recorded with ${want}: install ${want} (\`${SETUP}\`) or re-record with /usr/bin/python3 scripts/record-realworld.py`;
  }
  for (const [file, sha] of Object.entries(c.files)) {
    const p = join(c.site, file);
    if (!existsSync(p)) return `${p} is missing: run \`${SETUP}\``;
    if (createHash('sha256').update(readFileSync(p)).digest('hex') !== sha)
      return `${p} differs from the recorded file (sha256): reinstall its Debian package or re-record with /usr/bin/python3 scripts/record-realworld.py`;
  }
  return null;
}

export interface ModelRun {
  fact: Fact;
  stated: Outcome;
  asIs: { wrong: string[]; note: string };
}

export function runModel(c: Corpus, f: Fact, asIsCache: Map<string, JsonResult>): ModelRun {
  const source = readFileSync(join(c.site, f.file), 'utf8');
  const stated = compareStated(f, runEngine(source + driver(f), f.file, c.site));
  let plain = asIsCache.get(f.file);
  if (!plain) {
    plain = runEngine(source, f.file, c.site);
    asIsCache.set(f.file, plain);
  }
  return { fact: f, stated, asIs: compareAsIs(f, plain) };
}

export const isWrong = (r: ModelRun): boolean =>
  r.stated.verdict === 'wrong' || r.asIs.wrong.length > 0;

export function summary(runs: ModelRun[]): string {
  const count = (v: string): number =>
    runs.filter((r) => r.stated.verdict === v && r.asIs.wrong.length === 0).length;
  const wrong = runs.filter(isWrong).length;
  const exact = count('exact');
  return `real-world corpus: ${runs.length} models: ${exact} exact (${((100 * exact) / Math.max(1, runs.length)).toFixed(1)}%), ${count('partly')} partly unknown, ${count('unknown')} unknown, ${wrong} wrong`;
}
