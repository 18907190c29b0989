// A backend-independent description of a trainable network: a chain of layers with PyTorch semantics
// (shapes are PyTorch's NCHW; the tfjs builder handles NHWC inside). Built-in nets are written here;
// user models arrive through translate.ts.

import type { GraphSpec } from './graph';
import { moduleParams, type ModuleSpec } from './graphOps/spec';
import { recurrentParams, type RecurrentSpec } from './recurrent';

export type Pair = [number, number];

interface Base {
  /** Dotted module name ("conv1", "features.0") or the functional op ("F.relu"). */
  name: string;
  /**
   * Another layer's name whose initial values this one's start from: PyTorch's TransformerEncoder
   * deep-copies one layer, so its copies begin equal (and then train apart).
   */
  initFrom?: string;
  /** PyTorch type as written ("Conv2d", "F.max_pool2d"). */
  type: string;
  /** 1-based source line, for user models. */
  line?: number;
}

export type Activation =
  | 'relu'
  | 'sigmoid'
  | 'tanh'
  | 'elu'
  | 'gelu'
  | 'selu'
  | 'silu'
  | 'softplus'
  | 'leaky_relu'
  | 'relu6'
  | 'hardtanh';

export type InterpMode = 'nearest' | 'nearest-exact' | 'linear' | 'adaptive_avg';

export type LayerSpec = Base &
  (
    | { op: 'linear'; inFeatures: number; outFeatures: number; bias: boolean }
    /** dilation and groups are optional so the built-in nets read as before (both default to 1). */
    | {
        op: 'conv2d';
        inChannels: number;
        outChannels: number;
        kernel: Pair;
        stride: Pair;
        padding: Pair | 'same';
        bias: boolean;
        dilation?: Pair;
        groups?: number;
      }
    | {
        op: 'conv1d';
        inChannels: number;
        outChannels: number;
        kernel: number;
        stride: number;
        padding: number | 'same';
        dilation: number;
        groups: number;
        bias: boolean;
      }
    /** PyTorch's ConvTranspose: output = (I−1)·S − 2P + D·(K−1) + output_padding + 1. */
    | {
        op: 'convtranspose2d';
        inChannels: number;
        outChannels: number;
        kernel: Pair;
        stride: Pair;
        padding: Pair;
        outputPadding: Pair;
        dilation: Pair;
        groups: number;
        bias: boolean;
      }
    | {
        op: 'convtranspose1d';
        inChannels: number;
        outChannels: number;
        kernel: number;
        stride: number;
        padding: number;
        outputPadding: number;
        dilation: number;
        groups: number;
        bias: boolean;
      }
    /** padding: per axis (the engine's PyTorch values); ceilMode as in PyTorch's output-size rule. */
    | { op: 'maxpool2d'; kernel: Pair; stride: Pair; padding: Pair; ceilMode?: boolean }
    | { op: 'maxpool1d'; kernel: number; stride: number; padding: number; ceilMode: boolean }
    | {
        op: 'avgpool2d';
        kernel: Pair;
        stride: Pair;
        padding?: Pair;
        ceilMode?: boolean;
        countIncludePad?: boolean;
        divisorOverride?: number | null;
      }
    | {
        op: 'avgpool1d';
        kernel: number;
        stride: number;
        padding: number;
        ceilMode: boolean;
        countIncludePad: boolean;
      }
    | { op: 'activation'; fn: Activation; alpha?: number }
    /** dim as PyTorch numbers it (negative counts from the end). */
    | { op: 'softmax' | 'log_softmax'; dim: number }
    /** Flatten, view, reshape: the PyTorch output shape without the batch dimension. */
    | { op: 'reshape'; to: number[] }
    /** channelwise: Dropout1d/2d/3d (PyTorch's feature dropout: whole channels, mask shape [B, C, 1, …]). */
    | { op: 'dropout'; p: number; channelwise?: boolean }
    | { op: 'batchnorm'; features: number; eps: number; momentum: number; affine: boolean }
    /** LayerNorm over the trailing dims `shape`, with the biased variance, as PyTorch. */
    | { op: 'layernorm'; shape: number[]; eps: number; affine: boolean }
    /** GroupNorm: statistics per sample over (C/G, spatial…), affine per channel. */
    | { op: 'groupnorm'; groups: number; channels: number; eps: number; affine: boolean }
    /** Embedding: integer indices (carried as floats) → rows of the table; paddingIdx's row stays zero. */
    | { op: 'embedding'; num: number; dim: number; paddingIdx: number | null }
    /**
     * Upsample / F.interpolate / adaptive average pooling over the spatial dims: `from` → `to` sizes,
     * `scale` the scale_factor PyTorch passes to its kernel (it sets the source-index rule), or null.
     */
    | {
        op: 'resample';
        mode: InterpMode;
        from: number[];
        to: number[];
        scale: (number | null)[] | null;
        alignCorners: boolean;
      }
    /** nn.TransformerEncoderLayer without masks (attention.ts); input [B, T, E] (or [T, B, E]). */
    | {
        op: 'encoder';
        dModel: number;
        nhead: number;
        dimFeedforward: number;
        dropout: number;
        activation: 'relu' | 'gelu';
        layerNormEps: number;
        batchFirst: boolean;
        normFirst: boolean;
      }
    | { op: 'identity' }
    /** nn.RNN / LSTM / GRU (recurrent.ts), in graphs only: its tuple output is several tensors. */
    | ({ op: 'recurrent' } & RecurrentSpec)
    /** Cells, attention with several inputs, 3-D convolution and pooling (graphOps/), in graphs only. */
    | { op: 'module'; m: ModuleSpec }
  );

