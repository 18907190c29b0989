// The layers only graphs train (graphTranslate.ts hands them to rules.ts): recurrent cells called in
// a loop, attention called with its queries, keys and values, and 3-D convolution and pooling. Each
// is one `module` LayerSpec (spec.ts) whose parameters and forward live in this folder.
import { gatesOf, type RecurrentMode } from '../recurrent';

export type Triple = [number, number, number];

/** nn.LSTMCell / GRUCell / RNNCell: one step on [B, in], the state passed in and out by the forward. */
export interface CellSpec {
  kind: 'cell';
  mode: RecurrentMode;
  inputSize: number;
  hiddenSize: number;
  bias: boolean;
}

/** nn.MultiheadAttention without masks; kdim = vdim = embed_dim (the packed in_proj). */
export interface AttentionSpec {
  kind: 'mha';
  embedDim: number;
  numHeads: number;
  bias: boolean;
  batchFirst: boolean;
  dropout: number;
}

/** nn.Conv3d with zero padding, groups 1 and no dilation (what tfjs's conv3d differentiates). */
export interface Conv3dSpec {
  kind: 'conv3d';
  inChannels: number;
  outChannels: number;
  kernel: Triple;
  stride: Triple;
  padding: Triple;
  bias: boolean;
}

/** nn.MaxPool3d / AvgPool3d with PyTorch's padding, ceil_mode, count_include_pad, divisor_override. */
export interface Pool3dSpec {
  kind: 'maxpool3d' | 'avgpool3d';
  kernel: Triple;
  stride: Triple;
  padding: Triple;
  ceilMode: boolean;
  countIncludePad: boolean;
  divisorOverride: number | null;
}

export type ModuleSpec = CellSpec | AttentionSpec | Conv3dSpec | Pool3dSpec;

/** Parameters as PyTorch counts them. */
export function moduleParams(m: ModuleSpec): number {
  switch (m.kind) {
    case 'cell': {
      const g = gatesOf(m.mode) * m.hiddenSize;
      return g * (m.inputSize + m.hiddenSize) + (m.bias ? 2 * g : 0);
    }
    case 'mha':
      return 4 * m.embedDim * m.embedDim + (m.bias ? 4 * m.embedDim : 0);
    case 'conv3d':
      return (
        m.outChannels * m.inChannels * m.kernel[0] * m.kernel[1] * m.kernel[2] +
        (m.bias ? m.outChannels : 0)
      );
    default:
      return 0;
  }
}
