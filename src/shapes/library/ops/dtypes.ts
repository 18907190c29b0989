// The dtype of an operation's result, beside the shape the op itself computed: each rule below was
// checked against PyTorch 1.13 (test/unit/shapes/dtype.test.ts). An op no rule names, or a rule whose
// inputs have unknown dtypes, leaves the result's dtype unknown, which is what every op gave before.
import type { CallArgs } from '../../eval/calls';
import {
  DEFAULT_FLOAT,
  type DType,
  dtypeOfMethod,
  dtypeOfValue,
  isFloating,
  operandOf,
  type Operand,
  promoteTypes,
  resultType,
} from '../../eval/dtype';
import { dataOf, setData } from '../../eval/tensorData';
import type { TensorV, Value } from '../../eval/values';
import { PREFIX } from './config';

/** The result keeps its input's dtype: views, copies, reordering, selecting elements. */
const KEEP = new Set([
  'view',
  'reshape',
  'flatten',
  'unflatten',
  'permute',
  'transpose',
  'swapaxes',
  'swapdims',
  't',
  'unsqueeze',
  'squeeze',
  'expand',
  'expand_as',
  'view_as',
  'reshape_as',
  'broadcast_to',
  'repeat',
  'tile',
  'contiguous',
  'clone',
  'detach',
  'roll',
  'flip',
  'tril',
  'triu',
  'narrow',
  'select',
  'index_select',
  'gather',
  'masked_fill',
  'neg',
  'negative',
  'abs',
  'sign',
  'round',
  'floor',
  'ceil',
  'trunc',
  'relu',
  'movedim',
  'moveaxis',
  'diagonal',
  'amax',
  'amin',
  'split',
  'chunk',
  'unbind',
  'tensor_split',
  'repeat_interleave',
  'cpu',
  'cuda',
  '__getitem__',
  'zeros_like',
  'ones_like',
  'empty_like',
  'rand_like',
  'randn_like',
  'full_like',
  'new_zeros',
  'new_ones',
  'new_empty',
  'new_full',
  'new_tensor',
]);

/** Floating results: an integral or bool input gives the default float dtype. */
const TO_FLOAT = new Set([
  'sqrt',
  'rsqrt',
  'exp',
  'exp2',
  'expm1',
  'log',
  'log2',
  'log10',
  'log1p',
  'sin',
  'cos',
  'tan',
  'tanh',
  'sigmoid',
  'erf',
  'reciprocal',
]);

const TO_BOOL = new Set([
  'eq',
  'ne',
  'gt',
  'ge',
  'lt',
  'le',
  'isnan',
  'isinf',
  'isfinite',
  'logical_and',
  'logical_or',
  'logical_xor',
  'logical_not',
]);

const TO_INDEX = new Set(['argmax', 'argmin', 'argsort', 'one_hot', 'count_nonzero']);

/** Values and the int64 indices where they were found. */
const WITH_INDICES = new Set(['sort', 'topk', 'kthvalue', 'cummax', 'cummin']);

/** Reductions that sum: an integral or bool input gives int64. */
const SUMS = new Set(['sum', 'nansum', 'prod', 'cumsum', 'cumprod']);

/** Averages: floating inputs only (PyTorch raises for integral ones). */
const MEANS = new Set(['mean', 'nanmean', 'std', 'var']);

/** Ops PyTorch 1.13 raises for on a bool tensor. */
const NOT_FOR_BOOL = new Set([
  'neg',
  'negative',
  'abs',
  'round',
  'floor',
  'ceil',
  'trunc',
  'relu',
  'argmax',
  'argmin',
  'topk',
]);

/** Python's operators and their torch names, each typed by promotion (`/` gives a floating type). */
const ARITH: Readonly<Record<string, string>> = {
  add: '+',
  sub: '-',
  subtract: '-',
  mul: '*',
  multiply: '*',
  div: '/',
  divide: '/',
  true_divide: '/',
  floor_divide: '//',
  remainder: '%',
  fmod: '%',
  pow: '**',
  maximum: 'max',
  minimum: 'max',
  atan2: '/',
};

const COMPARE = new Set(['==', '!=', '<', '<=', '>', '>=']);

function nameOf(path: string): { name: string; method: boolean } | null {
  if (path.startsWith(PREFIX.method))
    return { name: path.slice(PREFIX.method.length), method: true };
  if (path.startsWith(PREFIX.functional))
    return { name: path.slice(PREFIX.functional.length), method: false };
  if (path.startsWith(PREFIX.torch))
    return { name: path.slice(PREFIX.torch.length), method: false };
  return null;
}

