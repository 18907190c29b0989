// Turns the shape engine's view of a user's model (src/shapes: layers in execution order, with their
// evaluated constructor arguments) into a NetSpec that tfjs can train. Only what we can reproduce
// faithfully is accepted: a single chain of layers tfjs has. Anything else is refused with the
// construct and its line — a model silently trained differently from the user's code would be worse
// than none.
import type {
  ConfigValue,
  Dim,
  LayerConfig,
  LayerResult,
  ModelResult,
  Shape,
} from '../shapes/types';
import {
  paramLimitProblem,
  type Activation,
  type InterpMode,
  type LayerSpec,
  type NetSpec,
  type Pair,
} from './spec';

export class TranslateError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** "F.max_pool2d" → "maxpool2d", "nn.Conv2d" → "conv2d", "x.view" → "view". */
export function typeKey(type: string): string {
  const last = type.split('.').pop() ?? type;
  return last.toLowerCase().replace(/_/g, '');
}

const ACTIVATIONS: Record<string, Activation> = {
  relu: 'relu',
  relu6: 'relu6',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  elu: 'elu',
  gelu: 'gelu',
  selu: 'selu',
  silu: 'silu',
  softplus: 'softplus',
  leakyrelu: 'leaky_relu',
  hardtanh: 'hardtanh',
};
const RESHAPES = new Set([
  'flatten',
  'unflatten',
  'view',
  'reshape',
  'squeeze',
  'unsqueeze',
  'contiguous',
]);

/** Layers whose state or attention the chain translation cannot express, named in the refusal. */
export const SEQUENCE_LAYERS: Record<string, string> = {
  lstm: 'recurrent layers (LSTM)',
  gru: 'recurrent layers (GRU)',
  rnn: 'recurrent layers (RNN)',
  lstmcell: 'recurrent cells (LSTMCell)',
  grucell: 'recurrent cells (GRUCell)',
  rnncell: 'recurrent cells (RNNCell)',
  multiheadattention: 'attention layers (MultiheadAttention)',
  transformerdecoderlayer: 'transformer layers (TransformerDecoderLayer)',
  transformerencoder: 'transformer layers (TransformerEncoder)',
  transformer: 'transformer layers (Transformer)',
  scaleddotproductattention: 'attention (scaled_dot_product_attention)',
};

function where(l: LayerResult): string {
  return `${l.type} at line ${l.line}`;
}

function known(shape: Shape): shape is Dim[] {
  return shape !== null;
}

function numeric(dims: Dim[]): number[] | null {
  return dims.every((d) => typeof d === 'number') ? (dims as number[]) : null;
}

class Args {
  constructor(
    private readonly l: LayerResult,
    private readonly c: LayerConfig,
  ) {}

  private fail(name: string, what: string): never {
    throw new TranslateError(
      `${where(this.l)}: argument ${name} ${what}; cannot train this model`,
      this.l.line,
    );
  }
  raw(name: string): ConfigValue | undefined {
    return this.c[name];
  }
  int(name: string, dflt?: number): number {
    const v = this.c[name];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    return this.fail(name, `is not a known integer (${JSON.stringify(v)})`);
  }
  num(name: string, dflt?: number): number {
    const v = this.c[name];
    if (v === undefined && dflt !== undefined) return dflt;
    if (typeof v === 'number') return v;
    return this.fail(name, `is not a known number (${JSON.stringify(v)})`);
  }
  bool(name: string, dflt: boolean): boolean {
    const v = this.c[name];
    // None where PyTorch means "the default" (align_corners=None, recompute_scale_factor=None).
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number') return v !== 0;
    return this.fail(name, `is not a known boolean (${JSON.stringify(v)})`);
  }
  pair(name: string, dflt?: Pair): Pair {
    const v = this.c[name];
    if ((v === undefined || v === null) && dflt) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return [v, v];
    if (Array.isArray(v) && v.every((e) => typeof e === 'number' && Number.isInteger(e))) {
      const a = v as number[];
      if (a.length === 2) return [a[0], a[1]];
      if (a.length === 1) return [a[0], a[0]];
    }
    return this.fail(name, `is not a known int or pair (${JSON.stringify(v)})`);
  }
  /** A 1-D layer's int, written as 3 or (3,). */
  one(name: string, dflt?: number): number {
    const v = this.c[name];
    if ((v === undefined || v === null) && dflt !== undefined) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (Array.isArray(v) && v.length === 1 && typeof v[0] === 'number' && Number.isInteger(v[0]))
      return v[0];
    return this.fail(name, `is not a known int (${JSON.stringify(v)})`);
  }
}

