// `npm run bench`: runs every bench/*.bench.ts in one process and writes bench/RESULTS.md with the
// machine and the date. Each bench module exports `run(): Promise<BenchSection>`; targets are ratios
// against a baseline measured in the same run, never absolute timings in tests.
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

export interface BenchSection {
  title: string;
  /** Markdown body: a table of measurements and the targets they meet or miss. */
  markdown: string;
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith('.bench.ts'))
    .sort()
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)));
  const sections: BenchSection[] = [];
  const start = new Date();
  const load0 = loadavg()[0];
  for (const f of files) {
    process.stderr.write(`bench: ${f}…\n`);
    const mod = (await import(join(__dirname, f))) as { run: () => Promise<BenchSection> };
    const s = await mod.run();
    process.stderr.write(s.markdown + '\n');
    sections.push(s);
  }
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
  const body = [
    `# Benchmark results`,
    '',
    `Recorded ${new Date().toISOString()} on ${machine}.`,
    `Started ${start.toISOString()}; load average (1 min) ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`,
    'Machines here are shared, so absolute times are noisy; the targets are ratios measured in the same run.',
    '',
    ...sections.flatMap((s) => [`## ${s.title}`, '', s.markdown, '']),
  ].join('\n');
  if (only.length === 0) writeFileSync(join(__dirname, 'RESULTS.md'), body);
  else process.stdout.write(body + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
