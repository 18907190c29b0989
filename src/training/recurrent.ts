// nn.RNN, nn.LSTM and nn.GRU in tfjs with PyTorch's semantics and parameter layout: gate order (LSTM
// i, f, g, o; GRU r, z, n with the reset gate applied to W_hn·h + b_hn), weight names weight_ih_l{k}
// [_reverse], shapes [gates·H, in], batch_first, stacked layers (each later layer reads both directions'
// outputs concatenated), bidirectional runs, and the tuple PyTorch returns: output [B, T, D·H] (or
// [T, B, D·H]), h_n [layers·D, B, H] (and c_n). Built from ops with gradients on every backend, so
// autodiff gives PyTorch's gradients (test/unit/training/recurrent.test.ts checks both against PyTorch).
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import { uniform, type MakeVar } from './layers';

export type RecurrentMode = 'lstm' | 'gru' | 'rnn_tanh' | 'rnn_relu';

export interface RecurrentSpec {
  mode: RecurrentMode;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bias: boolean;
  batchFirst: boolean;
  bidirectional: boolean;
}

export interface RecurrentOutput {
  output: Tensor;
  h: Tensor;
  /** LSTM only. */
  c?: Tensor;
}

export interface RecurrentModule {
  /** PyTorch state_dict key (without the module prefix) → variable. */
  params: Map<string, Variable>;
  forward(x: Tensor, h0?: Tensor, c0?: Tensor): RecurrentOutput;
}

export const gatesOf = (mode: RecurrentMode): number =>
  mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;

/** PyTorch's parameter count for the module. */
export function recurrentParams(s: RecurrentSpec): number {
  const g = gatesOf(s.mode) * s.hiddenSize;
  const dirs = s.bidirectional ? 2 : 1;
  let n = 0;
  for (let k = 0; k < s.numLayers; k++) {
    const inSize = k === 0 ? s.inputSize : s.hiddenSize * dirs;
    n += dirs * (g * inSize + g * s.hiddenSize + (s.bias ? 2 * g : 0));
  }
  return n;
}

/** One direction of one layer: PyTorch's weight_ih [G·H, in], weight_hh [G·H, H] and their biases. */
export interface CellWeights {
  wih: Variable;
  whh: Variable;
  bih: Variable | null;
  bhh: Variable | null;
}

/** One time step on [B, in]: the new h and c (c passes through unchanged but for an LSTM). */
export function cellStep(
  tf: Tf,
  mode: RecurrentMode,
  x: Tensor,
  h: Tensor,
  c: Tensor,
  w: CellWeights,
): [Tensor, Tensor] {
  const lin = (t: Tensor, m: Variable, b: Variable | null): Tensor => {
    const y = tf.matMul(t, m, false, true);
    return b ? tf.add(y, b) : y;
  };
  const gi = lin(x, w.wih, w.bih);
  const gh = lin(h, w.whh, w.bhh);
  if (mode === 'lstm') {
    const [i, f, g, o] = tf.split(tf.add(gi, gh), 4, 1);
    const c2 = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    return [tf.mul(tf.sigmoid(o), tf.tanh(c2)), c2];
  }
  if (mode === 'gru') {
    const [ir, iz, inn] = tf.split(gi, 3, 1);
    const [hr, hz, hn] = tf.split(gh, 3, 1);
    const r = tf.sigmoid(tf.add(ir, hr));
    const z = tf.sigmoid(tf.add(iz, hz));
    const n = tf.tanh(tf.add(inn, tf.mul(r, hn)));
    return [tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, h)), c];
  }
  const pre = tf.add(gi, gh);
  return [mode === 'rnn_tanh' ? tf.tanh(pre) : tf.relu(pre), c];
}

/**
 * Builds the module's variables (PyTorch's init: every parameter uniform in ±1/√H) under `prefix`
 * ("lstm." gives "lstm.weight_ih_l0").
 */
export function buildRecurrent(
  tf: Tf,
  s: RecurrentSpec,
  v: MakeVar,
  rand: () => number,
  prefix: string,
): RecurrentModule {
  const H = s.hiddenSize;
  const G = gatesOf(s.mode);
  const dirs = s.bidirectional ? 2 : 1;
  const bound = 1 / Math.sqrt(H);
  const params = new Map<string, Variable>();
  const cells: CellWeights[][] = [];
  for (let k = 0; k < s.numLayers; k++) {
    const inSize = k === 0 ? s.inputSize : H * dirs;
    const layer: (typeof cells)[number] = [];
    for (let d = 0; d < dirs; d++) {
      const sfx = `_l${k}${d === 1 ? '_reverse' : ''}`;
      const make = (name: string, shape: number[]): Variable => {
        const n = shape.reduce((a, b) => a * b, 1);
        const variable = v(uniform(n, bound, rand), shape, prefix + name + sfx);
        params.set(name + sfx, variable);
        return variable;
      };
      const wih = make('weight_ih', [G * H, inSize]);
      const whh = make('weight_hh', [G * H, H]);
      const bih = s.bias ? make('bias_ih', [G * H]) : null;
      const bhh = s.bias ? make('bias_hh', [G * H]) : null;
      layer.push({ wih, whh, bih, bhh });
    }
    cells.push(layer);
  }

  return {
    params,
    forward(x, h0, c0) {
      if (x.rank !== 3)
        throw new Error(`${prefix.replace(/\.$/, '')}: expects a 3-D input, got rank ${x.rank}`);
      // Time-major list of [B, in] steps.
      let steps = tf.unstack(x, s.batchFirst ? 1 : 0);
      const B = steps[0].shape[0];
      const hs: Tensor[] = [];
      const cs: Tensor[] = [];
      for (let k = 0; k < s.numLayers; k++) {
        const outs: Tensor[][] = [];
        for (let d = 0; d < dirs; d++) {
          const cell = cells[k][d];
          const idx = k * dirs + d;
          let h: Tensor = h0
            ? tf.squeeze(tf.slice(h0, [idx, 0, 0], [1, B, H]), [0])
            : tf.zeros([B, H]);
          let c: Tensor = c0
            ? tf.squeeze(tf.slice(c0, [idx, 0, 0], [1, B, H]), [0])
            : tf.zeros([B, H]);
          const order =
            d === 0 ? steps.map((_, t) => t) : steps.map((_, t) => steps.length - 1 - t);
          const out: Tensor[] = new Array<Tensor>(steps.length);
          for (const t of order) {
            [h, c] = cellStep(tf, s.mode, steps[t], h, c, cell);
            out[t] = h;
          }
          outs.push(out);
          hs.push(h);
          if (s.mode === 'lstm') cs.push(c);
        }
        steps = outs[0].map((_, t) =>
          dirs === 1 ? outs[0][t] : tf.concat([outs[0][t], outs[1][t]], 1),
        );
      }
      const output = tf.stack(steps, s.batchFirst ? 1 : 0);
      return { output, h: tf.stack(hs, 0), ...(s.mode === 'lstm' ? { c: tf.stack(cs, 0) } : {}) };
    },
  };
}
