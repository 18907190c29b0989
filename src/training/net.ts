// Builds a NetSpec into tfjs variables and a forward function. Tensors between layers carry PyTorch's
// meaning; 4-D activations are kept NHWC (what tfjs convolves) and turned back to NCHW wherever PyTorch
// semantics depend on the order — above all before a flatten, so Linear(1600, 128) sees C·H·W as in
// PyTorch. Weights follow PyTorch's default initialisation, drawn from our seeded generator so the same
// seed gives the same net on every backend.
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import {
  buildConv,
  buildConvTranspose,
  buildEmbedding,
  buildGroupNorm,
  buildLayerNorm,
  buildPool,
  buildResample,
  buildSoftmax,
  channelNoiseShape,
  toChannelsLast,
  toPlain,
  uniform,
  type Act,
  type MakeVar,
} from './layers';
import { buildTransformerEncoderLayer } from './attention';
import { batchNormTrain } from './batchnormTrain';
import { runGraph } from './graph';
import { buildModule, type ModuleForward } from './graphOps/build';
import { buildRecurrent } from './recurrent';
import { uniformStream, subSeed } from './rng';
import type { LayerSpec, NetSpec } from './spec';
import { countParams } from './spec';

export interface Net {
  name: string;
  spec: NetSpec;
  params: number;
  variables: Variable[];
  /** x: the batch in PyTorch's input shape, given as NHWC when it is an image ([B, H, W, C]). */
  forward(x: Tensor, training: boolean): Tensor;
  dispose(): void;
}

let buildCount = 0;

/**
 * Layers whose steps take a channels-last input as it is (and keep it so): a graph hands them its
 * values in either layout. Any other layer is given PyTorch's order, so a new layer kind is safe
 * without knowing about layouts.
 */
const CHANNELS_LAST_STEPS = new Set<LayerSpec['op']>([
  'conv2d',
  'conv1d',
  'convtranspose2d',
  'convtranspose1d',
  'maxpool2d',
  'maxpool1d',
  'avgpool2d',
  'avgpool1d',
  'batchnorm',
  'groupnorm',
  'activation',
  'dropout',
  'softmax',
  'log_softmax',
  'identity',
]);

export function buildNet(tf: Tf, spec: NetSpec, seed: number): Net {
  const rand = uniformStream(subSeed(seed, 'init:' + spec.name));
  const dropRand = uniformStream(subSeed(seed, 'dropout:' + spec.name));
  const variables: Variable[] = [];
  const v = (values: Float32Array, shape: number[], name: string, trainable = true): Variable => {
    const t = tf.tensor(values, shape);
    // tfjs keeps one global registry of variable names: make ours unique per build.
    const variable = tf.variable(t, trainable, `${spec.name}#${++buildCount}/${name}`);
    t.dispose();
    variables.push(variable);
    return variable;
  };

  // kaiming_uniform_(a=√5) gives bound = √(6/((1+5)·fan_in)) = 1/√fan_in, and the bias uses the same bound.
  type Step = (a: Act, training: boolean) => Act;
  // A module called twice in forward (`self.hidden[-2](x)` after a loop over `self.hidden`) is one
  // module with one set of weights, so its step is built once and reused.
  const byName = new Map<string, Step>();
  // Layers whose output is a tuple (LSTM: output, h_n, c_n), by name; graphs read every part.
  const tuples = new Map<string, (x: Tensor) => Tensor[]>();
  // Layers with several inputs or outputs from graphOps/ (cells, attention), by layer index; a
  // module's later calls get its first call's forward (functional calls of one name are not shared).
  const modules: (ModuleForward | undefined)[] = [];
  const moduleByName = new Map<string, ModuleForward>();
  const steps: Step[] = spec.layers.map((l, i): Step => {
    const shared = byName.get(l.name);
    if (shared && !/^(F|torch|Tensor)\./.test(l.type)) {
      modules[i] = moduleByName.get(l.name);
      return shared;
    }
    let step: Step;
    if (l.op === 'recurrent') {
      const m = buildRecurrent(tf, l, v, rand, `${l.name}.`);
      const all = (x: Tensor): Tensor[] => {
        const r = m.forward(x);
        return r.c ? [r.output, r.h, r.c] : [r.output, r.h];
      };
      tuples.set(l.name, all);
      step = (a) => ({ t: all(toPlain(tf, a).t)[0], layout: 'plain' });
    } else if (l.op === 'module') {
      const m = buildModule(tf, l.m, l.name, v, rand, () => Math.floor(dropRand() * 2 ** 31));
      moduleByName.set(l.name, m);
      modules[i] = m;
      step = (a, training) => ({ t: m([toPlain(tf, a).t], training)[0], layout: 'plain' });
    } else step = makeStep(tf, l, i, v, rand, dropRand);
    byName.set(l.name, step);
    return step;
  });
  copyInitialValues(spec, variables);
  const apply = (i: number, a: Act, training: boolean, extra: (Tensor | null)[] = []): Act[] => {
    const l = spec.layers[i];
    const m = modules[i];
    // The graphOps modules work in PyTorch's layout, as their extra operands arrive.
    if (m)
      return m([toPlain(tf, a).t, ...extra], training).map((t) => ({
        t,
        layout: 'plain' as const,
      }));
    const tuple = tuples.get(l.name);
    if (tuple) return tuple(toPlain(tf, a).t).map((t) => ({ t, layout: 'plain' }));
    return [steps[i](CHANNELS_LAST_STEPS.has(l.op) ? a : toPlain(tf, a), training)];
  };

  return {
    name: spec.name,
    spec,
    params: countParams(spec),
    variables,
    forward(x: Tensor, training: boolean): Tensor {
      if (spec.graph) return runGraph(tf, spec.graph, apply, x, training);
      let a: Act = { t: x, layout: x.rank === 4 ? 'nhwc' : 'plain' };
      for (const s of steps) a = s(a, training);
      return toPlain(tf, a).t;
    },
    dispose() {
      for (const variable of variables) variable.dispose();
    },
  };
}

