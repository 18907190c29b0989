// Tensor methods, and the torch.* functions that are the same operation on their first argument
// (x.view / torch.reshape, x.relu / torch.relu / F.relu): one registry entry each, reached under
// every name. Each maps shapes as PyTorch does, reports what PyTorch raises, or says unknown.
import { allocate } from '../../eval/budget';
import { type CallArgs, type IndexItem, isConstArg, noArgs, posArg } from '../../eval/calls';
import type { Evaluator } from '../../eval/evaluator';
import { COMPARISONS, sliceLength, toConfig, truthy } from '../../eval/semantics';
import { type TensorV, type Value, unknown } from '../../eval/values';
import type { Span } from '../../syntax/ast';
import type { LayerConfig } from '../../types';
import { type D, isNum, mul, product } from '../dims';
import { normDim } from '../layers/rule';
import { shapeStr } from '../layers/util';
import * as S from '../shapeops';
import {
  T,
  U,
  arg,
  fromShapeOr,
  intList,
  intOf,
  matmulMacs,
  n,
  numelOf,
  record,
  sizeArgs,
  tup,
} from './args';
import { type OpConfig, type RawCall, type TensorCall, tensorNames } from './config';
import { advancedIndex } from './indexing';

/** Operations whose output has the input's shape. */
const SAME = new Set([
  'relu',
  'relu_',
  'relu6',
  'sigmoid',
  'sigmoid_',
  'tanh',
  'tanh_',
  'exp',
  'exp_',
  'log',
  'log_',
  'abs',
  'sqrt',
  'rsqrt',
  'neg',
  'sin',
  'cos',
  'clamp',
  'clamp_',
  'clip',
  'float',
  'double',
  'half',
  'long',
  'int',
  'bool',
  'contiguous',
  'clone',
  'detach',
  'to',
  'cuda',
  'cpu',
  'type',
  'requires_grad_',
  'fill_',
  'zero_',
  'normal_',
  'uniform_',
  'bernoulli_',
  'masked_fill',
  'masked_fill_',
  'softmax',
  'log_softmax',
  'dropout',
  'dropout1d',
  'dropout2d',
  'dropout3d',
  'alpha_dropout',
  'feature_alpha_dropout',
  'gelu',
  'silu',
  'mish',
  'leaky_relu',
  'leaky_relu_',
  'elu',
  'elu_',
  'selu',
  'celu',
  'softplus',
  'softsign',
  'hardtanh',
  'hardtanh_',
  'hardswish',
  'hardsigmoid',
  'sign',
  'round',
  'floor',
  'ceil',
  'erf',
  'logsigmoid',
  'tanhshrink',
  'softmin',
  'sigmoid',
  'reciprocal',
  'square',
  'normalize',
  'layer_norm',
  'batch_norm',
  'instance_norm',
  'group_norm',
  'local_response_norm',
  'prelu',
  'rrelu',
  'threshold',
  'hardshrink',
  'softshrink',
  'cumsum',
  'cumprod',
  'tril',
  'triu',
  'tril_',
  'triu_',
  'flip',
  'roll',
  'nan_to_num',
  'detach_',
  'squeeze_',
  'exp2',
  'log2',
  'log10',
  'log1p',
  'expm1',
  'sigmoid',
  'pow',
  'pow_',
  'fmod',
  'remainder',
]);

const BINARY = new Set([
  'add',
  'sub',
  'mul',
  'div',
  'true_divide',
  'add_',
  'sub_',
  'mul_',
  'div_',
  'maximum',
  'minimum',
  'where',
  'subtract',
  'multiply',
  'divide',
  'pow',
  'atan2',
  // Comparisons broadcast like arithmetic (a bool tensor of the broadcast shape).
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
]);

const REDUCE = new Set([
  'mean',
  'sum',
  'prod',
  'std',
  'var',
  'amax',
  'amin',
  'logsumexp',
  'norm',
  'argmax',
  'argmin',
  'all',
  'any',
  'nansum',
  'nanmean',
  'count_nonzero',
]);

