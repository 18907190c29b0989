// How graphTranslate.ts turns the layers and tensor operations of this folder into graph nodes: a
// table keyed by layer kind (typeKey: "lstmcell", "conv3d") and one by operation ("zeros"), in the
// manner of tfjs's kernel registry. Each rule reads the call's arguments and the module's
// constructor configuration, and refuses (construct, line, why) whatever it would not reproduce:
// a mask dropped or a padding mode ignored would train another model.
import type { ConfigValue, FlowArg, FlowNode, LayerResult } from '../../shapes/types';
import type { GNode, GRef, GSize } from '../graph';
import type { LayerSpec } from '../spec';
import type { ModuleSpec, Pool3dSpec, Triple } from './spec';

/** What graphTranslate.ts's argument reader gives a rule (it refuses with the call's line). */
export interface ArgReader {
  get(i: number, name: string): FlowArg | undefined;
  tensor(i: number, name: string): GRef;
  bool(i: number, name: string, dflt: boolean): boolean;
  sizes(from: number, name: string): GSize[];
  done(extra?: readonly string[]): void;
  fail(why: string): never;
}

/** A layer node: the spec, its main input and its further inputs in the order build.ts reads them. */
export interface LayerNode {
  spec: LayerSpec;
  x: GRef;
  extra?: (GRef | null)[];
}

type LayerRule = (n: FlowNode, l: LayerResult, a: ArgReader) => LayerNode;

/** The constructor configuration the engine evaluated, read strictly. */
class Config {
  constructor(
    private readonly l: LayerResult,
    private readonly a: ArgReader,
  ) {}
  raw(k: string): ConfigValue | undefined {
    return this.l.config?.[k];
  }
  int(k: string, dflt?: number): number {
    const v = this.raw(k);
    if ((v === undefined || v === null) && dflt !== undefined) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    return this.a.fail(`argument ${k} is not a known integer (${JSON.stringify(v)})`);
  }
  num(k: string, dflt: number): number {
    const v = this.raw(k);
    if (v === undefined) return dflt;
    if (typeof v === 'number') return v;
    return this.a.fail(`argument ${k} is not a known number (${JSON.stringify(v)})`);
  }
  bool(k: string, dflt: boolean): boolean {
    const v = this.raw(k);
    if (v === undefined || v === null) return dflt;
    if (typeof v === 'boolean') return v;
    if (v === 0 || v === 1) return v === 1;
    return this.a.fail(`argument ${k} is not a known boolean (${JSON.stringify(v)})`);
  }
  triple(k: string, dflt?: Triple): Triple {
    const v = this.raw(k);
    if ((v === undefined || v === null) && dflt) return dflt;
    if (typeof v === 'number' && Number.isInteger(v)) return [v, v, v];
    if (Array.isArray(v) && v.every((e) => typeof e === 'number' && Number.isInteger(e))) {
      const t = v as number[];
      if (t.length === 3) return [t[0], t[1], t[2]];
      if (t.length === 1) return [t[0], t[0], t[0]];
    }
    return this.a.fail(`argument ${k} is not a known int or triple (${JSON.stringify(v)})`);
  }
}

const isNone = (v: FlowArg | undefined): boolean => v === undefined || v.k === 'none';
const ref = (t: FlowArg & { k: 'tensor' }): GRef => ({ node: t.node, out: t.out });

/** A module called with its input alone (a functional form's options are its configuration). */
function single(n: FlowNode, a: ArgReader): GRef {
  const x = a.tensor(0, 'input');
  if (n.module !== undefined) {
    if (n.args.length > 1) a.fail('it is called with more than its input');
    a.done();
  }
  return x;
}

function module(l: LayerResult, m: ModuleSpec): LayerSpec {
  return { name: l.name, type: l.type, line: l.line, op: 'module', m };
}

const cell: LayerRule = (n, l, a) => {
  const c = new Config(l, a);
  const key = l.type.toLowerCase().replace(/^.*\./, '');
  const nl = c.raw('nonlinearity') ?? 'tanh';
  if (nl !== 'tanh' && nl !== 'relu') a.fail(`nonlinearity=${JSON.stringify(nl)} is not supported`);
  const mode = key === 'lstmcell' ? 'lstm' : key === 'grucell' ? 'gru' : `rnn_${nl}`;
  const x = a.tensor(0, 'input');
  if (l.input?.length !== 2)
    a.fail(
      `it receives a ${l.input?.length ?? '?'}-D input; only batched [B, features] is supported`,
    );
  const state = a.get(1, 'hx');
  let extra: (GRef | null)[] = [];
  if (!isNone(state)) {
    if (mode === 'lstm') {
      const parts = state?.k === 'seq' ? state.items : [];
      const [h, cc] = parts;
      if (parts.length !== 2 || h?.k !== 'tensor' || cc?.k !== 'tensor')
        return a.fail('its state is not an (h, c) pair of tensors the trace follows');
      extra = [ref(h), ref(cc)];
    } else extra = [a.tensor(1, 'hx')];
  }
  a.done();
  if (n.outputs.length !== (mode === 'lstm' ? 2 : 1))
    a.fail(
      `it returns ${n.outputs.length} tensors where ${l.type} returns ${mode === 'lstm' ? 2 : 1}`,
    );
  return {
    spec: module(l, {
      kind: 'cell',
      mode: mode as 'lstm',
      inputSize: c.int('input_size'),
      hiddenSize: c.int('hidden_size'),
      bias: c.bool('bias', true),
    }),
    x,
    extra,
  };
};