const dtypeOfTensor = (v: Value | undefined): DType | undefined =>
  v && v.k === 'tensor' ? v.dtype : undefined;

/** The call's result with its dtype, where the rules know it. */
export function withDtype(
  path: string,
  self: Value | null,
  a: CallArgs,
  r: Value | undefined,
): Value | undefined {
  if (!r || (r.k !== 'tensor' && r.k !== 'seq') || a.lost) return r;
  const n = nameOf(path);
  if (!n) return r;
  const x = n.method ? self : (a.pos[0] ?? a.kw.get('input') ?? null);
  const rest = n.method ? a.pos : a.pos.slice(1);
  const name = n.name;
  if (WITH_INDICES.has(name) || name === 'max' || name === 'min') {
    const d = dtypeOfTensor(x ?? undefined);
    if (d === 'bool' && NOT_FOR_BOOL.has(name))
      return r.k === 'seq' ? seqOf(r, []) : typed(r, undefined);
    if (r.k === 'seq') return r.items.length === 2 ? seqOf(r, [d, 'int64']) : seqOf(r, []);
    // torch.max(a, b) is elementwise, promoted; x.max() the largest element.
    const other = rest[0] ?? a.kw.get('other');
    return typed(r, other && other.k === 'tensor' ? arith('max', [x as Value, other]) : d);
  }
  if (name === 'meshgrid') {
    const list = a.pos.length === 1 && a.pos[0].k === 'seq' ? a.pos[0].items : a.pos;
    return r.k === 'seq' ? seqOf(r, list.map(dtypeOfTensor)) : r;
  }
  // Without a rule the dtype is unknown, also where the op gave back its input (clamp may make it float).
  const d = dtypeFor(name, n.method, x, rest, a);
  if (r.k === 'tensor') return typed(r, d);
  return seqOf(
    r,
    r.items.map(() => d),
  );
}

/** r with dtype d, a copy when r has another (it may be one of the inputs, as x.long() of a long x). */
function typed(r: TensorV, d: DType | undefined): TensorV {
  if (r.dtype === d) return r;
  const t: TensorV = { ...r, dtype: d };
  const data = dataOf(r);
  return data ? setData(t, data.v, data.float, data.exact) : t;
}

function seqOf(r: Value & { k: 'seq' }, ds: (DType | undefined)[]): Value {
  if (!r.items.every((v, i) => v.k !== 'tensor' || v.dtype === ds[i])) {
    const items = r.items.map((v, i) => (v.k === 'tensor' ? typed(v, ds[i]) : v));
    return { k: 'seq', kind: r.kind, items };
  }
  return r;
}

function dtypeFor(
  name: string,
  method: boolean,
  x: Value | null,
  rest: readonly Value[],
  a: CallArgs,
): DType | undefined {
  const kw = a.kw.get('dtype');
  // Any op given dtype= gives that dtype; one that cannot be read is unknown.
  if (kw && kw.k !== 'none') return dtypeOfValue(kw) ?? undefined;
  const xd = dtypeOfTensor(x ?? undefined);
  if (method) {
    const conv = dtypeOfMethod(name);
    if (conv) return conv;
    if (name === 'to') return toDtype(xd, a);
    if (name === 'type')
      return a.pos.length === 1 ? (dtypeOfValue(a.pos[0]) ?? undefined) : undefined;
    if (name === 'type_as') return dtypeOfTensor(a.pos[0]);
  } else {
    const made = creation(name, a);
    if (made !== null) return made;
  }
  if (name === '__binop__') return binop(a);
  if (name === 'matmul' || name === 'mm' || name === 'bmm') {
    const y = dtypeOfTensor(rest[0]);
    return xd && xd === y && xd !== 'bool' ? xd : undefined;
  }
  if (name === 'cat' || name === 'concat' || name === 'concatenate' || name === 'stack')
    return joined(x);
  if (name === 'where') return where(method ? [x, ...rest] : a.pos);
  // In-place forms keep their tensor's dtype whatever they write into it.
  if (name.endsWith('_') && !name.endsWith('__')) return method ? xd : undefined;
  if (name in ARITH && rest.length === 1 && x) {
    // div(..., rounding_mode='floor' or 'trunc') stays integral.
    const mode = a.kw.get('rounding_mode');
    const op = ARITH[name] === '/' && mode && mode.k !== 'none' ? '//' : ARITH[name];
    return arith(op, [x, rest[0]]);
  }
  if (!xd) return undefined;
  if (xd === 'bool' && NOT_FOR_BOOL.has(name)) return undefined;
  if (KEEP.has(name)) return xd;
  if (TO_FLOAT.has(name)) return isFloating(xd) ? xd : DEFAULT_FLOAT;
  if (TO_BOOL.has(name)) return 'bool';
  if (TO_INDEX.has(name)) return 'int64';
  if (SUMS.has(name)) return isFloating(xd) ? xd : 'int64';
  if (name === 'any' || name === 'all') return xd === 'uint8' ? 'uint8' : 'bool';
  if (MEANS.has(name)) return isFloating(xd) ? xd : undefined;
  return undefined;
}

