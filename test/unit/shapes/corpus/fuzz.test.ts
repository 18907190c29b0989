// Half-typed and mangled code never breaks the engine: every corpus file, truncated at random points
// and mutated at random (seeded, so a failure reproduces), must still give a result without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../../src/shapes';
import type { AnalysisResult, Shape } from '../../../../src/shapes/types';
import { uniformStream as rng } from '../../../../src/training/rng';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'shapes');
const SEED = 20261125;
/** Mutated variants per file (plus one truncation per file): about 60 files x 6 = 360 cases. */
const CASES_PER_FILE = 5;

const SNIPPETS = [
  '(',
  ')',
  '[',
  ']',
  ',',
  ':',
  '=',
  '.',
  '-1',
  '0',
  '*',
  '**',
  '//',
  ' ',
  '\n',
  '\t',
  '    ',
  '#',
  "'",
  '"',
  'self.',
  'x',
  'nn.',
  'nn.Conv2d(',
  'nn.Linear(',
  'nn.Sequential(',
  'F.relu(',
  'torch.cat([',
  '.view(',
  'return ',
  'def ',
  'class ',
  'if ',
  'for i in range(',
  'lambda',
  'None',
  '*layers',
  '**kw',
  '@',
  '\\',
  '# input: (1, 3',
  '# input: (',
  '1e9',
  '-0',
  '99999999999',
  'padding="same"',
  'groups=0',
  'stride=0',
];

/**
 * Code that allocates without bound or never ends (the runaways of test/adversarial), inserted whole at
 * a random line with that line's indentation: at the top level, in __init__ or in forward.
 */
const BOMBS = [
  'x = [1]\nfor i in range(100):\n    x = x + x',
  'z = [0] * 10**9',
  's = "a" * 10**8\nfor c in s:\n    pass',
  'n = 0\nwhile True:\n    n += 1',
  'n = 0\nwhile n < 10**9:\n    n += 1',
  'for i in range(10**7):\n    w = i',
  'g = [[0] * 1000 for i in range(1000)]',
  'g = [[[0 for k in range(1000)] for j in range(1000)] for i in range(1000)]',
  'y = [0]\nfor i in range(40):\n    y = [y, y]\nq = y == y',
  'def r(n):\n    return r(n + 1) + r(n + 2)\nv = r(0)',
  'd = {i: i for i in range(100000)}',
  't = [*range(100000), *range(100000)]',
  'a, *b = torch.zeros(10**9, 3)',
  'p = torch.zeros(10**9).split(1)',
];

type Mutation = (src: string, r: () => number) => string;
const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)];
const at = (src: string, r: () => number): number => Math.floor(r() * (src.length + 1));

function insertBomb(s: string, r: () => number): string {
  const lines = s.split('\n');
  const i = Math.floor(r() * lines.length);
  const indent = /^\s*/.exec(lines[i])?.[0] ?? '';
  lines.splice(
    i,
    0,
    ...pick(BOMBS, r)
      .split('\n')
      .map((l) => indent + l),
  );
  return lines.join('\n');
}

const MUTATIONS: Record<string, Mutation> = {
  truncate: (s, r) => s.slice(0, at(s, r)),
  deleteChars: (s, r) => {
    const i = at(s, r);
    return s.slice(0, i) + s.slice(i + 1 + Math.floor(r() * 12));
  },
  duplicateChars: (s, r) => {
    const i = at(s, r);
    const j = Math.min(s.length, i + 1 + Math.floor(r() * 20));
    return s.slice(0, j) + s.slice(i, j) + s.slice(j);
  },
  replaceChars: (s, r) => {
    const i = at(s, r);
    return s.slice(0, i) + pick(SNIPPETS, r) + s.slice(i + 1 + Math.floor(r() * 4));
  },
  insertSnippet: (s, r) => {
    const i = at(s, r);
    return s.slice(0, i) + pick(SNIPPETS, r) + s.slice(i);
  },
  deleteLine: (s, r) => {
    const lines = s.split('\n');
    lines.splice(Math.floor(r() * lines.length), 1);
    return lines.join('\n');
  },
  duplicateLine: (s, r) => {
    const lines = s.split('\n');
    const i = Math.floor(r() * lines.length);
    lines.splice(i, 0, lines[i]);
    return lines.join('\n');
  },
  swapLines: (s, r) => {
    const lines = s.split('\n');
    const i = Math.floor(r() * lines.length);
    const j = Math.floor(r() * lines.length);
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return lines.join('\n');
  },
  reindentLine: (s, r) => {
    const lines = s.split('\n');
    const i = Math.floor(r() * lines.length);
    lines[i] = r() < 0.5 ? lines[i].trimStart() : '    ' + lines[i];
    return lines.join('\n');
  },
  changeNumber: (s, r) => {
    const nums = [...s.matchAll(/\d+/g)];
    if (nums.length === 0) return s;
    const m = pick(nums, r);
    const i = m.index ?? 0;
    const n = pick(['0', '1', '-1', '3', '1000000', '7', '2.5'], r);
    return s.slice(0, i) + n + s.slice(i + m[0].length);
  },
};

function corpus(): { name: string; source: string }[] {
  const out: { name: string; source: string }[] = [];
  for (const dir of ['', 'negative']) {
    const d = join(FIXTURES, dir);
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)
      .filter((n) => n.endsWith('.py'))
      .sort()) {
      out.push({ name: dir ? `${dir}/${f}` : f, source: readFileSync(join(d, f), 'utf8') });
    }
  }
  return out;
}

