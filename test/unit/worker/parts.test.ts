import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { serialize } from 'node:v8';
import { analyze } from '../../../src/shapes';
import { EngineClient } from '../../../src/worker/client';
import { applyPart, PART_BYTES, splitResult } from '../../../src/worker/parts';
import { bigResult } from './fixtures/bigResult';

const root = join(__dirname, '..', '..', '..');
const corpus = join(root, 'test', 'fixtures', 'shapes');

/** What the host rebuilds: every message cloned as postMessage clones it, the parts applied in order. */
function deliver(value: unknown): { rebuilt: unknown; messages: unknown[] } {
  const split = splitResult(value);
  if (!split) return { rebuilt: structuredClone(value), messages: [value] };
  const head: unknown = structuredClone(split.head);
  for (const p of split.parts) applyPart(head, structuredClone(p));
  return { rebuilt: head, messages: [split.head, ...split.parts] };
}

test('a ModuleList of 20,000 layers arrives in parts, each small, rebuilt to the same result', () => {
  const src = readFileSync(
    join(root, 'test', 'adversarial', 'shapes-resources', 'huge_modulelist.py'),
    'utf8',
  );
  const r = analyze(src);
  assert.equal(r.models[0].modules?.length, 20003);
  const { rebuilt, messages } = deliver(r);
  assert.ok(messages.length > 10, `${messages.length} messages`);
  const sizes = messages.map((m) => serialize(m).length);
  assert.ok(Math.max(...sizes) <= PART_BYTES, `largest message ${Math.max(...sizes)} bytes`);
  assert.deepStrictEqual(rebuilt, r);
});

test('many models in one file (the corpus together) arrive in parts, rebuilt to the same result', () => {
  // Each corpus file's classes renamed so every copy is its own model, as a long generated file.
  const files = readdirSync(corpus).filter((f) => f.endsWith('.py'));
  const src = files
    .map((f, i) => readFileSync(join(corpus, f), 'utf8').replace(/\bclass (\w+)/g, `class $1_${i}`))
    .join('\n');
  const r = analyze(src);
  assert.ok(r.models.length > 50, `${r.models.length} models`);
  const { rebuilt, messages } = deliver(r);
  assert.ok(messages.length > 3, `${messages.length} messages`);
  const sizes = messages.map((m) => serialize(m).length);
  assert.ok(Math.max(...sizes) <= PART_BYTES, `largest message ${Math.max(...sizes)} bytes`);
  assert.deepStrictEqual(rebuilt, r);
});

test('a typical file goes whole', () => {
  const r = analyze(readFileSync(join(corpus, 'resnet18.py'), 'utf8'));
  assert.equal(splitResult(r), null);
});

test('values JSON cannot carry survive the split: NaN, −0, undefined, typed arrays, nulls', () => {
  const value = {
    big: bigResult(3000),
    xs: Array.from({ length: 30000 }, (_, i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? NaN : i)),
    draws: new Float64Array([1.5, Infinity]),
    gone: undefined,
    nested: [[Array.from({ length: 20000 }, (_, i) => ({ i, s: null }))]],
  };
  const { rebuilt, messages } = deliver(value);
  assert.ok(messages.length > 3);
  assert.deepStrictEqual(rebuilt, value);
  assert.ok(Object.is((rebuilt as typeof value).xs[0], -0));
  assert.ok('gone' in (rebuilt as object));
});

test('a part that names a path the head does not own is refused, not followed', () => {
  assert.throws(
    () => applyPart({ a: [] }, { path: ['__proto__', 'constructor'], items: [1] }),
    /path the result does not have/,
  );
  assert.throws(() => applyPart({ a: 1 }, { path: ['a'], items: [1] }), /not a list/);
});

test('the bundled worker sends a 20,000-layer analysis in parts, equal to the analysis in process', async (t) => {
  const workerPath = join(root, 'dist', 'worker.js');
  if (!existsSync(workerPath))
    return t.skip('dist/worker.js is missing: run npm run build (npm test does)');
  const file = join(root, 'test', 'adversarial', 'shapes-resources', 'huge_modulelist.py');
  const source = readFileSync(file, 'utf8');
  const quiet = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  };
  const c = new EngineClient({ workerPath, log: quiet });
  try {
    const r = await c.request('analyze', { source, file });
    assert.notEqual(splitResult(r), null, 'large enough to go in parts');
    assert.deepStrictEqual(r, analyze(source, { file }));
  } finally {
    c.dispose();
  }
});
