// BatchNorm's training-mode semantics against PyTorch 1.13 (scripts/training-fixtures.py --batchnorm):
// two train-mode passes from set running statistics; the second pass's output and gradients (batch
// statistics with the biased variance), the running statistics after both (momentum, unbiased variance),
// and an eval-mode pass that uses them — BatchNorm1d on (B, F) and (B, C, L), BatchNorm2d with and
// without affine parameters, on cpu and wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/shapes';
import { loadBackend } from '../../../src/training/backend';
import {
  setTorchWeights,
  torchKey,
  torchToOurs,
  type TorchTensor,
} from '../../../src/training/layers';
import { buildNet } from '../../../src/training/net';
import { translateModel } from '../../../src/training/translate';
import { assertClose, netInput, readTorchFixtures } from './torchFixtures';

interface Case {
  name: string;
  source: string;
  state: Record<string, TorchTensor>;
  x1: TorchTensor;
  x2: TorchTensor;
  x3: TorchTensor;
  output: TorchTensor;
  r: TorchTensor;
  running: Record<string, TorchTensor>;
  evalOutput: TorchTensor;
  grads: Record<string, TorchTensor>;
}
const fixtures = readTorchFixtures<Case>('torch-batchnorm-train.json');

for (const backend of ['cpu', 'wasm'] as const) {
  for (const c of fixtures.cases) {
    test(`${c.name} on ${backend}: train-mode output, gradients and running statistics equal PyTorch's`, async () => {
      const { tf } = await loadBackend(backend);
      const model = analyze(c.source, { file: `${c.name}.py` }).models.find(
        (m) => m.name === c.name,
      );
      assert.ok(model);
      const spec = translateModel(model, c.source);
      assert.ok(spec.layers.some((l) => l.op === 'batchnorm'));
      const net = buildNet(tf, spec, 1);
      const before = tf.memory().numTensors;
      try {
        setTorchWeights(tf, net, c.state);
        tf.tidy(() => {
          net.forward(netInput(tf, spec, c.x1), true);
        });
        const trainable = net.variables.filter((v) => v.trainable);
        let out: Float32Array | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const y = net.forward(netInput(tf, spec, c.x2), true);
          out = y.dataSync() as Float32Array;
          return tf.sum(tf.mul(y, tf.tensor(c.r.data, c.r.shape))) as never;
        }, trainable);
        assertClose(out ?? [], c.output.data, 'train-mode output');
        for (const v of trainable) {
          const key = torchKey(v);
          assertClose(
            grads[v.name].dataSync(),
            Array.from(torchToOurs(spec, key, c.grads[key])),
            `d/d ${key}`,
            1e-4,
          );
        }
        tf.dispose([value, ...Object.values(grads)]);
        for (const v of net.variables.filter((x) => !x.trainable)) {
          const key = torchKey(v);
          assertClose(v.dataSync(), c.running[key].data, key);
        }
        const y3 = tf.tidy(() => net.forward(netInput(tf, spec, c.x3), false));
        assertClose(y3.dataSync(), c.evalOutput.data, 'eval output with the updated statistics');
        y3.dispose();
        assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
      } finally {
        net.dispose();
      }
    });
  }
}