const attention: LayerRule = (n, l, a) => {
  const c = new Config(l, a);
  const E = c.int('embed_dim');
  for (const k of ['kdim', 'vdim']) {
    const d = c.raw(k);
    if (d !== undefined && d !== null && d !== E)
      a.fail(
        `${k}=${JSON.stringify(d)} differs from embed_dim (separate key/value projections are not supported)`,
      );
  }
  if (c.bool('add_bias_kv', false)) a.fail('add_bias_kv=True is not supported');
  if (c.bool('add_zero_attn', false)) a.fail('add_zero_attn=True is not supported');
  const heads = c.int('num_heads');
  if (E % heads !== 0) a.fail(`embed_dim ${E} is not divisible by num_heads ${heads}`);
  const q = a.tensor(0, 'query');
  const k = a.tensor(1, 'key');
  const v = a.tensor(2, 'value');
  for (const [i, name] of [
    [3, 'key_padding_mask'],
    [5, 'attn_mask'],
  ] as const)
    if (!isNone(a.get(i, name)))
      a.fail(`${name} is given; masks are not reproduced, so this attention would differ`);
  const needWeights = a.bool(4, 'need_weights', true);
  if (!a.bool(6, 'average_attn_weights', true))
    a.fail('average_attn_weights=False (per-head weights) is not supported');
  a.done();
  if (l.input?.length !== 3)
    a.fail(
      `it receives a ${l.input?.length ?? '?'}-D query; only batched (3-D) input is supported`,
    );
  if (n.outputs.length !== (needWeights ? 2 : 1))
    a.fail(`the trace saw ${n.outputs.length} outputs, not ${needWeights ? 2 : 1}`);
  return {
    spec: module(l, {
      kind: 'mha',
      embedDim: E,
      numHeads: heads,
      bias: c.bool('bias', true),
      batchFirst: c.bool('batch_first', false),
      dropout: c.num('dropout', 0),
    }),
    x: q,
    extra: [k, v],
  };
};

const conv3d: LayerRule = (n, l, a) => {
  if (n.module === undefined)
    a.fail('a functional convolution given weight tensors cannot be trained here; use nn.Conv3d');
  const c = new Config(l, a);
  const mode = c.raw('padding_mode');
  if (mode !== undefined && mode !== 'zeros')
    a.fail(`padding_mode='${String(mode)}' is not supported (tfjs pads with zeros only)`);
  if (c.int('groups', 1) !== 1) a.fail("groups > 1 is not supported (tfjs's conv3d has no groups)");
  if (c.triple('dilation', [1, 1, 1]).some((d) => d !== 1))
    a.fail("dilation > 1 is not supported (tfjs's conv3d has no gradient for it)");
  const kernel = c.triple('kernel_size');
  const p = c.raw('padding');
  // 'same' (stride 1 only, as PyTorch requires) pads K−1 in total; with an odd total PyTorch pads the
  // far end more, which a symmetric padding cannot express.
  if (p === 'same' && kernel.some((k) => (k - 1) % 2 !== 0))
    a.fail("padding='same' with an even kernel is not supported (uneven padding)");
  const padding: Triple =
    p === 'same'
      ? [(kernel[0] - 1) / 2, (kernel[1] - 1) / 2, (kernel[2] - 1) / 2]
      : p === 'valid'
        ? [0, 0, 0]
        : c.triple('padding', [0, 0, 0]);
  const inChannels = c.int('in_channels');
  if (l.input?.length !== 5 || l.input[1] !== inChannels)
    a.fail(`it expects [B, ${inChannels}, D, H, W] but receives (${l.input?.join(', ') ?? '?'})`);
  return {
    spec: module(l, {
      kind: 'conv3d',
      inChannels,
      outChannels: c.int('out_channels'),
      kernel,
      stride: c.triple('stride', [1, 1, 1]),
      padding,
      bias: c.bool('bias', true),
    }),
    x: single(n, a),
  };
};

