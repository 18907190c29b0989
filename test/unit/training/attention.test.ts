// nn.MultiheadAttention and nn.TransformerEncoderLayer against PyTorch 1.13's own numbers
// (scripts/training-fixtures.py --attention): with PyTorch's state_dict loaded, the output (and the
// head-averaged attention weights) and the gradients for every parameter and the input must match, for
// batch-first and time-first inputs, with and without biases, post-norm ReLU and pre-norm GELU layers,
// on cpu and wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import {
  buildMultiheadAttention,
  buildTransformerEncoderLayer,
} from '../../../src/training/attention';
import { loadBackend } from '../../../src/training/backend';
import type { TorchTensor } from '../../../src/training/layers';
import { uniformStream } from '../../../src/training/rng';
import { assertClose, readTorchFixtures } from './torchFixtures';

interface Case {
  name: string;
  kind: 'MultiheadAttention' | 'TransformerEncoderLayer';
  kwargs: Record<string, number | boolean | string>;
  input: TorchTensor;
  output: TorchTensor;
  r: TorchTensor;
  weights?: TorchTensor;
  rw?: TorchTensor;
  state: Record<string, TorchTensor>;
  grads: Record<string, TorchTensor>;
}
const fixtures = readTorchFixtures<Case>('torch-attention.json');

for (const backend of ['cpu', 'wasm'] as const) {
  for (const c of fixtures.cases) {
    test(`${c.name} on ${backend}: output and gradients equal PyTorch's`, async () => {
      const { tf } = await loadBackend(backend);
      const before = tf.memory().numTensors;
      const vars: Variable[] = [];
      const make = (values: Float32Array, shape: number[], name: string): Variable => {
        const v = tf.tidy(() =>
          tf.variable(tf.tensor(values, shape), true, `${backend}-${c.name}-${name}`),
        );
        vars.push(v);
        return v;
      };
      const k = c.kwargs;
      const rand = uniformStream(2);
      let forward: (x: Tensor) => { output: Tensor; weights?: Tensor };
      let params: Map<string, Variable>;
      if (c.kind === 'MultiheadAttention') {
        const m = buildMultiheadAttention(
          tf,
          {
            embedDim: Number(k.embed_dim),
            numHeads: Number(k.num_heads),
            bias: k.bias !== false,
            batchFirst: k.batch_first === true,
          },
          make,
          rand,
          'attn.',
        );
        forward = (x) => m.forward(x);
        params = m.params;
      } else {
        const m = buildTransformerEncoderLayer(
          tf,
          {
            dModel: Number(k.d_model),
            nhead: Number(k.nhead),
            dimFeedforward: Number(k.dim_feedforward),
            dropout: Number(k.dropout),
            activation: k.activation === 'gelu' ? 'gelu' : 'relu',
            layerNormEps: Number(k.layer_norm_eps ?? 1e-5),
            batchFirst: k.batch_first === true,
            normFirst: k.norm_first === true,
          },
          make,
          rand,
          'enc.',
        );
        forward = (x) => ({ output: m.forward(x, false) });
        params = m.params;
      }
      try {
        assert.deepEqual(
          [...params.keys()].sort(),
          Object.keys(c.state).sort(),
          "PyTorch's parameter names",
        );
        for (const [key, t] of Object.entries(c.state)) {
          const v = params.get(key) as Variable;
          assert.deepEqual(v.shape, t.shape, key);
          tf.tidy(() => v.assign(tf.tensor(t.data, t.shape)));
        }
        const x = tf.tidy(() =>
          tf.variable(tf.tensor(c.input.data, c.input.shape), true, `${backend}-${c.name}-x`),
        );
        vars.push(x);
        let out: Float32Array | null = null;
        let w: Float32Array | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const o = forward(x);
          out = o.output.dataSync() as Float32Array;
          let loss: Tensor = tf.sum(tf.mul(o.output, tf.tensor(c.r.data, c.r.shape)));
          if (o.weights && c.rw) {
            w = o.weights.dataSync() as Float32Array;
            loss = tf.add(loss, tf.sum(tf.mul(o.weights, tf.tensor(c.rw.data, c.rw.shape))));
          }
          return loss as never;
        }, vars);
        assertClose(out ?? [], c.output.data, 'output');
        if (c.weights) assertClose(w ?? [], c.weights.data, 'attention weights');
        for (const [key, t] of Object.entries(c.grads)) {
          const v = key === 'input' ? x : params.get(key);
          assert.ok(v, key);
          assertClose(grads[v.name].dataSync(), t.data, `grad ${key}`, 1e-4);
        }
        tf.dispose([value, ...Object.values(grads)]);
      } finally {
        tf.dispose(vars);
      }
      assert.equal(tf.memory().numTensors, before, 'no tensors left');
    });
  }
}