export interface NetSpec {
  name: string;
  /** PyTorch input shape without the batch dimension: [1, 28, 28] or [784]. */
  input: number[];
  layers: LayerSpec[];
  /** How the layers connect when the forward is not a chain (graph.ts); absent for a chain. */
  graph?: GraphSpec;
}

const p2 = (n: number): Pair => [n, n];

export const MLP: NetSpec = {
  name: 'mlp',
  input: [1, 28, 28],
  layers: [
    { name: 'flatten', type: 'Flatten', op: 'reshape', to: [784] },
    { name: 'fc1', type: 'Linear', op: 'linear', inFeatures: 784, outFeatures: 512, bias: true },
    { name: 'relu1', type: 'ReLU', op: 'activation', fn: 'relu' },
    { name: 'fc2', type: 'Linear', op: 'linear', inFeatures: 512, outFeatures: 256, bias: true },
    { name: 'relu2', type: 'ReLU', op: 'activation', fn: 'relu' },
    { name: 'fc3', type: 'Linear', op: 'linear', inFeatures: 256, outFeatures: 10, bias: true },
  ],
};

export const CNN: NetSpec = {
  name: 'cnn',
  input: [1, 28, 28],
  layers: [
    {
      name: 'conv1',
      type: 'Conv2d',
      op: 'conv2d',
      inChannels: 1,
      outChannels: 32,
      kernel: p2(3),
      stride: p2(1),
      padding: p2(0),
      bias: true,
    },
    { name: 'relu1', type: 'ReLU', op: 'activation', fn: 'relu' },
    {
      name: 'pool1',
      type: 'MaxPool2d',
      op: 'maxpool2d',
      kernel: p2(2),
      stride: p2(2),
      padding: p2(0),
    },
    {
      name: 'conv2',
      type: 'Conv2d',
      op: 'conv2d',
      inChannels: 32,
      outChannels: 64,
      kernel: p2(3),
      stride: p2(1),
      padding: p2(0),
      bias: true,
    },
    { name: 'relu2', type: 'ReLU', op: 'activation', fn: 'relu' },
    {
      name: 'pool2',
      type: 'MaxPool2d',
      op: 'maxpool2d',
      kernel: p2(2),
      stride: p2(2),
      padding: p2(0),
    },
    { name: 'flatten', type: 'Flatten', op: 'reshape', to: [1600] },
    { name: 'fc1', type: 'Linear', op: 'linear', inFeatures: 1600, outFeatures: 128, bias: true },
    { name: 'relu3', type: 'ReLU', op: 'activation', fn: 'relu' },
    { name: 'fc2', type: 'Linear', op: 'linear', inFeatures: 128, outFeatures: 10, bias: true },
  ],
};

