// A backend-independent description of a trainable network: a chain of layers with PyTorch semantics
// (shapes are PyTorch's NCHW; the tfjs builder handles NHWC inside). Built-in nets are written here;
// user models arrive through translate.ts.

export type Pair = [number, number];

interface Base {
  /** Dotted module name ("conv1", "features.0") or the functional op ("F.relu"). */
  name: string;
  /** PyTorch type as written ("Conv2d", "F.max_pool2d"). */
  type: string;
  /** 1-based source line, for user models. */
  line?: number;
}

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'elu' | 'gelu' | 'selu' | 'silu' | 'softplus' | 'leaky_relu' | 'relu6' | 'hardtanh';

export type LayerSpec = Base &
  (
    | { op: 'linear'; inFeatures: number; outFeatures: number; bias: boolean }
    | { op: 'conv2d'; inChannels: number; outChannels: number; kernel: Pair; stride: Pair; padding: Pair | 'same'; bias: boolean }
    | { op: 'maxpool2d'; kernel: Pair; stride: Pair; padding: Pair }
    | { op: 'avgpool2d'; kernel: Pair; stride: Pair }
    | { op: 'activation'; fn: Activation; alpha?: number }
    | { op: 'softmax' | 'log_softmax'; dim: number }
    /** Flatten, view, reshape: the PyTorch output shape without the batch dimension. */
    | { op: 'reshape'; to: number[] }
    | { op: 'dropout'; p: number }
    | { op: 'batchnorm'; features: number; eps: number; momentum: number; affine: boolean }
    | { op: 'identity' }
  );

export interface NetSpec {
  name: string;
  /** PyTorch input shape without the batch dimension: [1, 28, 28] or [784]. */
  input: number[];
  layers: LayerSpec[];
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
    { name: 'conv1', type: 'Conv2d', op: 'conv2d', inChannels: 1, outChannels: 32, kernel: p2(3), stride: p2(1), padding: p2(0), bias: true },
    { name: 'relu1', type: 'ReLU', op: 'activation', fn: 'relu' },
    { name: 'pool1', type: 'MaxPool2d', op: 'maxpool2d', kernel: p2(2), stride: p2(2), padding: p2(0) },
    { name: 'conv2', type: 'Conv2d', op: 'conv2d', inChannels: 32, outChannels: 64, kernel: p2(3), stride: p2(1), padding: p2(0), bias: true },
    { name: 'relu2', type: 'ReLU', op: 'activation', fn: 'relu' },
    { name: 'pool2', type: 'MaxPool2d', op: 'maxpool2d', kernel: p2(2), stride: p2(2), padding: p2(0) },
    { name: 'flatten', type: 'Flatten', op: 'reshape', to: [1600] },
    { name: 'fc1', type: 'Linear', op: 'linear', inFeatures: 1600, outFeatures: 128, bias: true },
    { name: 'relu3', type: 'ReLU', op: 'activation', fn: 'relu' },
    { name: 'fc2', type: 'Linear', op: 'linear', inFeatures: 128, outFeatures: 10, bias: true },
  ],
};

/** Parameter count as PyTorch counts it (weights, biases, BatchNorm's affine pair). */
export function countParams(spec: NetSpec): number {
  let n = 0;
  const seen = new Set<string>();
  for (const l of spec.layers) {
    // A module called twice shares its weights (see buildNet): count it once.
    if (seen.has(l.name)) continue;
    seen.add(l.name);
    if (l.op === 'linear') n += l.inFeatures * l.outFeatures + (l.bias ? l.outFeatures : 0);
    else if (l.op === 'conv2d') n += l.inChannels * l.outChannels * l.kernel[0] * l.kernel[1] + (l.bias ? l.outChannels : 0);
    else if (l.op === 'batchnorm' && l.affine) n += 2 * l.features;
  }
  return n;
}
