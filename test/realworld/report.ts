// Prints every model's verdict and reasons, for writing known-wrong.json and KNOWN_WRONG.md:
//   node --import tsx test/realworld/report.ts [--json FILE] [ID-PREFIX...]
import { writeFileSync } from 'node:fs';
import { readCorpus, type JsonResult } from './compare';
import { installProblem, isWrong, runModel, summary, type ModelRun } from './check';

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonOut = jsonAt >= 0 ? args.splice(jsonAt, 2)[1] : null;
const corpus = readCorpus(__dirname);
const problem = installProblem(corpus);
if (problem) {
  console.error(problem);
  process.exit(2);
}
const cache = new Map<string, JsonResult>();
const runs: ModelRun[] = [];
for (const f of corpus.models) {
  if (args.length && !args.some((p) => f.id.startsWith(p))) continue;
  const t = Date.now();
  const r = runModel(corpus, f, cache);
  runs.push(r);
  const v = isWrong(r) ? 'WRONG' : r.stated.verdict;
  console.log(
    `${f.id}: ${v} (${r.stated.matched}/${r.stated.entries} entries, ${Date.now() - t} ms)`,
  );
  for (const w of [...r.stated.wrong, ...r.asIs.wrong.map((x) => `as it is: ${x}`)].slice(0, 4))
    console.log(`   wrong: ${w}`);
  for (const u of r.stated.unknown.slice(0, 2)) console.log(`   unknown: ${u}`);
  console.log(`   as it is: ${r.asIs.note}`);
}
console.log(summary(runs));
if (jsonOut)
  writeFileSync(
    jsonOut,
    JSON.stringify(
      runs.map((r) => ({
        id: r.fact.id,
        verdict: isWrong(r) ? 'wrong' : r.stated.verdict,
        stated: r.stated,
        asIs: r.asIs,
      })),
      null,
      1,
    ),
  );