/** Argument names of the shape-preserving F.* functions after the input, for the training translator. */
const FUNC_SIGS: Record<string, string[]> = {
  softmax: ['dim', '_stacklevel', 'dtype'],
  log_softmax: ['dim', '_stacklevel', 'dtype'],
  softmin: ['dim', '_stacklevel', 'dtype'],
  dropout: ['p', 'training', 'inplace'],
  dropout1d: ['p', 'training', 'inplace'],
  dropout2d: ['p', 'training', 'inplace'],
  dropout3d: ['p', 'training', 'inplace'],
  alpha_dropout: ['p', 'training', 'inplace'],
  relu: ['inplace'],
  relu6: ['inplace'],
  elu: ['alpha', 'inplace'],
  selu: ['inplace'],
  leaky_relu: ['negative_slope', 'inplace'],
  gelu: ['approximate'],
  hardtanh: ['min_val', 'max_val', 'inplace'],
  softplus: ['beta', 'threshold'],
};

/** Evaluated arguments of a functional call by PyTorch name; constants only. */
function funcConfig(name: string, a: CallArgs): LayerConfig {
  const cfg: LayerConfig = {};
  const sig = FUNC_SIGS[name] ?? [];
  a.pos.forEach((v, i) => {
    const c = sig[i] ? toConfig(v) : undefined;
    if (sig[i] && c !== undefined) cfg[sig[i]] = c;
  });
  for (const [k, v] of a.kw) {
    const c = toConfig(v);
    if (c !== undefined) cfg[k] = c;
  }
  return cfg;
}

function sizeOp(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  if (!s) return unknown(x.why ?? 'shape unknown');
  const dv = arg(a, 0, 'dim');
  if (!dv) return tup(s.map((d) => n(d)));
  const d = intOf(dv);
  const nd = d === null ? null : normDim(d, s.length);
  return nd === null ? unknown('size() dim out of range') : n(s[nd]);
}

function dimOp(c: TensorCall): Value | undefined {
  const { x } = c;
  const s = x.shape;
  return s ? n(s.length) : unknown(x.why ?? 'shape unknown');
}

function numelOp(c: TensorCall): Value | undefined {
  const { x } = c;
  const s = x.shape;
  return s ? n(product(s)) : unknown(x.why ?? 'shape unknown');
}

function itemOp(): Value | undefined {
  return unknown('tensor value');
}

function viewOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const target = sizeArgs(p.length ? p : a.kw.get('shape') ? [a.kw.get('shape') as Value] : []);
  if (!target) return show(U(`${label}() with a size the analyser cannot evaluate`));
  const r = S.view(s, target);
  let fix: { span: Span; value: number; title: string } | undefined;
  let hint = '';
  // The usual mistake is the per-sample size in view(-1, N) / view(x.size(0), N): offer the N that fits.
  const total = numelOf(s);
  if (
    'error' in r &&
    target.length === 2 &&
    total !== null &&
    isNum(s[0]) &&
    s[0] > 0 &&
    total % s[0] === 0
  ) {
    const per = total / s[0];
    const idx = target.findIndex((d, i) => i > 0 && d !== -1 && isConstArg(posArg(a, i)));
    const sp = idx >= 0 ? posArg(a, idx)?.value : undefined;
    hint = ` Each of the ${s[0]} samples has ${per} elements: use ${label}(-1, ${per}) or flatten from dim 1.`;
    if (sp) fix = { span: sp, value: per, title: `Change ${String(target[idx])} to ${per}` };
  }
  // As for broadcasting, the call is printed only for a size that does not fit.
  if ('shape' in r) return show(T(r.shape));
  return show(
    fromShapeOr(
      it,
      r,
      `${label}(${target.map((d) => (isNum(d) ? String(d) : '?')).join(', ')})`,
      site,
      'view-numel',
      fix,
      hint,
    ),
  );
}

function view_asOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label, name } = c;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  const o = p[0];
  if (name === 'type_as') return x;
  return show(o && o.k === 'tensor' ? o : U('target shape unknown'));
}

function flattenOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const st = intOf(arg(a, 0, 'start_dim') ?? n(0));
  const en = intOf(arg(a, 1, 'end_dim') ?? n(-1));
  if (st === null || en === null) return show(U('flatten dims unknown'));
  return show(fromShapeOr(it, S.flatten(s, st, en), label, site, 'flatten-dims'));
}

function unflattenOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const d = intOf(arg(a, 0, 'dim'));
  const sizes = arg(a, 1, 'sizes');
  const sz = sizes ? sizeArgs([sizes]) : null;
  const nd = d === null ? null : normDim(d, s.length);
  if (nd === null || !sz) return show(U('unflatten arguments unknown'));
  const r = S.view([s[nd]], sz);
  if (!('shape' in r)) return show(fromShapeOr(it, r, label, site, 'view-numel'));
  return show(T([...s.slice(0, nd), ...r.shape, ...s.slice(nd + 1)]));
}

function permuteOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const order =
    p.length === 1
      ? intList(p[0])
      : intList(tup(p.length ? p : a.kw.get('dims') ? [a.kw.get('dims') as Value] : []));
  const ord = p.length === 0 && a.kw.get('dims') ? intList(a.kw.get('dims')) : order;
  if (!ord) return show(U('permute order unknown'));
  return show(fromShapeOr(it, S.permute(s, ord), label, site, 'permute-dims'));
}

function transposeOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const d0 = intOf(arg(a, 0, 'dim0'));
  const d1 = intOf(arg(a, 1, 'dim1'));
  if (d0 === null || d1 === null) return show(U('transpose dims unknown'));
  return show(fromShapeOr(it, S.transpose(s, d0, d1), label, site, 'transpose-dims'));
}

function tOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  return show(s.length < 2 ? x : T([s[1], s[0]]));
}

function unsqueezeOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const d = intOf(arg(a, 0, 'dim'));
  if (d === null) return show(U('unsqueeze dim unknown'));
  return show(fromShapeOr(it, S.unsqueeze(s, d), label, site, 'unsqueeze-dim'));
}

function squeezeOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const dv = arg(a, 0, 'dim');
  const dims = dv ? intList(dv) : null;
  if (dv && !dims) return show(U('squeeze dim unknown'));
  return show(fromShapeOr(it, S.squeeze(s, dims), label, site, 'squeeze-dim'));
}

function expandOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const target = sizeArgs(p);
  if (!target) return show(U('expand size unknown'));
  const off = target.length - s.length;
  return show(T(target.map((d, i) => (d === -1 ? s[i - off] : d))));
}

function repeatOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const reps = sizeArgs(p);
  if (!reps || reps.length < s.length) return show(U('repeat sizes unknown'));
  const padded = [...Array(reps.length - s.length).fill(1), ...s] as D[];
  return show(T(padded.map((d, i) => mul(d, reps[i]))));
}

/** x.repeat_interleave(k, dim): dimension dim k times longer; with no dim, the flattened tensor. */
function repeatInterleaveOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const show = (out: Value): Value => record(it, label, x, [x, ...a.pos], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const r = arg(a, 0, 'repeats');
  const k = r && r.k === 'num' && !r.float ? r.v : null;
  if (k === null || (isNum(k) && k < 0)) return show(U('repeat_interleave() repeats unknown'));
  const dv = arg(a, 1, 'dim');
  if (!dv || dv.k === 'none') return show(T([mul(product(s), k)]));
  const d = intOf(dv);
  const nd = d === null ? null : normDim(d, s.length);
  if (nd === null) return show(U('repeat_interleave() dim unknown'));
  const out = [...s];
  out[nd] = mul(s[nd], k);
  return show(T(out));
}

function splitOp(c: TensorCall): Value | undefined {
  const { x, a, name } = c;
  const s = x.shape;
  if (!s) return U(x.why ?? 'shape unknown');
  const first = arg(a, 0, name === 'split' ? 'split_size_or_sections' : 'chunks');
  const d = intOf(arg(a, 1, 'dim') ?? n(0));
  const nd = d === null ? null : normDim(d, s.length);
  const size = nd === null ? null : s[nd];
  if (name === 'split' && first?.k === 'seq') return splitSections(c, s, first.items, nd);
  const k = intOf(first);
  if (k === null || nd === null || size === null || !isNum(size))
    return unknown(`${name}() sizes unknown`);
  const piece = name === 'split' ? k : Math.ceil(size / k);
  if (!(piece >= 1)) return unknown(`${name}() with a size below 1`);
  const over = allocate(Math.ceil(size / piece), `${name}()`);
  if (over) return unknown(over);
  const parts: Value[] = [];
  for (let start = 0; start < size; start += piece) {
    const sh = [...s];
    sh[nd] = Math.min(piece, size - start);
    parts.push(T(sh));
  }
  return tup(parts);
}