function refuse(l: LayerResult, why: string): never {
  throw new TranslateError(`${where(l)}: ${why}`, l.line);
}

/** What every convolution (plain or transposed) checks first: zero padding, channels that match, groups. */
function convChannels(
  l: LayerResult,
  a: Args,
  input: Dim[],
  rank: number,
): { inChannels: number; outChannels: number; groups: number; bias: boolean } {
  const mode = a.raw('padding_mode');
  if (mode !== undefined && mode !== 'zeros')
    refuse(l, `padding_mode='${String(mode)}' is not supported (only 'zeros')`);
  const inChannels = a.int('in_channels');
  const outChannels = a.int('out_channels');
  const groups = a.int('groups', 1);
  if (input.length !== rank || input[1] !== inChannels)
    refuse(
      l,
      `it expects ${inChannels} input channels but receives shape (${input.join(', ')}); PyTorch would fail here too — fix the shape error first`,
    );
  if (groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0)
    refuse(
      l,
      `groups=${groups} does not divide ${inChannels} input and ${outChannels} output channels`,
    );
  return { inChannels, outChannels, groups, bias: a.bool('bias', true) };
}

export function layerSpec(l: LayerResult, input: Dim[], output: Dim[]): LayerSpec | null {
  const key = typeKey(l.type);
  const a = new Args(l, l.config ?? {});
  const base = { name: l.name, type: l.type, line: l.line };
  if ((key === 'linear' || key.startsWith('conv')) && l.functional) {
    refuse(
      l,
      'a functional layer with explicit weight tensors cannot be trained here; use the nn module',
    );
  }
  if (ACTIVATIONS[key]) {
    const fn = ACTIVATIONS[key];
    if (fn === 'hardtanh' && (a.num('min_val', -1) !== -1 || a.num('max_val', 1) !== 1))
      refuse(l, 'Hardtanh with other bounds than ±1 is not supported');
    if (fn === 'softplus' && a.num('beta', 1) !== 1)
      refuse(l, 'Softplus with beta ≠ 1 is not supported');
    const alpha =
      fn === 'leaky_relu'
        ? a.num('negative_slope', 0.01)
        : fn === 'elu'
          ? a.num('alpha', 1)
          : undefined;
    return { ...base, op: 'activation', fn, alpha };
  }
  switch (key) {
    case 'linear': {
      const inFeatures = a.int('in_features');
      if (input[input.length - 1] !== inFeatures)
        refuse(
          l,
          `it expects ${inFeatures} input features but receives ${String(input[input.length - 1])} (shape ${input.join(', ')}); PyTorch would fail here too — fix the shape error first`,
        );
      return {
        ...base,
        op: 'linear',
        inFeatures,
        outFeatures: a.int('out_features'),
        bias: a.bool('bias', true),
      };
    }
    case 'conv1d':
    case 'conv2d': {
      const common = { ...base, ...convChannels(l, a, input, key === 'conv1d' ? 3 : 4) };
      const p = a.raw('padding');
      if (key === 'conv1d') {
        const padding = p === 'same' ? ('same' as const) : p === 'valid' ? 0 : a.one('padding', 0);
        return {
          ...common,
          op: 'conv1d',
          kernel: a.one('kernel_size'),
          stride: a.one('stride', 1),
          padding,
          dilation: a.one('dilation', 1),
        };
      }
      const padding: Pair | 'same' =
        p === 'same' ? 'same' : p === 'valid' ? [0, 0] : a.pair('padding', [0, 0]);
      return {
        ...common,
        op: 'conv2d',
        kernel: a.pair('kernel_size'),
        stride: a.pair('stride', [1, 1]),
        padding,
        dilation: a.pair('dilation', [1, 1]),
      };
    }
    case 'convtranspose1d':
    case 'convtranspose2d': {
      const rank = key === 'convtranspose1d' ? 3 : 4;
      // output_size= in the call picks output_padding per call; the engine records the module's own.
      const common = { ...base, ...convChannels(l, a, input, rank) };
      const spec: LayerSpec =
        key === 'convtranspose1d'
          ? {
              ...common,
              op: 'convtranspose1d',
              kernel: a.one('kernel_size'),
              stride: a.one('stride', 1),
              padding: a.one('padding', 0),
              outputPadding: a.one('output_padding', 0),
              dilation: a.one('dilation', 1),
            }
          : {
              ...common,
              op: 'convtranspose2d',
              kernel: a.pair('kernel_size'),
              stride: a.pair('stride', [1, 1]),
              padding: a.pair('padding', [0, 0]),
              outputPadding: a.pair('output_padding', [0, 0]),
              dilation: a.pair('dilation', [1, 1]),
            };
      const spatial = input.slice(2);
      const expect = spatial.map((n, i) => {
        const g = (v: number | Pair): number => (typeof v === 'number' ? v : v[rank === 3 ? 1 : i]);
        return typeof n === 'number'
          ? (n - 1) * g(spec.stride) -
              2 * g(spec.padding) +
              g(spec.dilation) * (g(spec.kernel) - 1) +
              g(spec.outputPadding) +
              1
          : n;
      });
      if (expect.some((n, i) => n !== output[i + 2]))
        refuse(
          l,
          `its output (${output.join(', ')}) differs from the module's own output_padding result (${expect.join(', ')}) — an output_size argument in the call is not supported`,
        );
      return spec;
    }
    case 'maxpool1d':
    case 'maxpool2d': {
      if (a.bool('return_indices', false)) refuse(l, 'return_indices=True is not supported');
      const ceilMode = a.bool('ceil_mode', false);
      if (key === 'maxpool1d') {
        if (a.one('dilation', 1) !== 1)
          refuse(l, 'dilated max pooling is not supported (tfjs max pooling has no dilation)');
        const kernel = a.one('kernel_size');
        return {
          ...base,
          op: 'maxpool1d',
          kernel,
          stride: a.one('stride', kernel),
          padding: a.one('padding', 0),
          ceilMode,
        };
      }
      const dil = a.pair('dilation', [1, 1]);
      if (dil[0] !== 1 || dil[1] !== 1)
        refuse(l, 'dilated max pooling is not supported (tfjs max pooling has no dilation)');
      const kernel = a.pair('kernel_size');
      return {
        ...base,
        op: 'maxpool2d',
        kernel,
        stride: a.pair('stride', kernel),
        padding: a.pair('padding', [0, 0]),
        ceilMode,
      };
    }
    case 'avgpool1d':
    case 'avgpool2d': {
      const ceilMode = a.bool('ceil_mode', false);
      const countIncludePad = a.bool('count_include_pad', true);
      if (key === 'avgpool1d') {
        const kernel = a.one('kernel_size');
        return {
          ...base,
          op: 'avgpool1d',
          kernel,
          stride: a.one('stride', kernel),
          padding: a.one('padding', 0),
          ceilMode,
          countIncludePad,
        };
      }
      const div = a.raw('divisor_override');
      const kernel = a.pair('kernel_size');
      return {
        ...base,
        op: 'avgpool2d',
        kernel,
        stride: a.pair('stride', kernel),
        padding: a.pair('padding', [0, 0]),
        ceilMode,
        countIncludePad,
        divisorOverride: div === undefined || div === null ? null : a.int('divisor_override'),
      };
    }
    case 'adaptiveavgpool1d':
    case 'adaptiveavgpool2d':
    case 'adaptivemaxpool1d':
    case 'adaptivemaxpool2d': {
      const rank = key.endsWith('1d') ? 3 : 4;
      const inS = numeric(input.slice(2));
      const outS = numeric(output.slice(2));
      if (!inS || !outS || input.length !== rank) refuse(l, `needs a known ${rank}-D input`);
      if (key.startsWith('adaptivemax')) {
        if (a.bool('return_indices', false)) refuse(l, 'return_indices=True is not supported');
        // Windows of equal size only when the output divides the input; otherwise they overlap unevenly.
        if (inS.some((n, i) => n % (outS[i] ?? 1) !== 0))
          refuse(
            l,
            `adaptive max pooling from ${inS.join('×')} to ${outS.join('×')} is not supported (sizes do not divide)`,
          );
        const k = inS.map((n, i) => n / (outS[i] ?? 1));
        if (k.every((x) => x === 1)) return { ...base, op: 'identity' };
        return rank === 3
          ? {
              ...base,
              op: 'maxpool1d',
              kernel: k[0] ?? 1,
              stride: k[0] ?? 1,
              padding: 0,
              ceilMode: false,
            }
          : {
              ...base,
              op: 'maxpool2d',
              kernel: [k[0] ?? 1, k[1] ?? 1],
              stride: [k[0] ?? 1, k[1] ?? 1],
              padding: [0, 0],
            };
      }
      // PyTorch's adaptive windows [⌊i·I/O⌋, ⌈(i+1)·I/O⌉) for any sizes, as one averaging matrix per axis.
      return {
        ...base,
        op: 'resample',
        mode: 'adaptive_avg',
        from: inS,
        to: outS,
        scale: null,
        alignCorners: false,
      };
    }
    case 'upsample':
    case 'upsamplingnearest2d':
    case 'upsamplingbilinear2d':
    case 'interpolate': {
      const inS = numeric(input.slice(2));
      const outS = numeric(output.slice(2));
      if (!inS || !outS || input.length < 3) refuse(l, 'needs a known input with spatial dims');
      const mode =
        key === 'upsamplingnearest2d'
          ? 'nearest'
          : key === 'upsamplingbilinear2d'
            ? 'bilinear'
            : (a.raw('mode') ?? 'nearest');
      if (a.bool('antialias', false)) refuse(l, 'antialias=True is not supported');
      const modes: Record<string, InterpMode> = {
        nearest: 'nearest',
        'nearest-exact': 'nearest-exact',
        linear: 'linear',
        bilinear: 'linear',
        trilinear: 'linear',
        area: 'adaptive_avg',
      };
      const m = typeof mode === 'string' ? modes[mode] : undefined;
      if (!m)
        refuse(
          l,
          `mode=${JSON.stringify(mode)} is not supported (nearest, nearest-exact, linear, bilinear, trilinear, area are)`,
        );
      // UpsamplingBilinear2d is bilinear with align_corners=True.
      const alignCorners =
        key === 'upsamplingbilinear2d'
          ? true
          : m === 'linear'
            ? a.bool('align_corners', false)
            : false;
      // PyTorch's kernels take the source-index scale from scale_factor when given (and not recomputed),
      // which can differ from in/out when the factor is not an integer.
      const sf = a.raw('scale_factor');
      let scale: (number | null)[] | null = null;
      if (
        sf !== undefined &&
        sf !== null &&
        !a.bool('recompute_scale_factor', false) &&
        key !== 'upsamplingbilinear2d'
      ) {
        const list = Array.isArray(sf) ? sf : inS.map(() => sf);
        if (list.length !== inS.length || !list.every((x): x is number => typeof x === 'number'))
          refuse(l, `scale_factor ${JSON.stringify(sf)} is not known`);
        scale = list;
      }
      return { ...base, op: 'resample', mode: m, from: inS, to: outS, scale, alignCorners };
    }
    case 'softmax':
    case 'logsoftmax': {
      let dim = a.raw('dim');
      // The engine records no arguments for some functional calls. Over a [B, C] input the only
      // dimension that makes sense for class scores is 1 — which is also PyTorch's implicit choice.
      if (dim === undefined && !l.config && input.length === 2) dim = 1;
      if (typeof dim !== 'number') refuse(l, 'softmax without an explicit dim is not supported');
      return { ...base, op: key === 'softmax' ? 'softmax' : 'log_softmax', dim };
    }
    case 'softmax2d':
      // Softmax over the channels of [B, C, H, W] (dim −3).
      return { ...base, op: 'softmax', dim: -3 };
    case 'dropout': {
      if (l.functional && a.raw('training') === false) return { ...base, op: 'identity' };
      return { ...base, op: 'dropout', p: a.num('p', 0.5) };
    }
    case 'dropout1d':
    case 'dropout2d':
    case 'dropout3d': {
      if (l.functional && a.raw('training') === false) return { ...base, op: 'identity' };
      // PyTorch's feature dropout: whole channels of [B, C, …]; on a 2-D input each element (as 1.13 does).
      return { ...base, op: 'dropout', p: a.num('p', 0.5), channelwise: true };
    }
    case 'batchnorm1d':
    case 'batchnorm2d': {
      if (!a.bool('track_running_stats', true))
        refuse(l, 'track_running_stats=False is not supported');
      const mom = a.raw('momentum');
      if (mom === null) refuse(l, 'momentum=None (cumulative average) is not supported');
      if (input.length !== (key === 'batchnorm2d' ? 4 : input.length === 3 ? 3 : 2))
        refuse(
          l,
          `it expects a ${key === 'batchnorm2d' ? '4-D' : '2-D or 3-D'} input but receives shape (${input.join(', ')})`,
        );
      if (input[1] !== a.int('num_features'))
        refuse(
          l,
          `it expects ${a.int('num_features')} features but receives shape (${input.join(', ')})`,
        );
      return {
        ...base,
        op: 'batchnorm',
        features: a.int('num_features'),
        eps: a.num('eps', 1e-5),
        momentum: a.num('momentum', 0.1),
        affine: a.bool('affine', true),
      };
    }
    case 'transformerencoderlayer': {
      const act = a.raw('activation') ?? 'relu';
      if (act !== 'relu' && act !== 'gelu')
        refuse(l, `activation ${JSON.stringify(act)} is not supported (only 'relu' or 'gelu')`);
      const dModel = a.int('d_model');
      const nhead = a.int('nhead');
      if (dModel % nhead !== 0) refuse(l, `d_model ${dModel} is not divisible by nhead ${nhead}`);
      if (input.length !== 3 || input[2] !== dModel)
        refuse(l, `it expects (B, T, ${dModel}) but receives (${input.join(', ')})`);
      return {
        ...base,
        op: 'encoder',
        dModel,
        nhead,
        dimFeedforward: a.int('dim_feedforward', 2048),
        dropout: a.num('dropout', 0.1),
        activation: act,
        layerNormEps: a.num('layer_norm_eps', 1e-5),
        batchFirst: a.bool('batch_first', false),
        normFirst: a.bool('norm_first', false),
      };
    }
    case 'layernorm': {
      if (l.functional) refuse(l, 'F.layer_norm is not supported; use the nn.LayerNorm module');
      const ns = a.raw('normalized_shape');
      const shape =
        typeof ns === 'number'
          ? [ns]
          : Array.isArray(ns) && ns.every((x): x is number => typeof x === 'number')
            ? ns
            : refuse(l, `normalized_shape ${JSON.stringify(ns)} is not known`);
      if (input.slice(-shape.length).join(',') !== shape.join(','))
        refuse(
          l,
          `normalized_shape (${shape.join(', ')}) does not match the input's trailing dims (${input.join(', ')})`,
        );
      return {
        ...base,
        op: 'layernorm',
        shape,
        eps: a.num('eps', 1e-5),
        affine: a.bool('elementwise_affine', true),
      };
    }
    case 'groupnorm': {
      if (l.functional) refuse(l, 'F.group_norm is not supported; use the nn.GroupNorm module');
      const groups = a.int('num_groups');
      const channels = a.int('num_channels');
      if (channels % groups !== 0)
        refuse(l, `num_channels ${channels} is not divisible by num_groups ${groups}`);
      if (input.length < 2 || input[1] !== channels)
        refuse(l, `it expects ${channels} channels but receives shape (${input.join(', ')})`);
      return {
        ...base,
        op: 'groupnorm',
        groups,
        channels,
        eps: a.num('eps', 1e-5),
        affine: a.bool('affine', true),
      };
    }
    case 'embedding': {
      if (l.functional) refuse(l, 'F.embedding is not supported; use the nn.Embedding module');
      const mn = a.raw('max_norm');
      if (mn !== undefined && mn !== null)
        refuse(l, 'max_norm is not supported (PyTorch renormalises the looked-up rows in place)');
      if (a.bool('scale_grad_by_freq', false))
        refuse(l, 'scale_grad_by_freq=True is not supported');
      if (a.bool('sparse', false))
        refuse(
          l,
          "sparse=True is not supported (sparse gradients; PyTorch's Adam refuses them too)",
        );
      const num = a.int('num_embeddings');
      const pi = a.raw('padding_idx');
      const paddingIdx = pi === undefined || pi === null ? null : a.int('padding_idx');
      return {
        ...base,
        op: 'embedding',
        num,
        dim: a.int('embedding_dim'),
        paddingIdx: paddingIdx !== null && paddingIdx < 0 ? num + paddingIdx : paddingIdx,
      };
    }
    case 'identity':
      return { ...base, op: 'identity' };
    default:
      if (RESHAPES.has(key)) {
        const to = numeric(output.slice(1));
        if (!to) refuse(l, `its output shape (${output.join(', ')}) is not fully known`);
        if (output[0] !== input[0]) refuse(l, 'it changes the batch dimension');
        return { ...base, op: 'reshape', to };
      }
      return refuse(
        l,
        `${l.type} has no tfjs translation here (supported: Linear, Conv1d/2d, ConvTranspose1d/2d, Max/AvgPool1d/2d, AdaptiveAvg/MaxPool1d/2d, BatchNorm1d/2d, LayerNorm, GroupNorm, Embedding, Upsample/interpolate, Dropout/Dropout1d/2d, Flatten/view/reshape, ReLU and other activations, (Log)Softmax)`,
      );
  }
}

