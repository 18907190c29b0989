// A model's totals beyond its parameters: multiply-adds, with what was not counted listed, and the
// memory one training step needs. Computed from the trace's rows, after the forward.
import type { LayerResult, ModelMemory, ModelResult } from '../types';

/**
 * Layer and function types that multiply-add: a row of one of these without a count leaves the
 * model's total incomplete (listed, never taken as zero). Everything else the engine traces
 * (activations, pooling, normalisation, reshapes) has no multiply-adds in this count, as in
 * FlopCounterMode, which counts matrix products and convolutions.
 */
const MULTIPLY_ADDS = new Set([
  'Linear',
  'Bilinear',
  'LazyLinear',
  'Conv1d',
  'Conv2d',
  'Conv3d',
  'ConvTranspose1d',
  'ConvTranspose2d',
  'ConvTranspose3d',
  'RNN',
  'LSTM',
  'GRU',
  'RNNCell',
  'LSTMCell',
  'GRUCell',
  'MultiheadAttention',
  'TransformerEncoderLayer',
  'TransformerDecoderLayer',
  'Transformer',
  'F.linear',
  'F.bilinear',
  'F.conv1d',
  'F.conv2d',
  'F.conv3d',
  'F.scaled_dot_product_attention',
  'torch.matmul',
  'torch.mm',
  'torch.bmm',
  'torch.einsum',
  'Tensor.matmul',
  'Tensor.mm',
  'Tensor.bmm',
]);

type MacFields = Pick<ModelResult, 'macs' | 'macsKnown' | 'macsUncounted'>;

/**
 * The model's multiply-adds for one forward: `macs` when every row that multiply-adds has its count;
 * otherwise the counted part as `macsKnown` and the rest in `macsUncounted`. An output the engine does
 * not know may hide operations it could not see, and is listed too.
 */
export function macTotals(layers: readonly LayerResult[], outputKnown: boolean): MacFields {
  let sum = 0;
  const missing: string[] = [];
  for (const l of layers) {
    if (l.macs !== undefined) sum += l.macs;
    else if (MULTIPLY_ADDS.has(l.type))
      missing.push(l.name === l.type ? l.type : `${l.name} (${l.type})`);
  }
  if (!outputKnown)
    missing.push('whatever computes the part of the output the analyser does not know');
  if (missing.length === 0) return sum > 0 ? { macs: sum } : {};
  return { macsKnown: sum, macsUncounted: missing };
}

const FLOAT32 = 4;

function numelOf(shape: LayerResult['output']): number | null {
  if (!shape) return null;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

/**
 * Memory for one training step at the model's input, float32: each traced output is kept for the
 * backward pass and gets a gradient of its size (2 × its bytes, as torchsummary estimates), and the
 * parameters with Adam's two moment buffers (exp_avg, exp_avg_sq). Null where a size is unknown or
 * symbolic.
 */
export function memoryEstimate(layers: readonly LayerResult[], params: number | null): ModelMemory {
  let elements: number | null = 0;
  for (const l of layers) {
    const outs = l.outputs ?? [l.output];
    for (const o of outs) {
      const n = numelOf(o);
      elements = elements === null || n === null ? null : elements + n;
    }
  }
  return {
    activationBytes: elements === null ? null : 2 * FLOAT32 * elements,
    paramBytes: params === null ? null : FLOAT32 * params,
    adamBytes: params === null ? null : 2 * FLOAT32 * params,
  };
}
