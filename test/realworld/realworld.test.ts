// The real-world corpus (issue 13): model classes nobody on this project wrote, read in place from
// Debian's PyTorch packages, compared with what real PyTorch recorded (models.json). Not part of
// `npm test`: run `bash scripts/setup-python.sh` then `npm run test:realworld`.
// A model fails when the engine states a wrong number for it and it is not in known-wrong.json, and
// when it is listed there but is no longer wrong (so the list only shrinks, knowingly).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCorpus, readKnownWrong, type JsonResult } from './compare';
import { installProblem, isWrong, runModel, summary, type ModelRun } from './check';

const DIR = __dirname;
const corpus = readCorpus(DIR);
const knownWrong = readKnownWrong(DIR);
const problem = installProblem(corpus);
const runs: ModelRun[] = [];
const asIsCache = new Map<string, JsonResult>();

test('the installed packages are the recorded ones', () => {
  assert.equal(problem, null, problem ?? '');
});

test('every known-wrong entry names a model of the corpus and says why', () => {
  const ids = new Set(corpus.models.map((m) => m.id));
  for (const [id, why] of Object.entries(knownWrong)) {
    assert.ok(ids.has(id), `known-wrong.json lists ${id}, which is not in models.json`);
    assert.ok(
      why.trim().length > 0 && !why.includes('\n'),
      `known-wrong.json: ${id} needs a one-line diagnosis`,
    );
  }
});

if (!problem) {
  for (const fact of corpus.models) {
    test(fact.id, () => {
      const r = runModel(corpus, fact, asIsCache);
      runs.push(r);
      const listed = knownWrong[fact.id];
      if (isWrong(r)) {
        const reasons = [...r.stated.wrong, ...r.asIs.wrong.map((w) => `as it is: ${w}`)];
        assert.ok(
          listed,
          `${fact.id} (${fact.construct} on ${fact.call}) is WRONG and not in known-wrong.json:\n  ${reasons.join('\n  ')}`,
        );
      } else {
        assert.ok(
          !listed,
          `${fact.id} is in known-wrong.json ("${listed}") but is no longer wrong (${r.stated.verdict}): remove it from the list`,
        );
      }
    });
  }
}

after(() => {
  if (runs.length) console.log(summary(runs));
});
