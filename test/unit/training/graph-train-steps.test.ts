// Graphs with BatchNorm trained for a few SGD steps against PyTorch 1.13
// (scripts/training-fixtures.py --graph-train): in train mode each step normalises with the batch's
// statistics (biased variance) and moves the running statistics (momentum, unbiased variance); the
// losses of every step, every parameter and running statistic after the last step, and an eval-mode
// output that uses the running statistics must be PyTorch's — BatchNorm1d/2d/3d, on cpu and wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/shapes';
import { loadBackend } from '../../../src/training/backend';
import { translateGraph } from '../../../src/training/graphTranslate';
import {
  setTorchWeights,
  torchKey,
  torchToOurs,
  type TorchTensor,
} from '../../../src/training/layers';
import { buildNet } from '../../../src/training/net';
import { assertClose, netInput, readTorchFixtures } from './torchFixtures';

interface Case {
  name: string;
  source: string;
  classes: number;
  lr: number;
  state: Record<string, TorchTensor>;
  batches: { x: TorchTensor; labels: number[] }[];
  losses: number[];
  after: Record<string, TorchTensor>;
  evalInput: TorchTensor;
  evalOutput: TorchTensor;
}
const fixtures = readTorchFixtures<Case>('torch-graph-train.json');

for (const backend of ['cpu', 'wasm'] as const) {
  for (const c of fixtures.cases) {
    test(`${c.name} on ${backend}: ${c.batches.length} SGD steps in train mode, then eval, as PyTorch`, async () => {
      const { tf } = await loadBackend(backend);
      const m = analyze(c.source, { file: `${c.name}.py`, flow: true, strict: true }).models.find(
        (x) => x.name === c.name,
      );
      assert.ok(m);
      const spec = translateGraph(m);
      assert.ok(spec.graph && spec.layers.some((l) => l.op === 'batchnorm'));
      const net = buildNet(tf, spec, 1);
      const before = tf.memory().numTensors;
      try {
        setTorchWeights(tf, net, c.state);
        const trainable = net.variables.filter((v) => v.trainable);
        c.batches.forEach((b, i) => {
          const labels = tf.tidy(() => tf.oneHot(tf.tensor1d(b.labels, 'int32'), c.classes));
          const x = tf.tidy(() => netInput(tf, spec, b.x));
          const { value, grads } = tf.variableGrads(
            () => tf.losses.softmaxCrossEntropy(labels, net.forward(x, true)) as never,
            trainable,
          );
          assertClose(
            [value.dataSync()[0] ?? NaN],
            [c.losses[i] ?? NaN],
            `loss at step ${i + 1}`,
            1e-5,
          );
          tf.tidy(() => {
            for (const v of trainable) v.assign(tf.sub(v, tf.mul(grads[v.name], c.lr)));
          });
          tf.dispose([labels, x, value, ...Object.values(grads)]);
        });
        for (const v of net.variables) {
          const key = torchKey(v);
          const want = c.after[key];
          assert.ok(want, `PyTorch has ${key}`);
          assertClose(
            v.dataSync(),
            Array.from(torchToOurs(spec, key, want)),
            `${key} after the steps`,
            1e-4,
          );
        }
        const y = tf.tidy(() => net.forward(netInput(tf, spec, c.evalInput), false));
        assertClose(
          y.dataSync(),
          c.evalOutput.data,
          'eval output with the running statistics',
          1e-4,
        );
        y.dispose();
        assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      } finally {
        net.dispose();
      }
    });
  }
}
