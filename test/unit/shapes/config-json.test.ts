// The module tree's signatures serialise each module's config with configJson (eval/moduleTree.ts),
// written out for speed: it must give JSON.stringify's text exactly, on odd values and on the configs
// of real analyses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/shapes';
import { configJson } from '../../../src/shapes/eval/moduleTree';
import type { LayerConfig } from '../../../src/shapes/types';

test('configJson is JSON.stringify on odd values', () => {
  const odd: unknown[] = [
    {},
    { a: 1, b: -0, c: 1e21, d: 1.5e-7, e: NaN, f: Infinity, g: -Infinity },
    { s: 'plain', q: 'say "hi"', b: 'back\\slash', n: 'line\nbreak', u: 'ünï', e: '😀', t: '\t' },
    { lone: '\ud800', ctrl: '\u0001', del: '\u007f' },
    { t: true, f: false, n: null, u: undefined },
    { arr: [1, 'a', null, true, [2, [3]], undefined], empty: [] },
    { 'we"ird': 1, ké: 2, 10: 'x', 2: 'y', z: 3 },
    { f: () => 1, arr: [() => 1] },
    { nested: { a: 1 } },
  ];
  for (const c of odd)
    assert.equal(configJson(c as LayerConfig), JSON.stringify(c), JSON.stringify(c) ?? 'undefined');
  // A value JSON cannot write throws as JSON.stringify throws.
  assert.throws(() => configJson({ big: 1n } as unknown as LayerConfig), TypeError);
});

test('configJson is JSON.stringify on every config of the shape fixtures', () => {
  const dir = join(__dirname, '..', '..', 'fixtures', 'shapes');
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.py'))) {
    const r = analyze(readFileSync(join(dir, f), 'utf8'), { file: f });
    for (const m of r.models)
      for (const l of m.layers)
        if (l.config) {
          n++;
          assert.equal(configJson(l.config), JSON.stringify(l.config), `${f}: ${l.name}`);
        }
  }
  assert.ok(n > 200, `${n} configs`);
});