/** A reported shape is unknown (null), or dimensions that are symbols or non-negative integers. */
function checkShape(s: Shape | undefined, where: string): void {
  if (s === undefined || s === null) return;
  assert.ok(Array.isArray(s), `${where}: shape is an array`);
  for (const d of s) {
    if (typeof d === 'string') assert.ok(d.length > 0, `${where}: empty symbolic dimension`);
    else
      assert.ok(Number.isInteger(d) && d >= 0, `${where}: dimension ${d} in ${JSON.stringify(s)}`);
  }
}

function checkResult(res: AnalysisResult, where: string): void {
  assert.ok(
    res && Array.isArray(res.models) && Array.isArray(res.diagnostics),
    `${where}: a result with models and diagnostics`,
  );
  for (const m of res.models) {
    assert.ok(Array.isArray(m.layers), `${where}: ${m.name} has layers`);
    m.input.forEach((s) => checkShape(s, `${where}: ${m.name} input`));
    checkShape(m.output, `${where}: ${m.name} output`);
    for (const l of m.layers) {
      assert.ok(
        Number.isInteger(l.line) && l.line >= 1,
        `${where}: ${m.name}.${l.name} line ${l.line}`,
      );
      checkShape(l.input, `${where}: ${m.name}.${l.name} input`);
      checkShape(l.output, `${where}: ${m.name}.${l.name} output`);
    }
  }
  for (const d of res.diagnostics)
    assert.ok(Number.isInteger(d.line) && d.line >= 1, `${where}: diagnostic line ${d.line}`);
}

test(
  'analyze() survives truncated and mutated corpus files (seeded fuzz)',
  { timeout: 120_000 },
  () => {
    const files = corpus();
    assert.ok(files.length > 0, 'corpus files found');
    const r = rng(SEED);
    const names = Object.keys(MUTATIONS);
    let cases = 0;
    const failures: string[] = [];
    for (const { name, source } of files) {
      const variants: { how: string; text: string }[] = [
        { how: 'truncate', text: MUTATIONS.truncate(source, r) },
      ];
      for (let k = 0; k < CASES_PER_FILE; k++) {
        let text = source;
        const how: string[] = [];
        const edits = 1 + Math.floor(r() * 3);
        for (let e = 0; e < edits; e++) {
          const m = pick(names, r);
          how.push(m);
          text = MUTATIONS[m](text, r);
        }
        variants.push({ how: how.join('+'), text });
      }
      for (const { how, text } of variants) {
        const where = `${name} (case ${cases}, ${how}, seed ${SEED})`;
        cases++;
        let res: AnalysisResult;
        try {
          res = analyze(text, { file: name });
        } catch (e) {
          failures.push(
            `${where}: analyze threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n--- source ---\n${text}`,
          );
          continue;
        }
        try {
          checkResult(res, where);
        } catch (e) {
          failures.push(`${e instanceof Error ? e.message : String(e)}\n--- source ---\n${text}`);
        }
      }
    }
    assert.ok(cases >= 300, `${cases} cases`);
    // Every failing case is counted; the first ones are shown in full (mutated source included).
    assert.equal(
      failures.length,
      0,
      `${failures.length} of ${cases} cases failed:\n\n${failures.slice(0, 3).join('\n\n')}`,
    );
  },
);

test(
  'analyze() survives corpus files with runaway code inserted (seeded fuzz: allocation bombs, endless loops)',
  { timeout: 240_000 },
  () => {
    const files = corpus();
    const r = rng(SEED + 1);
    const failures: string[] = [];
    let cases = 0;
    let stopped = 0;
    for (const { name, source } of files) {
      const text = insertBomb(source, r);
      const where = `${name} (bomb case ${cases}, seed ${SEED + 1})`;
      cases++;
      let res: AnalysisResult;
      try {
        // A tenth of the default budget keeps each case short; the limits are what is under test, not their size.
        res = analyze(text, { file: name, budget: { steps: 100_000, elements: 100_000 } });
      } catch (e) {
        failures.push(
          `${where}: analyze threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n--- source ---\n${text}`,
        );
        continue;
      }
      if (res.budgetExceeded) stopped++;
      try {
        checkResult(res, where);
      } catch (e) {
        failures.push(`${e instanceof Error ? e.message : String(e)}\n--- source ---\n${text}`);
      }
    }
    assert.ok(cases >= 60, `${cases} cases`);
    // Most insertions land where they run (top level, __init__, forward); some budget limit must be hit.
    assert.ok(stopped > cases / 4, `${stopped} of ${cases} cases reached a budget limit`);
    // Every failing case is counted; the first ones are shown in full (mutated source included).
    assert.equal(
      failures.length,
      0,
      `${failures.length} of ${cases} cases failed:\n\n${failures.slice(0, 3).join('\n\n')}`,
    );
  },
);

test('analyze() survives every prefix of a small model, line by line', () => {
  const source = readFileSync(join(FIXTURES, 'mnist_net.py'), 'utf8');
  const lines = source.split('\n');
  for (let i = 0; i <= lines.length; i++) {
    const text = lines.slice(0, i).join('\n');
    let res: AnalysisResult;
    try {
      res = analyze(text, { file: 'mnist_net.py' });
    } catch (e) {
      assert.fail(
        `prefix of ${i} lines: analyze threw ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    }
    checkResult(res, `prefix of ${i} lines`);
  }
});