/** split(x, [3, 5], dim): one piece per size, which must add up to the dimension's size. */
function splitSections(c: TensorCall, s: D[], items: Value[], nd: number | null): Value {
  const sizes = sizeArgs(items);
  if (nd === null || !sizes) return unknown('split() sizes unknown');
  if (sizes.some((v) => typeof v === 'number' && (v < 0 || !Number.isInteger(v))))
    return unknown('split() with a negative size');
  const size = s[nd];
  if (isNum(size) && sizes.every(isNum)) {
    const sum = (sizes as number[]).reduce((p, q) => p + q, 0);
    if (sum !== size) {
      c.it.diag(
        'split-sizes',
        'error',
        `${c.label}: the sizes [${sizes.join(', ')}] add up to ${sum}, but dimension ${nd} of ${shapeStr(s)} has ${size}; PyTorch raises "split_with_sizes expects split_sizes to sum exactly to ${size}". Make them add up to ${size}.`,
        c.site,
      );
      return unknown('split() sizes do not add up to the dimension');
    }
  }
  // A symbolic dimension: PyTorch runs only if the sizes add up to it, so the pieces are the sizes.
  return tup(
    sizes.map((v) => {
      const sh = [...s];
      sh[nd] = v;
      return T(sh);
    }),
  );
}

function unbindOp(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  if (!s) return unknown(x.why ?? 'shape unknown');
  const d = intOf(arg(a, 0, 'dim') ?? n(0));
  const nd = d === null ? null : normDim(d, s.length);
  if (nd === null || !isNum(s[nd])) return unknown('unbind sizes unknown');
  const over = allocate(s[nd] as number, 'unbind()');
  if (over) return unknown(over);
  return tup(Array.from({ length: s[nd] as number }, () => T(s.filter((_, i) => i !== nd))));
}

function maxOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  if (!s) return U(x.why ?? 'shape unknown');
  const dv = arg(a, 0, 'dim');
  if (dv && dv.k === 'tensor') return binop(it, noArgs([x, dv, { k: 'str', v: '+' }]), site);
  if (!dv) return show(T([]));
  const d = intOf(dv);
  if (d === null) return U('dim unknown');
  const keep = truthy(arg(a, 1, 'keepdim') ?? { k: 'bool', v: false }) ?? false;
  const r = fromShapeOr(it, S.reduce(s, [d], keep), label, site, 'reduce-dim');
  return tup([r, r]);
}

function topkOp(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  if (!s) return U(x.why ?? 'shape unknown');
  const k = intOf(arg(a, 0, 'k'));
  const d = intOf(arg(a, 1, 'dim') ?? n(-1));
  const nd = d === null ? null : normDim(d, s.length);
  if (k === null || nd === null) return unknown('topk arguments unknown');
  const sh = [...s];
  sh[nd] = k;
  return tup([T(sh), T(sh)]);
}

/** sort gives (values, indices) and argsort the indices, each of its input's shape. */
function sortOp(c: TensorCall): Value | undefined {
  const s = c.x.shape;
  if (!s) return U(c.x.why ?? 'shape unknown');
  return c.name === 'argsort' ? T(s) : tup([T(s), T(s)]);
}

function matmulOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  const o = p[0];
  if (!s || !o || o.k !== 'tensor' || !o.shape) return show(U('matmul with an unknown shape'));
  const out = fromShapeOr(it, S.matmul(s, o.shape), label, site, 'matmul-mismatch');
  return record(it, label, x, [x, ...p], out, site, true, undefined, matmulMacs(s, out));
}

function new_zerosOp(c: TensorCall): Value | undefined {
  const { a } = c;
  const p = a.pos;
  const sz = p[0] ? sizeArgs([p[0]]) : null;
  return sz ? T(sz) : U('size unknown');
}

function reduceOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label } = c;
  const s = x.shape;
  const show = (out: Value): Value => record(it, label, x, [x, ...a.pos], out, site);
  if (!s) return show(U(x.why ?? 'shape unknown'));
  const dv = arg(a, 0, 'dim');
  const keep = truthy(arg(a, 1, 'keepdim') ?? { k: 'bool', v: false }) ?? false;
  if (!dv || dv.k === 'none') return show(T(keep ? s.map(() => 1) : []));
  const dims = intList(dv);
  if (!dims) return show(U('reduction dims unknown'));
  return show(fromShapeOr(it, S.reduce(s, dims, keep), label, site, 'reduce-dim'));
}

function binaryOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label, name } = c;
  const o = a.pos[0] ?? a.kw.get('other');
  if (name === 'where') return x;
  if (!o) return x;
  return record(
    it,
    label,
    x,
    [x, ...a.pos],
    binop(it, noArgs([x, o, { k: 'str', v: '+' }]), site),
    site,
  );
}