/** Layers with `initFrom` start as a copy of that layer's variables (matched by state_dict key). */
function copyInitialValues(spec: NetSpec, variables: Variable[]): void {
  const byKey = new Map(variables.map((x) => [x.name.slice(x.name.indexOf('/') + 1), x]));
  for (const l of spec.layers) {
    if (!l.initFrom) continue;
    for (const [key, variable] of byKey) {
      if (!key.startsWith(`${l.name}.`)) continue;
      const src = byKey.get(l.initFrom + key.slice(l.name.length));
      if (!src) throw new Error(`${l.name}: ${l.initFrom} has no ${key.slice(l.name.length + 1)}`);
      variable.assign(src);
    }
  }
}

function makeStep(
  tf: Tf,
  l: LayerSpec,
  index: number,
  v: MakeVar,
  rand: () => number,
  dropRand: () => number,
): (a: Act, training: boolean) => Act {
  const what = `${l.type} (${l.name}${l.line ? `, line ${l.line}` : ''})`;
  switch (l.op) {
    case 'linear': {
      const bound = 1 / Math.sqrt(l.inFeatures);
      const w = v(
        uniform(l.inFeatures * l.outFeatures, bound, rand),
        [l.inFeatures, l.outFeatures],
        `${l.name}.weight`,
      );
      const b = l.bias
        ? v(uniform(l.outFeatures, bound, rand), [l.outFeatures], `${l.name}.bias`)
        : null;
      return (a) => {
        const x = toPlain(tf, a).t;
        // Linear acts on the last axis of any rank, as in PyTorch.
        const flat = x.rank === 2 ? x : tf.reshape(x, [-1, l.inFeatures]);
        let y: Tensor = tf.matMul(flat as Tensor, w);
        if (b) y = tf.add(y, b);
        return {
          t: x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), l.outFeatures]),
          layout: 'plain',
        };
      };
    }
    case 'conv2d':
    case 'conv1d':
      return buildConv(tf, l, v, rand, what);
    case 'convtranspose2d':
    case 'convtranspose1d':
      return buildConvTranspose(tf, l, v, rand, what);
    case 'maxpool2d':
    case 'maxpool1d':
    case 'avgpool2d':
    case 'avgpool1d':
      return buildPool(tf, l, what);
    case 'layernorm':
      return buildLayerNorm(tf, l, v, what);
    case 'groupnorm':
      return buildGroupNorm(tf, l, v, what);
    case 'embedding':
      return buildEmbedding(tf, l, v, rand);
    case 'resample':
      return buildResample(tf, l, what);
    case 'activation':
      return (a) => ({ t: activation(tf, l.fn, a.t, l.alpha), layout: a.layout });
    case 'softmax':
    case 'log_softmax':
      return buildSoftmax(tf, l, what);
    case 'reshape':
      return (a) => {
        const x = toPlain(tf, a).t;
        return { t: tf.reshape(x, [x.shape[0], ...l.to]), layout: 'plain' };
      };
    case 'dropout':
      return (a, training) => {
        if (!training || l.p === 0) return a;
        // A fresh seed per call from our generator: reproducible, and identical across backends
        // because tfjs draws seeded uniforms in JavaScript.
        return {
          t: tf.dropout(
            a.t,
            l.p,
            l.channelwise ? channelNoiseShape(a) : undefined,
            Math.floor(dropRand() * 2 ** 31),
          ),
          layout: a.layout,
        };
      };
    case 'batchnorm': {
      const gamma = l.affine
        ? v(new Float32Array(l.features).fill(1), [l.features], `${l.name}.weight`)
        : null;
      const beta = l.affine
        ? v(new Float32Array(l.features), [l.features], `${l.name}.bias`)
        : null;
      const mean = v(new Float32Array(l.features), [l.features], `${l.name}.running_mean`, false);
      const variance = v(
        new Float32Array(l.features).fill(1),
        [l.features],
        `${l.name}.running_var`,
        false,
      );
      return (a, training) => {
        // Channels must be the last axis: NHWC for BatchNorm2d, [B, L, C] or [B, F] for BatchNorm1d.
        const x = a.t.rank >= 3 ? toChannelsLast(tf, a, what, a.t.rank).t : toPlain(tf, a).t;
        if (x.shape[x.rank - 1] !== l.features)
          throw new Error(
            `${what}: expects ${l.features} features, got shape ${x.shape.join('×')}`,
          );
        const layout = x.rank >= 3 ? 'nhwc' : 'plain';
        if (training) {
          const affine = gamma && beta ? { gamma, beta } : null;
          const y = batchNormTrain(tf, x, affine, l.eps, (m, s) => {
            // Running statistics as PyTorch keeps them: momentum-weighted, with the unbiased variance.
            const n = x.size / l.features;
            const unbiased = tf.mul(s, n / Math.max(1, n - 1));
            mean.assign(tf.add(tf.mul(mean, 1 - l.momentum), tf.mul(m, l.momentum)));
            variance.assign(tf.add(tf.mul(variance, 1 - l.momentum), tf.mul(unbiased, l.momentum)));
          });
          return { t: y, layout };
        }
        // tfjs's batchNorm handles rank ≤ 4: a BatchNorm3d's [B, D, H, W, C] goes in as [N, C].
        const flat = x.rank > 4 ? tf.reshape(x, [-1, l.features]) : x;
        const yf =
          gamma && beta
            ? tf.batchNorm(flat, mean, variance, beta, gamma, l.eps)
            : tf.mul(tf.sub(flat, mean), tf.rsqrt(tf.add(variance, l.eps)));
        return { t: flat === x ? yf : tf.reshape(yf, x.shape), layout };
      };
    }
    case 'encoder': {
      const m = buildTransformerEncoderLayer(tf, l, v, rand, `${l.name}.`, () =>
        Math.floor(dropRand() * 2 ** 31),
      );
      return (a, training) => ({ t: m.forward(toPlain(tf, a).t, training), layout: 'plain' });
    }
    case 'identity':
      return (a) => a;
    case 'recurrent':
    case 'module':
      throw new Error(`${what}: built by buildNet, which keeps its tuple output`);
    default: {
      const never: never = l;
      throw new Error(`layer ${index}: unknown op ${JSON.stringify(never)}`);
    }
  }
}

function activation(tf: Tf, fn: string, x: Tensor, alpha?: number): Tensor {
  switch (fn) {
    case 'relu':
      return tf.relu(x);
    case 'relu6':
      return tf.relu6(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'tanh':
      return tf.tanh(x);
    case 'elu':
      return alpha === undefined || alpha === 1
        ? tf.elu(x)
        : tf.where(tf.greater(x, 0), x, tf.mul(tf.sub(tf.exp(x), 1), alpha));
    case 'selu':
      return tf.selu(x);
    case 'leaky_relu':
      return tf.leakyRelu(x, alpha ?? 0.01);
    case 'silu':
      return tf.mul(x, tf.sigmoid(x));
    case 'softplus':
      return tf.softplus(x);
    case 'hardtanh':
      return tf.clipByValue(x, -1, 1);
    // GELU (PyTorch's default, exact erf form).
    case 'gelu':
      return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.div(x, Math.SQRT2)), 1));
    default:
      throw new Error(`unknown activation ${fn}`);
  }
}
