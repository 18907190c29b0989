// What the tests that compare our tfjs layers with PyTorch 1.13's recorded numbers
// (scripts/training-fixtures.py) share: reading a fixture file, PyTorch's input as a net takes it,
// the closeness check, and a graph case's outputs and gradients against PyTorch's.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Tensor } from '@tensorflow/tfjs-core';
import { analyze } from '../../../src/shapes';
import type { ModelResult } from '../../../src/shapes/types';
import type { Tf } from '../../../src/training/backend';
import {
  setTorchWeights,
  torchKey,
  torchToOurs,
  type TorchTensor,
} from '../../../src/training/layers';
import type { Net } from '../../../src/training/net';
import type { NetSpec } from '../../../src/training/spec';

/** The cases of test/fixtures/training/<file>. */
export function readTorchFixtures<C>(file: string): { cases: C[] } {
  return JSON.parse(
    readFileSync(join(__dirname, '..', '..', 'fixtures', 'training', file), 'utf8'),
  ) as { cases: C[] };
}

/** PyTorch's [B, C, H, W] input as the net takes it (NHWC for images). */
export function netInput(tf: Tf, spec: NetSpec, x: TorchTensor): Tensor {
  return tf.tidy(() => {
    const t = tf.tensor(x.data, x.shape);
    return spec.input.length === 3 ? tf.transpose(t, [0, 2, 3, 1]) : t;
  });
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

/** A graph forward recorded by scripts/training-fixtures.py: weights, input, output, and the
 * gradients of sum(output · r). */
export interface GraphCase {
  name: string;
  source: string;
  input: TorchTensor;
  output: TorchTensor;
  r: TorchTensor;
  state: Record<string, TorchTensor>;
  grads: Record<string, TorchTensor>;
}

/** The engine's model `name` in `source`, with its flow graph. */
export function graphModel(source: string, name: string): ModelResult {
  const m = analyze(source, { file: `${name}.py`, flow: true, strict: true }).models.find(
    (x) => x.name === name,
  );
  assert.ok(m, `the engine finds ${name}`);
  return m;
}

/**
 * With PyTorch's weights loaded into `net`, its output and the gradients of sum(output · r) — every
 * trainable weight's and the input's — equal the case's, and no tensor is left behind.
 */
export function assertGraphMatchesTorch(tf: Tf, spec: NetSpec, net: Net, c: GraphCase): void {
  const before = tf.memory().numTensors;
  setTorchWeights(tf, net, c.state);
  const xin = netInput(tf, spec, c.input);
  const x = tf.variable(xin, true, `${c.name}-x-${before}`);
  xin.dispose();
  const trainable = net.variables.filter((v) => v.trainable);
  let y: Tensor | null = null;
  const { grads, value } = tf.variableGrads(() => {
    const out = net.forward(x, false);
    y = tf.keep(out.clone());
    return tf.sum(tf.mul(out, tf.tensor(c.r.data, c.r.shape)));
  }, [...trainable, x]);
  value.dispose();
  const out = y as Tensor | null;
  assert.ok(out);
  assert.deepEqual(out.shape, c.output.shape);
  assertClose(out.dataSync(), c.output.data, 'output', 1e-5);
  out.dispose();
  for (const v of trainable) {
    const key = torchKey(v);
    const expected = c.grads[key];
    assert.ok(grads[v.name] && expected, `gradient of ${key}`);
    assertClose(
      grads[v.name].dataSync(),
      Array.from(torchToOurs(spec, key, expected)),
      `d/d ${key}`,
      1e-4,
    );
  }
  const gx = grads[x.name];
  assert.ok(gx);
  const ours = spec.input.length === 3 ? tf.transpose(gx, [0, 3, 1, 2]) : gx;
  assertClose(ours.dataSync(), (c.grads.input as TorchTensor).data, 'd/d input', 1e-4);
  if (ours !== gx) ours.dispose();
  for (const g of Object.values(grads)) g.dispose();
  x.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
}