export function sameShapeOp(c: TensorCall): Value | undefined {
  const { it, x, a, site, label, name, via } = c;
  // A functional form's other tensors are its weights (F.layer_norm's, F.prelu's), not data it reads.
  const inputs = via === 'functional' ? [x] : [x, ...a.pos];
  const out = x.shape ? x : U(x.why ?? 'shape unknown');
  return record(it, label, x, inputs, out, site, true, funcConfig(name, a));
}

export function tensorAttr(self: Value | null, name: string): Value | undefined {
  if (!self || self.k !== 'tensor') return undefined;
  const s = self.shape;
  switch (name) {
    case 'shape':
      return s ? tup(s.map((d) => n(d))) : unknown(self.why ?? 'shape unknown');
    case 'ndim':
      return s ? n(s.length) : unknown(self.why ?? 'shape unknown');
    case 'T':
      return s ? { ...T([...s].reverse()), dtype: self.dtype } : self;
    case 'mT':
    case 'mH':
      // The last two dimensions swapped (batched matrix transpose).
      if (!s) return self;
      return s.length >= 2
        ? { ...T([...s.slice(0, -2), s[s.length - 1], s[s.length - 2]]), dtype: self.dtype }
        : unknown(`tensor.${name} needs at least 2 dimensions`);
    case 'data':
    case 'real':
      return self;
    case 'dtype':
      // `torch.zeros(n, dtype=x.dtype)`: the name of a known dtype, as torch.<name> evaluates to.
      return self.dtype ? { k: 'ext', path: 'torch.' + self.dtype } : unknown('tensor.dtype');
    case 'device':
    case 'is_cuda':
    case 'requires_grad':
    case 'grad':
      return unknown(`tensor.${name}`);
    default:
      return undefined;
  }
}

/** The arithmetic operators a tensor broadcasts over; a constant rather than a list per operation. */
const ARITHMETIC: ReadonlySet<string> = new Set([
  '+',
  '-',
  '*',
  '/',
  '//',
  '%',
  '**',
  '&',
  '|',
  '^',
]);

function binop(it: Evaluator, a: CallArgs, site: Span): Value {
  const [l, r, opv] = a.pos;
  const op = opv && opv.k === 'str' ? opv.v : '+';
  const lt = l.k === 'tensor' ? l : null;
  const rt = r.k === 'tensor' ? r : null;
  const x = (lt ?? rt) as TensorV;
  if (COMPARISONS.has(op) || ARITHMETIC.has(op)) {
    if (lt && rt) {
      if (!lt.shape || !rt.shape) return U(lt.why ?? rt.why ?? 'shape unknown');
      const b = S.broadcast(lt.shape, rt.shape);
      // The message is built only when the shapes do not broadcast: printing both costs more than the broadcast.
      return 'shape' in b
        ? T(b.shape)
        : fromShapeOr(
            it,
            b,
            `${shapeStr(lt.shape)} ${op} ${shapeStr(rt.shape)}`,
            site,
            'broadcast-mismatch',
          );
    }
    const other = lt ? r : l;
    if (other.k === 'num' || other.k === 'bool') return x;
    return U(other.k === 'unknown' ? other.why : `'${op}' between a tensor and an unknown value`);
  }
  if (op === '@') {
    if (!lt || !rt || !lt.shape || !rt.shape) return U('matmul with an unknown shape');
    return fromShapeOr(it, S.matmul(lt.shape, rt.shape), 'matmul', site, 'matmul-mismatch');
  }
  return U(`tensor operator ${op}`);
}