const pool3d: LayerRule = (n, l, a) => {
  const c = new Config(l, a);
  const key = l.type.toLowerCase().replace(/^.*\./, '').replace(/_/g, '');
  const isMax = key === 'maxpool3d';
  if (isMax && c.bool('return_indices', false)) a.fail('return_indices=True is not supported');
  if (isMax && c.triple('dilation', [1, 1, 1]).some((d) => d !== 1))
    a.fail("dilation > 1 is not supported (tfjs's max pooling has no dilation)");
  if (l.input?.length !== 5) a.fail(`it expects a 5-D input, not (${l.input?.join(', ') ?? '?'})`);
  const kernel = c.triple('kernel_size');
  const div = c.raw('divisor_override');
  const spec: Pool3dSpec = {
    kind: isMax ? 'maxpool3d' : 'avgpool3d',
    kernel,
    stride: c.triple('stride', kernel),
    padding: c.triple('padding', [0, 0, 0]),
    ceilMode: c.bool('ceil_mode', false),
    countIncludePad: c.bool('count_include_pad', true),
    divisorOverride: div === undefined || div === null ? null : c.int('divisor_override'),
  };
  return { spec: module(l, spec), x: single(n, a) };
};

/** Adaptive 3-D pooling whose output divides the input: a plain pooling with equal windows. */
const adaptive3d: LayerRule = (n, l, a) => {
  const from = l.input?.slice(2) ?? [];
  const to = l.output?.slice(2) ?? [];
  if (from.length !== 3 || to.length !== 3 || ![...from, ...to].every((d) => typeof d === 'number'))
    a.fail('its input and output sizes are not known numbers');
  const k = from.map((d, i) => (d as number) / (to[i] as number));
  if (!k.every(Number.isInteger))
    a.fail(
      `pooling from ${from.join('×')} to ${to.join('×')} is not supported (the sizes do not divide)`,
    );
  if (new Config(l, a).bool('return_indices', false))
    a.fail('return_indices=True is not supported');
  const kernel = k as Triple;
  return {
    spec: module(l, {
      kind: /max/i.test(l.type) ? 'maxpool3d' : 'avgpool3d',
      kernel,
      stride: kernel,
      padding: [0, 0, 0],
      ceilMode: false,
      countIncludePad: true,
      divisorOverride: null,
    }),
    x: single(n, a),
  };
};

/** BatchNorm3d is BatchNorm1d/2d's channel-last normalisation (net.ts) on a 5-D input. */
const batchnorm3d: LayerRule = (n, l, a) => {
  if (n.module === undefined) a.fail('F.batch_norm is not supported; use nn.BatchNorm3d');
  const c = new Config(l, a);
  if (!c.bool('track_running_stats', true)) a.fail('track_running_stats=False is not supported');
  if (c.raw('momentum') === null) a.fail('momentum=None (cumulative average) is not supported');
  const features = c.int('num_features');
  if (l.input?.length !== 5 || l.input[1] !== features)
    a.fail(`it expects [B, ${features}, D, H, W] but receives (${l.input?.join(', ') ?? '?'})`);
  return {
    spec: {
      name: l.name,
      type: l.type,
      line: l.line,
      op: 'batchnorm',
      features,
      eps: c.num('eps', 1e-5),
      momentum: c.num('momentum', 0.1),
      affine: c.bool('affine', true),
    },
    x: single(n, a),
  };
};

const LAYER_RULES: Record<string, LayerRule> = {
  lstmcell: cell,
  grucell: cell,
  rnncell: cell,
  multiheadattention: attention,
  conv3d,
  maxpool3d: pool3d,
  avgpool3d: pool3d,
  adaptiveavgpool3d: adaptive3d,
  adaptivemaxpool3d: adaptive3d,
  batchnorm3d,
};

/** The rule for a layer kind (typeKey), if this folder translates it. */
export function layerRule(key: string): LayerRule | undefined {
  return LAYER_RULES[key];
}

type OpRule = (a: ArgReader) => GNode;

const fill =
  (value: number, like: boolean): OpRule =>
  (a) => {
    const shape = like ? a.tensor(0, 'input') : a.sizes(0, 'size');
    // The device changes where the zeros live, not what they are; dtype, layout and the like are
    // refused by done() (integer zeros would be another computation).
    a.get(-1, 'device');
    a.bool(-1, 'requires_grad', false);
    a.done();
    return { op: 'fill', shape, value };
  };

const OP_RULES: Record<string, OpRule> = {
  zeros: fill(0, false),
  ones: fill(1, false),
  zeros_like: fill(0, true),
  ones_like: fill(1, true),
};

/** The rule for a tensor operation by its short name ("zeros"), if this folder translates it. */
export function opRule(name: string): OpRule | undefined {
  return OP_RULES[name];
}