/** Code of a line without its comment and string literals (so '#' and operators inside strings are ignored). */
function codeOf(line: string): string {
  return line.replace(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/g, '""').replace(/#.*$/, '');
}

/** Last line (0-based) of the block opened on line i: the lines indented deeper than it. */
function blockEnd(lines: string[], i: number, indent: number): number {
  let end = i;
  for (let j = i + 1; j < lines.length; j++) {
    if (lines[j].trim() === '' || /^\s*#/.test(lines[j])) continue;
    if ((/^\s*/.exec(lines[j])?.[0].length ?? 0) <= indent) break;
    end = j;
  }
  return end;
}

/** Bodies of every `def forward` in the file, as 1-based [first, last] line ranges, with the class holding it. */
function forwardBodies(lines: string[]): { first: number; last: number; cls: string | null }[] {
  const out: { first: number; last: number; cls: string | null }[] = [];
  const classes: { name: string; indent: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const c = /^(\s*)class\s+(\w+)/.exec(lines[i]);
    if (c) {
      while (classes.length && classes[classes.length - 1].indent >= c[1].length) classes.pop();
      classes.push({ name: c[2], indent: c[1].length });
      continue;
    }
    const m = /^(\s*)def\s+forward\s*\(/.exec(lines[i]);
    if (!m) continue;
    const indent = m[1].length;
    while (classes.length && classes[classes.length - 1].indent >= indent) classes.pop();
    out.push({
      first: i + 2,
      last: blockEnd(lines, i, indent) + 1,
      cls: classes.length ? classes[classes.length - 1].name : null,
    });
  }
  return out;
}

/** The statement starting on line i (0-based), through its closing bracket. */
function statementText(lines: string[], i: number): string {
  const out: string[] = [];
  let depth = 0;
  for (let j = i; j < lines.length; j++) {
    const c = codeOf(lines[j]);
    out.push(c);
    for (const ch of c)
      depth +=
        ch === '(' || ch === '[' || ch === '{'
          ? 1
          : ch === ')' || ch === ']' || ch === '}'
            ? -1
            : 0;
    if (depth <= 0) break;
  }
  return out.join('\n');
}

/**
 * Classes whose forward can run inside the model: its own class and, transitively, every class of
 * the file that an involved class's body calls (`Block(...)`); for a Sequential, every class it or
 * the module level calls. A name called but never reached only makes the check stricter. Needed
 * because a block's forward holds no layer line of its own when its layers sit in a Sequential.
 */
function involvedClasses(lines: string[], model: ModelResult): Set<string> {
  const bodies = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const c = /^(\s*)class\s+(\w+)/.exec(lines[i]);
    if (c)
      bodies.set(
        c[2],
        lines
          .slice(i + 1, blockEnd(lines, i, c[1].length) + 1)
          .map(codeOf)
          .join('\n'),
      );
  }
  const calls = (text: string): string[] =>
    [...bodies.keys()].filter((n) => new RegExp(`\\b${n}\\s*\\(`).test(text));
  const seen = new Set<string>();
  const todo = model.kind === 'module' ? [model.name] : calls(statementText(lines, model.line - 1));
  while (todo.length) {
    const n = todo.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    todo.push(...calls(bodies.get(n) ?? ''));
  }
  return seen;
}

const NUM = /^(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * Tensor arithmetic or indexing in a forward statement — `out += self.shortcut(x)`, `x = x * 2`,
 * `h[:, -1]` — which the shape engine does not list as a layer. Training the layer chain without it
 * would silently be another model, so such a line is refused. Arithmetic between number literals
 * (`16 * 5 * 5`) and indexing a module list (`self.convs[i](x)`) are fine.
 */
export function findUntracedOp(
  source: string,
  model: ModelResult,
): { line: number; text: string } | null {
  const lines = source.split(/\r?\n/);
  const used = new Set<number>([
    ...model.layers.map((l) => l.line),
    ...model.variables.map((v) => v.line),
  ]);
  const involved = involvedClasses(lines, model);
  for (const { first, last, cls } of forwardBodies(lines)) {
    let touched = cls !== null && involved.has(cls);
    for (let n = first; n <= last && !touched; n++) touched = used.has(n);
    if (!touched) continue;
    for (let n = first; n <= last; n++) {
      const code = codeOf(lines[n - 1]);
      if (/^\s*(return\s*$|if\b|elif\b|else\b|for\b|while\b|assert\b|raise\b|print\()/.test(code))
        continue;
      const text = lines[n - 1].trim();
      if (/(\+|-|\*|\/|@|%|\*\*|\/\/)=/.test(code.replace(/[=!<>]=/g, '')))
        return { line: n, text };
      // Binary operators: look at the operand on each side; skip unary minus and literal-only arithmetic.
      const re = /([\w.)\]]+)\s*(\*\*|\/\/|[-+*/@%])\s*([\w.(]+)/g;
      for (let m = re.exec(code); m; m = re.exec(code)) {
        const [lhs, rhs] = [m[1], m[3]];
        if (NUM.test(lhs) && NUM.test(rhs.replace(/^\(/, ''))) continue;
        // `x.size(0) * 2`-style sizes inside view/reshape arguments are still arithmetic on Python
        // ints; the engine traces the resulting shape, and the reshape takes it from the engine.
        if (
          /\.(view|reshape|size)\(|\bsize\(|\.shape\b/.test(code) &&
          !/^\s*\w+\s*=\s*\w+\s*[-+*/@]/.test(code)
        )
          continue;
        return { line: n, text };
      }
      // Subscripts on something that is not then called: tensor indexing. `x.shape[0]` is a Python int.
      if (
        /\w\s*\[[^\]]*\](?!\s*\()/.test(code.replace(/\.shape\s*\[[^\]]*\]/g, '.shape')) &&
        !/^\s*\w+\s*=\s*self\.\w+\s*\[/.test(code)
      )
        return { line: n, text };
    }
  }
  return null;
}

/**
 * A TransformerEncoderLayer is translated without masks, so every explicit call `self.<name>(…)` must
 * pass the input alone: a src_mask or src_key_padding_mask silently dropped would train another model.
 */
function checkSingleArgCalls(l: LayerResult, source: string | undefined): void {
  if (source === undefined) refuse(l, 'its calls cannot be checked for masks without the source');
  const re = new RegExp(`self\\.${l.name.replace(/\./g, '\\.')}\\s*\\(`, 'g');
  for (let m = re.exec(source); m; m = re.exec(source)) {
    let depth = 1;
    let commas = 0;
    let i = m.index + m[0].length;
    let last = '';
    for (; i < source.length && depth > 0; i++) {
      const ch = source[i];
      if (ch === '(' || ch === '[' || ch === '{') depth++;
      else if (ch === ')' || ch === ']' || ch === '}') depth--;
      else if (ch === ',' && depth === 1) commas++;
      if (depth > 0 && !/\s/.test(ch)) last = ch;
    }
    // `self.enc(x, )` has a trailing comma and one argument; anything more is a mask or an option.
    if (commas > 1 || (commas === 1 && last !== ',')) {
      const line = source.slice(0, m.index).split('\n').length;
      throw new TranslateError(
        `${l.type} at line ${line}: it is called with more than the input (a mask or is_causal), which the translation does not reproduce; call it with the input alone to train it`,
        line,
      );
    }
  }
}

/** The model's layers as a NetSpec, or a TranslateError naming the first construct we cannot train. */
export function translateModel(model: ModelResult, source?: string): NetSpec {
  if (source !== undefined) {
    const op = findUntracedOp(source, model);
    if (op)
      throw new TranslateError(
        `line ${op.line}: \`${op.text}\` is tensor arithmetic or indexing (a skip connection, scaling, slicing) that the translator cannot reproduce; only models whose forward is a plain chain of layers can be trained`,
        op.line,
      );
  }
  const first = model.input[0];
  if (model.input.length !== 1 || !first || !known(first)) {
    throw new TranslateError(
      `${model.name} (line ${model.line}): its input shape is not known; add a comment like '# input: (1, 1, 28, 28)' above it`,
      model.line,
    );
  }
  const inputDims = numeric(first.slice(1));
  if (!inputDims)
    throw new TranslateError(
      `${model.name} (line ${model.line}): its input shape (${first.join(', ')}) has symbolic dimensions; give numbers, e.g. '# input: (1, 1, 28, 28)'`,
      model.line,
    );
  if (model.outputs && model.outputs.length > 1)
    throw new TranslateError(
      `${model.name} (line ${model.line}): its forward returns ${model.outputs.length} tensors; only single-output models can be trained`,
      model.line,
    );
  if (model.layers.length === 0)
    throw new TranslateError(
      `${model.name} (line ${model.line}): no layers were found in it`,
      model.line,
    );
  const layers: LayerSpec[] = [];
  let prev: Dim[] = first;
  model.layers.forEach((l, i) => {
    const seq = SEQUENCE_LAYERS[typeKey(l.type)];
    if (seq)
      refuse(
        l,
        `${seq} have no tfjs translation here; only feed-forward chains (convolution, pooling, normalisation, linear layers) can be trained`,
      );
    if (l.inputs && l.inputs.length > 1)
      refuse(
        l,
        'it takes several tensors (a skip connection, concatenation or branch); only models whose forward is a single chain can be trained',
      );
    if (l.outputs && l.outputs.length > 1)
      refuse(l, 'it returns several tensors; only single-output chains can be trained');
    if (!known(l.input) || !known(l.output))
      refuse(
        l,
        `its ${known(l.input) ? 'output' : 'input'} shape is unknown${l.unknownReason ? ` (${l.unknownReason})` : ''}`,
      );
    // The engine lists layers in execution order but not the data flow; a chain means each layer
    // consumes exactly what the previous one produced.
    if (l.input.length !== prev.length || l.input.some((d, i) => i > 0 && d !== prev[i])) {
      refuse(
        l,
        `its input (${l.input.join(', ')}) is not the previous layer's output (${prev.join(', ')}); only models whose forward is a single chain of layers can be trained`,
      );
    }
    // The engine's data flow: in a chain every call is fed by the call just before it (the first by
    // the model's input). Anything else is a skip connection, a concatenation, or an `if` whose
    // condition is only known at run time — the engine traces both branches, and chaining them
    // would silently train another model.
    if (l.producers) {
      const want = i === 0 ? -1 : i - 1;
      if (l.producers.length !== 1 || l.producers[0] !== want) {
        const name = (k: number): string =>
          k < 0
            ? `the model's input ${-k}`
            : `${model.layers[k].name} (line ${model.layers[k].line})`;
        const from = l.producers.length
          ? l.producers.map(name).join(' and ')
          : 'a tensor made inside forward';
        refuse(
          l,
          `it is fed by ${from}, not by ${name(want)} just before it: the forward is not a single chain (a skip connection, a concatenation, or an if that picks layers at run time); only chains can be trained`,
        );
      }
    }
    const spec = layerSpec(l, l.input, l.output);
    if (spec?.op === 'encoder') checkSingleArgCalls(l, source);
    if (spec) layers.push(spec);
    prev = l.output;
  });
  return { name: model.name, input: inputDims, layers };
}

/** MNIST gives [B, 1, 28, 28] images; a model may also take them as [B, 784] or [B, 28, 28]. */
/** Refuses a net too big to train here, from its spec alone: nothing is allocated yet. */
export function checkParamLimit(spec: NetSpec, line?: number): void {
  const problem = paramLimitProblem(spec);
  if (problem) throw new TranslateError(problem, line);
}

export function checkMnistCompatible(model: ModelResult, spec: NetSpec): void {
  const emb = spec.layers.find((l) => l.op === 'embedding');
  if (emb)
    throw new TranslateError(
      `${emb.type} at line ${emb.line ?? model.line}: an Embedding takes token indices, and MNIST gives pixel intensities; this model cannot be trained on MNIST`,
      emb.line ?? model.line,
    );
  const inOk = ['1,28,28', '784', '28,28'].includes(spec.input.join(','));
  if (!inOk) {
    throw new TranslateError(
      `${model.name} (line ${model.line}): its input is (${(model.input[0] ?? []).join(', ')}) but MNIST digits are (B, 1, 28, 28); set '# input: (1, 1, 28, 28)' or adapt the model`,
      model.line,
    );
  }
  const out = model.output;
  if (!out || out.length !== 2 || out[1] !== 10) {
    throw new TranslateError(
      `${model.name} (line ${model.line}): its output is (${(out ?? ['?']).join(', ')}) but MNIST training needs (B, 10) class scores`,
      model.line,
    );
  }
}