function getitem(it: Evaluator, x: TensorV, idx: IndexItem[], site: Span): Value {
  const s = x.shape;
  if (!s) return U(x.why ?? 'shape unknown');
  const advanced = advancedIndex(s, idx);
  if (advanced) return advanced;
  const out: D[] = [];
  let d = 0;
  const consumed = idx.filter(
    (i) => i.t !== 'ellipsis' && !(i.t === 'index' && i.v.k === 'none'),
  ).length;
  for (const i of idx) {
    if (i.t === 'ellipsis') {
      const skip = s.length - consumed;
      for (let k = 0; k < skip; k++) out.push(s[d++]);
      continue;
    }
    if (i.t === 'index' && i.v.k === 'none') {
      out.push(1);
      continue;
    }
    if (d >= s.length) {
      it.diag(
        'index-rank',
        'error',
        `too many indices for a tensor of dimension ${s.length} (${shapeStr(s)}); PyTorch raises IndexError.`,
        site,
      );
      return U('too many indices');
    }
    if (i.t === 'index') {
      if (i.v.k === 'num' && !i.v.float) {
        d++;
        continue;
      }
      // One list of ints (x[:, [-1], :]) keeps the dimension with the list's length.
      const advanced = idx.filter(
        (j) => j.t === 'index' && (j.v.k === 'seq' || j.v.k === 'tensor'),
      ).length;
      if (advanced === 1 && i.v.k === 'seq' && i.v.items.every((e) => e.k === 'num' && !e.float)) {
        out.push(i.v.items.length);
        d++;
        continue;
      }
      if (i.v.k === 'tensor' || i.v.k === 'seq') return U('advanced indexing');
      return U('index the analyser cannot evaluate');
    }
    const size = s[d++];
    if (i.lo === undefined && i.hi === undefined && (i.step === undefined || i.step === 1)) {
      out.push(size);
      continue;
    }
    if (!isNum(size)) return U('slice of a symbolic dimension');
    const r = sliceLength(size, i);
    if (r === null) return U('slice bounds unknown');
    out.push(r);
  }
  while (d < s.length) out.push(s[d++]);
  return T(out);
}

function getitemOp(c: RawCall): Value | undefined {
  const { it, self, index, site } = c;
  if (!self || self.k !== 'tensor' || !index) return undefined;
  return record(
    it,
    'Tensor.__getitem__',
    self,
    [self],
    getitem(it, self, index, site),
    site,
    false,
  );
}

const binopOp = (c: RawCall): Value => binop(c.it, c.a, c.site);

const TENSOR_FNS: [string[], (c: TensorCall) => Value | undefined][] = [
  [['size'], sizeOp],
  [['dim', 'ndimension'], dimOp],
  [['numel', 'nelement'], numelOp],
  [['item', 'tolist', 'numpy'], itemOp],
  [['view', 'reshape'], viewOp],
  [['view_as', 'reshape_as', 'expand_as', 'type_as'], view_asOp],
  [['flatten'], flattenOp],
  [['unflatten'], unflattenOp],
  [['permute'], permuteOp],
  [['transpose', 'swapaxes', 'swapdims'], transposeOp],
  [['t'], tOp],
  [['unsqueeze', 'unsqueeze_'], unsqueezeOp],
  [['squeeze'], squeezeOp],
  [['expand'], expandOp],
  [['repeat'], repeatOp],
  [['repeat_interleave'], repeatInterleaveOp],
  [['split', 'chunk'], splitOp],
  [['unbind'], unbindOp],
  [['max', 'min', 'median', 'mode'], maxOp],
  [['topk'], topkOp],
  [['sort', 'argsort'], sortOp],
  [['matmul', 'mm', 'spmm', 'bmm'], matmulOp],
  [['new_zeros', 'new_ones', 'new_empty', 'new_full'], new_zerosOp],
];

/** Names some other entry takes under a given way of reaching it; SAME fills in the rest. */
function sameExcept(taken: Iterable<string>): string[] {
  const t = new Set(taken);
  return [...SAME].filter((x) => !t.has(x));
}

const METHOD_NAMES = [...TENSOR_FNS.flatMap(([ns]) => ns), ...REDUCE, ...BINARY];

/** The functional entries of functional.ts, which SAME must leave to them. */
export function tensorOps(functionalNames: readonly string[]): OpConfig[] {
  return [
    { kind: 'raw', names: ['tensor.__getitem__'], call: getitemOp },
    { kind: 'raw', names: ['tensor.__binop__'], call: binopOp },
    ...TENSOR_FNS.map(([ns, call]): OpConfig => ({
      kind: 'tensor',
      names: tensorNames(ns, ['method', 'torch']),
      call,
    })),
    { kind: 'tensor', names: tensorNames(REDUCE, ['method', 'torch']), call: reduceOp },
    { kind: 'tensor', names: tensorNames(BINARY, ['method', 'torch']), call: binaryOp },
    {
      kind: 'tensor',
      names: [
        ...tensorNames(sameExcept(METHOD_NAMES), ['method', 'torch']),
        ...tensorNames(sameExcept(functionalNames), ['functional']),
      ],
      call: sameShapeOp,
    },
  ];
}
