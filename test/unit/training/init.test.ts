// Our initial weights follow PyTorch's default initialisation in distribution (kaiming_uniform with
// a = √5 for convolution and Linear weights, uniform ±1/√fan_in biases, BatchNorm ones and zeros,
// recurrent weights uniform ±1/√hidden, attention's xavier in_proj), so accuracy after the same epochs
// can match. The statistics of every state_dict entry of the training test models, pooled over several
// seeds, against PyTorch 1.13's (scripts/training-fixtures.py --init).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/shapes';
import { loadBackend } from '../../../src/training/backend';
import { resolveModel } from '../../../src/training/index';
import { torchKey } from '../../../src/training/layers';
import { buildNet } from '../../../src/training/net';

interface Stat {
  n: number;
  mean: number;
  std: number;
  absmax: number;
}
interface InitModel {
  file: string;
  name: string;
  seeds: number;
  stats: Record<string, Stat>;
}
const root = join(__dirname, '..', '..', '..');
const fixture = JSON.parse(
  readFileSync(join(root, 'test', 'fixtures', 'training', 'torch-init.json'), 'utf8'),
) as { models: InitModel[] };

function pooled(values: Float32Array[]): Stat {
  let n = 0;
  let sum = 0;
  let absmax = 0;
  for (const v of values)
    for (const x of v) {
      n++;
      sum += x;
      absmax = Math.max(absmax, Math.abs(x));
    }
  const mean = sum / n;
  let sq = 0;
  for (const v of values) for (const x of v) sq += (x - mean) ** 2;
  return { n, mean, std: Math.sqrt(sq / n), absmax };
}

for (const m of fixture.models) {
  test(`${m.file}: every parameter and buffer starts as PyTorch's does, in distribution`, async () => {
    const { tf } = await loadBackend('cpu');
    const source = readFileSync(
      join(root, 'test', 'fixtures', 'training', 'models', m.file),
      'utf8',
    );
    const spec = resolveModel(
      { kind: 'source', file: m.file, source, className: m.name },
      (s, f) => analyze(s, { file: f, flow: true }).models,
    );
    const byKey = new Map<string, Float32Array[]>();
    for (let seed = 1; seed <= m.seeds; seed++) {
      const net = buildNet(tf, spec, seed);
      for (const v of net.variables) {
        const list = byKey.get(torchKey(v)) ?? [];
        list.push(v.dataSync() as Float32Array);
        byKey.set(torchKey(v), list);
      }
      net.dispose();
    }
    assert.deepEqual([...byKey.keys()].sort(), Object.keys(m.stats).sort(), 'the same entries');
    for (const [key, theirs] of Object.entries(m.stats)) {
      const ours = pooled(byKey.get(key) ?? []);
      assert.equal(ours.n, theirs.n, `${key}: size`);
      if (theirs.std === 0) {
        // Constants (BatchNorm's ones and zeros, running statistics): exactly.
        assert.equal(ours.std, 0, `${key}: constant`);
        assert.equal(ours.mean, theirs.mean, `${key}: value`);
        continue;
      }
      // Two independent samples of N draws from one distribution: the standard deviations differ by
      // about 0.63·σ/√N for a uniform (0.71·σ/√N for a normal), the means by √2·σ/√N. Six such errors.
      const se = theirs.std / Math.sqrt(theirs.n);
      assert.ok(
        Math.abs(ours.std - theirs.std) <= 6 * 0.75 * se,
        `${key}: std ${ours.std} vs PyTorch's ${theirs.std} (N = ${theirs.n})`,
      );
      assert.ok(
        Math.abs(ours.mean - theirs.mean) <= 6 * Math.SQRT2 * se,
        `${key}: mean ${ours.mean} vs PyTorch's ${theirs.mean} (N = ${theirs.n})`,
      );
      // A bounded uniform shows its bound: N draws leave a gap above the largest of about bound/N.
      if (theirs.n >= 500) {
        const slack = 1 + 20 / theirs.n;
        assert.ok(
          ours.absmax <= theirs.absmax * slack && theirs.absmax <= ours.absmax * slack,
          `${key}: largest magnitude ${ours.absmax} vs PyTorch's ${theirs.absmax} (N = ${theirs.n})`,
        );
      }
    }
  });
}