/** `x.to(...)`: a dtype, another tensor's dtype, or the same dtype on another device. */
function toDtype(xd: DType | undefined, a: CallArgs): DType | undefined {
  for (const v of [...a.pos, ...a.kw.values()]) {
    const d = dtypeOfValue(v);
    if (d) return d;
    if (v.k === 'tensor') return v.dtype;
    // A device (a string, torch.device(...)) or a flag leaves the dtype; anything unread may be one.
    if (v.k !== 'str' && v.k !== 'bool' && !(v.k === 'ext' && !v.path.startsWith('torch.')))
      return undefined;
  }
  return xd;
}

/** A creation function's dtype; null when `name` is none. */
function creation(name: string, a: CallArgs): DType | undefined | null {
  switch (name) {
    case 'randn':
    case 'rand':
    case 'zeros':
    case 'ones':
    case 'empty':
    case 'eye':
    case 'linspace':
    case 'logspace':
    case 'Tensor':
    case 'FloatTensor':
      return DEFAULT_FLOAT;
    case 'LongTensor':
    case 'randint':
    case 'randperm':
      return 'int64';
    case 'arange': {
      const bounds = a.pos.filter((v) => v.k !== 'none');
      if (bounds.some((v) => v.k !== 'num')) return undefined;
      return bounds.some((v) => v.k === 'num' && v.float) ? DEFAULT_FLOAT : 'int64';
    }
    case 'full': {
      const fill = a.pos[1] ?? a.kw.get('fill_value');
      return fill ? scalarDtype(fill) : undefined;
    }
    case 'tensor':
    case 'as_tensor':
      return a.pos[0] ? dataDtype(a.pos[0], 0) : undefined;
    default:
      return null;
  }
}

function scalarDtype(v: Value): DType | undefined {
  if (v.k === 'bool') return 'bool';
  if (v.k === 'num') return v.float ? DEFAULT_FLOAT : 'int64';
  return undefined;
}

/** torch.tensor's dtype from nested Python data; empty data is floating. */
function dataDtype(v: Value, depth: number): DType | undefined {
  if (v.k === 'tensor') return depth === 0 ? v.dtype : undefined;
  if (v.k !== 'seq') return scalarDtype(v);
  if (v.items.length === 0) return depth === 0 ? DEFAULT_FLOAT : undefined;
  let d: DType | undefined;
  for (const item of v.items) {
    const e = dataDtype(item, depth + 1);
    if (!e) return undefined;
    d = d ? promoteTypes(d, e) : e;
  }
  return d;
}

function binop(a: CallArgs): DType | undefined {
  const [l, r, opv] = a.pos;
  const op = opv && opv.k === 'str' ? opv.v : '+';
  if (!l || !r) return undefined;
  if (COMPARE.has(op)) return 'bool';
  return arith(op, [l, r]);
}

function arith(op: string, vals: Value[]): DType | undefined {
  const ops: Operand[] = [];
  for (const v of vals) {
    const o = operandOf(v);
    if (!o) return undefined;
    ops.push(o);
  }
  const d = resultType(ops);
  if (!d) return undefined;
  if (op === '/') return isFloating(d) ? d : DEFAULT_FLOAT;
  if (op === '&' || op === '|' || op === '^') return isFloating(d) ? undefined : d;
  // PyTorch raises for `-` with a bool on either side, and for other arithmetic between bools.
  if (op === '-' && ops.some((o) => o.dtype === 'bool')) return undefined;
  if (d === 'bool' && op !== 'max' && op !== 'where')
    return op === '+' || op === '*' ? d : undefined;
  return d;
}

function joined(list: Value | null): DType | undefined {
  if (!list || list.k !== 'seq' || list.items.length === 0) return undefined;
  let d: DType | undefined;
  for (const v of list.items) {
    const e = dtypeOfTensor(v);
    if (!e) return undefined;
    d = d ? promoteTypes(d, e) : e;
  }
  return d;
}

/** torch.where(cond, y, z) of two tensors; Python numbers there are left unknown (not checked). */
function where(vals: readonly (Value | null)[]): DType | undefined {
  const [, y, z] = vals;
  return y && z && y.k === 'tensor' && z.k === 'tensor' ? arith('where', [y, z]) : undefined;
}
