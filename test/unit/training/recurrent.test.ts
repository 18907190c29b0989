// nn.RNN / LSTM / GRU against PyTorch 1.13's own numbers (scripts/training-fixtures.py --recurrent): with
// PyTorch's state_dict loaded, the output, h_n and c_n and the gradients of sum(output·r) + sum(h_n·rh)
// (+ sum(c_n·rc)) for every parameter, the input and the initial states must match, on cpu and wasm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { loadBackend } from '../../../src/training/backend';
import type { TorchTensor } from '../../../src/training/layers';
import {
  buildRecurrent,
  recurrentParams,
  type RecurrentSpec,
} from '../../../src/training/recurrent';
import { uniformStream } from '../../../src/training/rng';
import { assertClose, readTorchFixtures } from './torchFixtures';

interface Case extends RecurrentSpec {
  name: string;
  input: TorchTensor;
  output: TorchTensor;
  h: TorchTensor;
  c?: TorchTensor;
  r: TorchTensor;
  rh: TorchTensor;
  rc?: TorchTensor;
  h0?: TorchTensor;
  c0?: TorchTensor;
  state: Record<string, TorchTensor>;
  grads: Record<string, TorchTensor>;
}
const fixtures = readTorchFixtures<Case>('torch-recurrent.json');

for (const backend of ['cpu', 'wasm'] as const) {
  for (const c of fixtures.cases) {
    test(`${c.name} on ${backend}: output, states and gradients equal PyTorch's`, async () => {
      const { tf } = await loadBackend(backend);
      const vars: Variable[] = [];
      const before = tf.memory().numTensors;
      const m = buildRecurrent(
        tf,
        c,
        (values, shape, name) => {
          const v = tf.tidy(() =>
            tf.variable(
              tf.tensor(values, shape),
              true,
              `${backend}-${c.name}-${name}-${vars.length}`,
            ),
          );
          vars.push(v);
          return v;
        },
        uniformStream(1),
        'rnn.',
      );
      try {
        assert.deepEqual(
          [...m.params.keys()].sort(),
          Object.keys(c.state).sort(),
          "PyTorch's parameter names",
        );
        assert.equal(
          recurrentParams(c),
          Object.values(c.state).reduce((n, t) => n + t.data.length, 0),
          'parameter count',
        );
        for (const [k, t] of Object.entries(c.state)) {
          const v = m.params.get(k) as Variable;
          assert.deepEqual(v.shape, t.shape, k);
          tf.tidy(() => v.assign(tf.tensor(t.data, t.shape)));
        }
        const x = tf.tidy(() =>
          tf.variable(tf.tensor(c.input.data, c.input.shape), true, `${backend}-${c.name}-x`),
        );
        const h0 = c.h0
          ? tf.tidy(() =>
              tf.variable(
                tf.tensor(c.h0?.data ?? [], c.h0?.shape),
                true,
                `${backend}-${c.name}-h0`,
              ),
            )
          : undefined;
        const c0 = c.c0
          ? tf.tidy(() =>
              tf.variable(
                tf.tensor(c.c0?.data ?? [], c.c0?.shape),
                true,
                `${backend}-${c.name}-c0`,
              ),
            )
          : undefined;
        const extra = [x, ...(h0 ? [h0] : []), ...(c0 ? [c0] : [])];
        vars.push(...extra);
        let outs: { output: Float32Array; h: Float32Array; c?: Float32Array } | null = null;
        const { value, grads } = tf.variableGrads(() => {
          const o = m.forward(x, h0, c0);
          outs = {
            output: o.output.dataSync() as Float32Array,
            h: o.h.dataSync() as Float32Array,
            ...(o.c ? { c: o.c.dataSync() as Float32Array } : {}),
          };
          assert.deepEqual(o.output.shape, c.output.shape, 'output shape');
          assert.deepEqual(o.h.shape, c.h.shape, 'h_n shape');
          let loss: Tensor = tf.add(
            tf.sum(tf.mul(o.output, tf.tensor(c.r.data, c.r.shape))),
            tf.sum(tf.mul(o.h, tf.tensor(c.rh.data, c.rh.shape))),
          );
          if (o.c && c.rc)
            loss = tf.add(loss, tf.sum(tf.mul(o.c, tf.tensor(c.rc.data, c.rc.shape))));
          return loss as never;
        }, vars);
        const got = outs as unknown as { output: Float32Array; h: Float32Array; c?: Float32Array };
        assertClose(got.output, c.output.data, 'output');
        assertClose(got.h, c.h.data, 'h_n');
        if (c.c) assertClose(got.c ?? [], c.c.data, 'c_n');
        for (const [k, t] of Object.entries(c.grads)) {
          const v = k === 'input' ? x : k === 'h0' ? h0 : k === 'c0' ? c0 : m.params.get(k);
          assert.ok(v, k);
          assertClose(grads[v.name].dataSync(), t.data, `grad ${k}`, 1e-4);
        }
        tf.dispose([value, ...Object.values(grads)]);
      } finally {
        tf.dispose(vars);
      }
      assert.equal(tf.memory().numTensors, before, 'no tensors left');
    });
  }
}
