// What the tests that compare our tfjs layers with PyTorch 1.13's recorded numbers
// (scripts/training-fixtures.py) share: reading a fixture file, PyTorch's input as a net takes it,
// and the closeness check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { Tf } from '../../../src/training/backend';
import type { TorchTensor } from '../../../src/training/layers';
import type { NetSpec } from '../../../src/training/spec';

/** The cases of test/fixtures/training/<file>. */
export function readTorchFixtures<C>(file: string): { cases: C[] } {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'fixtures', 'training', file), 'utf8'),
  ) as { cases: C[] };
}

/** PyTorch's [B, C, H, W] input as the net takes it (NHWC for images). */
export function netInput(tf: Tf, spec: NetSpec, x: TorchTensor): Tensor {
  const t = tf.tensor(x.data, x.shape);
  return spec.input.length === 3 ? tf.transpose(t, [0, 2, 3, 1]) : t;
}

/** Equal within `tol` relative to the largest expected magnitude (at least 1); a NaN never passes. */
export function assertClose(
  actual: ArrayLike<number>,
  expected: number[],
  what: string,
  tol = 2e-5,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const scale = Math.max(1, ...expected.map(Math.abs));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs((actual[i] ?? NaN) - (expected[i] ?? NaN));
    if (!(d <= worst)) {
      worst = d;
      at = i;
    }
  }
  assert.ok(
    worst <= tol * scale,
    `${what}: max |diff| ${worst} at ${at} (ours ${actual[at]}, PyTorch ${expected[at]}), scale ${scale}`,
  );
}