/** One layer's own parameters as PyTorch counts them (weights, biases, the norms' affine pairs, embedding tables). */
export function layerParams(l: LayerSpec): number {
  if (l.op === 'linear') return l.inFeatures * l.outFeatures + (l.bias ? l.outFeatures : 0);
  if (l.op === 'conv2d')
    return (
      (l.inChannels / (l.groups ?? 1)) * l.outChannels * l.kernel[0] * l.kernel[1] +
      (l.bias ? l.outChannels : 0)
    );
  if (l.op === 'conv1d')
    return (l.inChannels / l.groups) * l.outChannels * l.kernel + (l.bias ? l.outChannels : 0);
  // Transposed weights are [in, out/groups, k…].
  if (l.op === 'convtranspose2d')
    return (
      l.inChannels * (l.outChannels / l.groups) * l.kernel[0] * l.kernel[1] +
      (l.bias ? l.outChannels : 0)
    );
  if (l.op === 'convtranspose1d')
    return l.inChannels * (l.outChannels / l.groups) * l.kernel + (l.bias ? l.outChannels : 0);
  if (l.op === 'batchnorm' && l.affine) return 2 * l.features;
  if (l.op === 'layernorm' && l.affine) return 2 * l.shape.reduce((a, b) => a * b, 1);
  if (l.op === 'groupnorm' && l.affine) return 2 * l.channels;
  if (l.op === 'embedding') return l.num * l.dim;
  if (l.op === 'recurrent') return recurrentParams(l);
  if (l.op === 'module') return moduleParams(l.m);
  // Packed in_proj (3E² + 3E), out_proj (E² + E), two linears, two LayerNorms.
  if (l.op === 'encoder')
    return (
      4 * l.dModel * l.dModel +
      4 * l.dModel +
      2 * l.dModel * l.dimFeedforward +
      l.dimFeedforward +
      l.dModel +
      4 * l.dModel
    );
  return 0;
}

/** The layers that own parameters, each once: a module called twice shares its weights (see buildNet). */
function ownLayers(spec: NetSpec): LayerSpec[] {
  const seen = new Set<string>();
  return spec.layers.filter((l) => !seen.has(l.name) && (seen.add(l.name), true));
}

/** Parameter count as PyTorch counts it. */
export function countParams(spec: NetSpec): number {
  return ownLayers(spec).reduce((n, l) => n + layerParams(l), 0);
}

/**
 * The most parameters a net may have to be trained here. Measured on the wasm backend (one step of
 * batch 64, an MLP 784 → N → 10): a process peaks near 70 bytes per parameter (weight, gradient,
 * Adam's two moments, the step's temporaries, a WebAssembly memory that grows by doubling): 0.86 GB
 * at 10 M parameters, 3.7 GB at 48.5 M, and that memory cannot pass 4 GB. 20 M (about 1.5 GB) leaves
 * room in the editor's worker; bigger nets died inside tfjs ("Invalid typed array length") or ran
 * for minutes without finishing a step.
 */
export const MAX_TRAIN_PARAMS = 20_000_000;

/** Why `spec` is too big to train (one line naming its largest layer), or null when it is not. */
export function paramLimitProblem(spec: NetSpec): string | null {
  const n = countParams(spec);
  if (n <= MAX_TRAIN_PARAMS) return null;
  const fmt = (v: number): string => Math.round(v).toLocaleString('en-US');
  let big: LayerSpec | undefined;
  for (const l of ownLayers(spec)) if (!big || layerParams(l) > layerParams(big)) big = l;
  const where = big
    ? `; the largest layer, ${big.type} ${big.name}${big.line ? ` (line ${big.line})` : ''}, has ${fmt(layerParams(big))}`
    : '';
  return `${spec.name} has ${fmt(n)} parameters, more than the ${fmt(MAX_TRAIN_PARAMS)} Tensor Lens trains (training takes about 70 bytes per parameter and the wasm backend's memory stops at 4 GB)${where}; make the model smaller to train it here`;
}
