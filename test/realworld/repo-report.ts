// The engine against a public repository's models, as scripts/record-repo.py recorded them with
// PyTorch: the same comparison as the Debian corpus (compare.ts), with the checkout as the workspace
// root and Debian's dist-packages as the library root. Not part of any test run: the repositories
// are not on a fresh machine. Usage is in test/realworld/README.md.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fsModuleHost } from '../../src/pyenv/moduleHost';
import { analyze } from '../../src/shapes';
import {
  compareAsIs,
  compareStated,
  driver,
  withModules,
  type Fact,
  type JsonResult,
} from './compare';

const SITE = '/usr/lib/python3/dist-packages';
const [, , catalogueArg, checkoutArg, recordedArg] = process.argv;
if (!catalogueArg || !checkoutArg || !recordedArg) {
  console.error('usage: repo-report.ts CATALOGUE.json CHECKOUT RECORDED.json');
  process.exit(2);
}
const checkout = resolve(checkoutArg);
const cat = JSON.parse(readFileSync(catalogueArg, 'utf8')) as { repo: string; commit: string };
console.log(`${cat.repo} at ${cat.commit}`);
const facts = (JSON.parse(readFileSync(recordedArg, 'utf8')) as { models: Fact[] }).models;

function run(source: string, file: string): JsonResult {
  const modules = fsModuleHost({ roots: [checkout], library: { roots: [SITE] } });
  return withModules(analyze(source, { file: join(checkout, file), modules }));
}

const tally: Record<string, number> = {};
for (const f of facts) {
  // A file's own `if __name__ == '__main__': test()` builds another instance of the class, and the
  // engine reports one model per class: the driver's call is the one compared.
  const src = readFileSync(join(checkout, f.file), 'utf8').replace(
    /\nif __name__ == ['"]__main__['"]:[\s\S]*$/,
    '\n',
  );
  const o = compareStated(f, run(src + driver(f), f.file));
  const a = compareAsIs(f, run(src, f.file));
  const verdict = a.wrong.length ? 'wrong' : o.verdict;
  tally[verdict] = (tally[verdict] ?? 0) + 1;
  console.log(`${f.id}: ${verdict} (${o.matched}/${o.entries} entries)`);
  for (const w of [...o.wrong, ...a.wrong]) console.log(`   WRONG ${w}`);
  if (o.verdict !== 'exact' && o.verdict !== 'wrong') console.log(`   ${o.unknown.join(' | ')}`);
}
console.log(
  `${facts.length} models: ${['exact', 'partly', 'unknown', 'wrong'].map((v) => `${tally[v] ?? 0} ${v}`).join(', ')}`,
);
