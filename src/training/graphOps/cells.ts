// nn.LSTMCell, GRUCell and RNNCell: one step of recurrent.ts's cell with PyTorch's parameter names
// (weight_ih, weight_hh, bias_ih, bias_hh) and initialisation (uniform ±1/√H, in that order). A loop
// over time in the user's forward is unrolled by the shape engine into one graph node per call, all
// naming this one module, so every step uses the same variables.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from '../backend';
import { uniform, type MakeVar } from '../layers';
import { cellStep, gatesOf } from '../recurrent';
import type { CellSpec } from './spec';

/** forward(x, h?, c?): [h′, c′] for an LSTMCell, [h′] otherwise; a missing state is zeros, as PyTorch. */
export function buildCell(
  tf: Tf,
  s: CellSpec,
  v: MakeVar,
  rand: () => number,
  prefix: string,
): (x: Tensor, h: Tensor | null, c: Tensor | null) => Tensor[] {
  const H = s.hiddenSize;
  const G = gatesOf(s.mode) * H;
  const bound = 1 / Math.sqrt(H);
  const make = (name: string, shape: number[]): Variable =>
    v(
      uniform(
        shape.reduce((a, b) => a * b, 1),
        bound,
        rand,
      ),
      shape,
      prefix + name,
    );
  const w = {
    wih: make('weight_ih', [G, s.inputSize]),
    whh: make('weight_hh', [G, H]),
    bih: s.bias ? make('bias_ih', [G]) : null,
    bhh: s.bias ? make('bias_hh', [G]) : null,
  };
  return (x, h, c) => {
    if (x.rank !== 2 || x.shape[1] !== s.inputSize)
      throw new Error(
        `${prefix.replace(/\.$/, '')}: expects [B, ${s.inputSize}], got [${x.shape.join(', ')}]`,
      );
    const B = x.shape[0];
    const [h2, c2] = cellStep(tf, s.mode, x, h ?? tf.zeros([B, H]), c ?? tf.zeros([B, H]), w);
    return s.mode === 'lstm' ? [h2, c2] : [h2];
  };
}
