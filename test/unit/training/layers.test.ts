// The translated layers against PyTorch's own numbers: each fixture (scripts/training-fixtures.py, run
// with PyTorch 1.13) is a small model's source, its state_dict, an input, the eval-mode output and the
// gradients of sum(output · r). The source goes through the shape engine, the translator and the tfjs
// builder; with PyTorch's weights loaded, the output and every gradient must match — on the cpu backend
// and on wasm, where grouped convolutions and Embedding take other routes (no depthwise or gather
// gradient kernels there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/shapes';
import { loadBackend } from '../../../src/training/backend';
import {
  channelNoiseShape,
  interpMatrix,
  setTorchWeights,
  torchKey,
  torchToOurs,
  type TorchTensor,
} from '../../../src/training/layers';
import { buildNet } from '../../../src/training/net';
import { countParams, type NetSpec } from '../../../src/training/spec';
import { translateModel } from '../../../src/training/translate';
import { assertClose, netInput, readTorchFixtures } from './torchFixtures';

interface Case {
  name: string;
  source: string;
  input: TorchTensor;
  output: TorchTensor;
  r: TorchTensor;
  state: Record<string, TorchTensor>;
  grads: Record<string, TorchTensor>;
}
const fixtures = readTorchFixtures<Case>('torch-layers.json');

function paramCount(state: Record<string, TorchTensor>): number {
  return Object.entries(state)
    .filter(([k]) => !/running_(mean|var)$/.test(k))
    .reduce((n, [, t]) => n + t.data.length, 0);
}

for (const backend of ['cpu', 'wasm'] as const) {
  for (const c of fixtures.cases) {
    test(`${c.name} on ${backend}: output and gradients equal PyTorch's`, async () => {
      const { tf } = await loadBackend(backend);
      const model = analyze(c.source, { file: `${c.name}.py` }).models.find(
        (m) => m.name === c.name,
      );
      assert.ok(model, 'the engine finds the model');
      const spec = translateModel(model, c.source);
      assert.equal(countParams(spec), paramCount(c.state), "parameter count equals PyTorch's");
      assert.equal(countParams(spec), model.params, "parameter count equals the engine's");
      const net = buildNet(tf, spec, 1);
      const before = tf.memory().numTensors;
      try {
        setTorchWeights(tf, net, c.state);
        const y = tf.tidy(() => net.forward(netInput(tf, spec, c.input), false));
        assert.deepEqual(y.shape, c.output.shape);
        assertClose(y.dataSync(), c.output.data, 'output');
        y.dispose();
        // Gradients of sum(y · r) with respect to every trainable variable and the input.
        const trainable = net.variables.filter((v) => v.trainable);
        const isFloat = 'input' in c.grads;
        const xin = tf.tidy(() => netInput(tf, spec, c.input));
        const x = tf.variable(xin, isFloat, `${c.name}-${backend}-x`);
        xin.dispose();
        const { grads, value } = tf.variableGrads(
          () => tf.sum(tf.mul(net.forward(x, false), tf.tensor(c.r.data, c.r.shape))),
          isFloat ? [...trainable, x] : trainable,
        );
        value.dispose();
        for (const v of trainable) {
          const key = torchKey(v);
          const g = grads[v.name];
          const expected = c.grads[key];
          assert.ok(g && expected, `gradient of ${key}`);
          assertClose(
            g.dataSync(),
            Array.from(torchToOurs(spec, key, expected)),
            `d/d ${key}`,
            1e-4,
          );
        }
        if (isFloat) {
          const gx = grads[x.name];
          assert.ok(gx);
          const expected = c.grads.input as TorchTensor;
          const ours = spec.input.length === 3 ? tf.transpose(gx, [0, 3, 1, 2]) : gx;
          assertClose(ours.dataSync(), expected.data, 'd/d input', 1e-4);
          if (ours !== gx) ours.dispose();
        }
        for (const g of Object.values(grads)) g.dispose();
        x.dispose();
        assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      } finally {
        net.dispose();
      }
    });
  }
}

test("Dropout2d drops whole channels, in PyTorch's order and in channels-last", async () => {
  const { tf } = await loadBackend('cpu');
  const spec: NetSpec = {
    name: 'd2',
    input: [6, 5, 4],
    layers: [{ name: 'd', type: 'Dropout2d', op: 'dropout', p: 0.5, channelwise: true }],
  };
  const net = buildNet(tf, spec, 3);
  // forward takes NHWC and returns PyTorch's NCHW.
  const y = tf.tidy(() => net.forward(tf.ones([4, 5, 4, 6]), true));
  const v = y.arraySync() as number[][][][];
  let dropped = 0;
  for (let b = 0; b < 4; b++) {
    for (let ch = 0; ch < 6; ch++) {
      const vals = new Set<number>();
      for (let h = 0; h < 5; h++) for (let w = 0; w < 4; w++) vals.add(v[b]?.[ch]?.[h]?.[w] ?? NaN);
      assert.equal(vals.size, 1, `sample ${b} channel ${ch} is all kept or all dropped`);
      const [only] = [...vals];
      assert.ok(only === 0 || only === 2, `kept values are scaled by 1/(1−p): ${only}`);
      if (only === 0) dropped++;
    }
  }
  assert.ok(dropped > 0 && dropped < 24, `${dropped} of 24 channels dropped`);
  y.dispose();
  net.dispose();
  assert.deepEqual(channelNoiseShape({ t: tf.zeros([2, 3, 7]), layout: 'plain' }), [2, 3, 1]);
  assert.deepEqual(channelNoiseShape({ t: tf.zeros([2, 7, 3]), layout: 'nhwc' }), [2, 1, 3]);
  assert.deepEqual(channelNoiseShape({ t: tf.zeros([2, 3]), layout: 'plain' }), [2, 3]);
});

test("nearest resampling follows PyTorch's float32 index rule floor(dst · scale)", () => {
  // 5 → 8 by scale_factor 1.7: PyTorch uses 1/1.7, not 5/8 (which would give 0 0 1 1 2 3 3 4).
  const src = (mt: Float32Array, n: number, m: number): number[] =>
    Array.from({ length: m }, (_, o) =>
      Array.from({ length: n }, (_, i) => mt[i * m + o]).indexOf(1),
    );
  assert.deepEqual(src(interpMatrix('nearest', 5, 8, 1.7, false), 5, 8), [0, 0, 1, 1, 2, 2, 3, 4]);
  assert.deepEqual(src(interpMatrix('nearest', 5, 8, null, false), 5, 8), [0, 0, 1, 1, 2, 3, 3, 4]);
  assert.deepEqual(
    src(interpMatrix('nearest-exact', 5, 8, null, false), 5, 8),
    [0, 0, 1, 2, 2, 3, 4, 4],
  );
});
