// Functions and methods the interpreter knows without a file defining them: Python builtins, math,
// tensor creation, tensor methods and torch.* / F.* operations. Each maps shapes to shapes exactly as
// PyTorch does, reports what PyTorch would raise, or returns "unknown" — never a guess.
import * as S from './shapeops';
import { MAX_ITERATIONS, allocate } from '../eval/budget';
import { type CallArgs, type IndexItem, isConstArg, noArgs, posArg } from '../eval/calls';
import type { Evaluator } from '../eval/evaluator';
import { displayPath } from '../eval/names';
import {
  COMPARISONS,
  isSane,
  iterate,
  numOf,
  saneValue,
  sliceLength,
  toConfig,
  truthy,
  valueEq,
} from '../eval/semantics';
import { type TensorV, type Value, unknown } from '../eval/values';
import type { Span } from '../syntax/ast';
import type { LayerConfig } from '../types';
import { type D, add, isNum, mul, product, sym } from './dims';
import { LAYERS } from './layers';
import { normDim } from './layers/rule';
import { shapeStr } from './layers/util';

const numelOf = (s: D[]): number | null => (s.every(isNum) ? (product(s) as number) : null);
const T = (shape: D[]): TensorV => ({ k: 'tensor', shape });
const U = (why: string): TensorV => ({ k: 'tensor', shape: null, why });
const tup = (items: Value[]): Value => ({ k: 'seq', kind: 'tuple', items });
const n = (v: D): Value => ({ k: 'num', v });

function arg(a: CallArgs, i: number, name: string): Value | undefined {
  return a.pos[i] ?? a.kw.get(name);
}

function intOf(v: Value | undefined): number | null {
  if (!v) return null;
  const x = numOf(v);
  return x !== null && isNum(x) && Number.isInteger(x) ? x : null;
}

function dimOf(v: Value | undefined): D | null {
  if (!v || v.k !== 'num' || v.float) return null;
  return v.v;
}

/** A size given as varargs (x.view(a, b)) or as one tuple (x.view((a, b))). */
function sizeArgs(vals: Value[]): D[] | null {
  const list = vals.length === 1 && vals[0].k === 'seq' ? vals[0].items : vals;
  const out: D[] = [];
  for (const v of list) {
    const d = dimOf(v);
    if (d === null) return null;
    out.push(d);
  }
  return out;
}

function intList(v: Value | undefined): number[] | null {
  if (!v) return null;
  if (v.k === 'seq') {
    const out = v.items.map(intOf);
    return out.some((x) => x === null) ? null : (out as number[]);
  }
  const i = intOf(v);
  return i === null ? null : [i];
}

function fromShapeOr(
  it: Evaluator,
  r: S.ShapeOr,
  what: string,
  site: Span,
  code: string,
  fix?: { span: Span; value: number; title: string },
  hint = '',
): TensorV {
  if ('shape' in r) return T(r.shape);
  if ('error' in r) {
    it.diag(
      code,
      'error',
      `${what}: ${r.error}. PyTorch raises a RuntimeError here.${hint}`,
      site,
      fix,
    );
    return U(`${what}: ${r.error}`);
  }
  return U(r.unknown);
}

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
  'sort',
  'nan_to_num',
  'detach_',
  'squeeze_',
  'exp2',
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

/** F.* functions that are layer rules applied once (arguments after the input bind like the constructor's). */
const FUNCTIONAL_RULES: Record<string, string> = {
  max_pool1d: 'MaxPool1d',
  max_pool2d: 'MaxPool2d',
  max_pool3d: 'MaxPool3d',
  avg_pool1d: 'AvgPool1d',
  avg_pool2d: 'AvgPool2d',
  avg_pool3d: 'AvgPool3d',
  adaptive_avg_pool1d: 'AdaptiveAvgPool1d',
  adaptive_avg_pool2d: 'AdaptiveAvgPool2d',
  adaptive_avg_pool3d: 'AdaptiveAvgPool3d',
  adaptive_max_pool1d: 'AdaptiveMaxPool1d',
  adaptive_max_pool2d: 'AdaptiveMaxPool2d',
  adaptive_max_pool3d: 'AdaptiveMaxPool3d',
  lp_pool1d: 'LPPool1d',
  lp_pool2d: 'LPPool2d',
  pixel_shuffle: 'PixelShuffle',
  pixel_unshuffle: 'PixelUnshuffle',
  glu: 'GLU',
  max_unpool1d: 'MaxUnpool1d',
  max_unpool2d: 'MaxUnpool2d',
  max_unpool3d: 'MaxUnpool3d',
};

export function callOp(
  it: Evaluator,
  path: string,
  self: Value | null,
  a: CallArgs,
  site: Span,
  index?: IndexItem[],
): Value | undefined {
  const r = callOpInner(it, path, self, a, site, index);
  if (r === undefined) return r;
  const v = isSane(r) ? r : saneValue(r, `${displayPath(path)}() gives an invalid size`);
  return it.trace ? it.inheritSources(v, self, a) : v;
}

function callOpInner(
  it: Evaluator,
  path: string,
  self: Value | null,
  a: CallArgs,
  site: Span,
  index?: IndexItem[],
): Value | undefined {
  if (path.startsWith('builtins.')) return builtin(it, path.slice(9), a, site);
  if (path.startsWith('math.') || path.startsWith('numpy.'))
    return mathFn(path.slice(path.indexOf('.') + 1), a);
  if (path.startsWith('seq.') || path.startsWith('dict.') || path.startsWith('str.'))
    return containerMethod(path, self, a);
  if (path === 'tensor.__getitem__' && self && self.k === 'tensor' && index)
    return record(
      it,
      'Tensor.__getitem__',
      self,
      [self],
      getitem(it, self, index, site),
      site,
      false,
    );
  if (path === 'tensor.__binop__') return binop(it, a, site);
  if (path.startsWith('tensor.@')) return tensorAttr(self, path.slice(8));
  if (path.startsWith('tensor.') && self && self.k === 'tensor') {
    const name = path.slice(7);
    return tensorFn(it, name, self, a, site, 'Tensor.' + name);
  }
  if (path === 'torchsummary.summary' || path === 'torchinfo.summary') {
    const m = a.pos[0];
    const size = arg(a, 1, 'input_size');
    if (it.discovering && m && m.k === 'module' && size) {
      const key = m.m.origin ?? m.m.cls?.name ?? '';
      const shapes =
        size.k === 'seq' && size.items.every((x) => x.k === 'seq') ? size.items : [size];
      const inputs = shapes.map((s) => (s.k === 'seq' ? sizeArgs([s]) : null));
      if (key) it.seenCalls.push({ key, inputs, viaSummary: true });
    }
    return unknown('summary()');
  }
  if (path.startsWith('torch.nn.functional.')) return functional(it, path.slice(20), a, site);
  if (path.startsWith('torch.')) {
    const name = path.slice(6);
    const created = creation(name, a);
    if (created) return created;
    const x = a.pos[0];
    if (
      name === 'cat' ||
      name === 'concat' ||
      name === 'concatenate' ||
      name === 'stack' ||
      name === 'hstack' ||
      name === 'vstack'
    )
      return joinOp(it, name, a, site);
    if (name === 'Size') return a.pos[0] ?? tup([]);
    if (
      name === 'no_grad' ||
      name === 'manual_seed' ||
      name === 'device' ||
      name === 'set_grad_enabled' ||
      name === 'inference_mode'
    )
      return { k: 'none' };
    if (name === 'cuda.is_available') return { k: 'bool', v: false };
    if (x && x.k === 'tensor')
      return tensorFn(
        it,
        name,
        x,
        { pos: a.pos.slice(1), kw: a.kw, posArgs: a.posArgs.slice(1), kwArgs: a.kwArgs },
        site,
        'torch.' + name,
      );
    if (x && x.k === 'unknown') return x;
    return undefined;
  }
  return undefined;
}

function record(
  it: Evaluator,
  name: string,
  x: TensorV,
  inputs: Value[],
  out0: Value,
  site: Span,
  show = true,
  config?: LayerConfig,
): Value {
  const out = isSane(out0) ? out0 : saneValue(out0, `${name} gives an invalid size`);
  if (show)
    return it.recordLayer(
      name,
      name,
      site,
      x,
      inputs,
      out,
      0,
      null,
      null,
      undefined,
      config,
      undefined,
      true,
    );
  return out;
}

// ───────────── builtins ─────────────

function builtin(it: Evaluator, name: string, a: CallArgs, site: Span): Value | undefined {
  const p = a.pos;
  switch (name) {
    case 'range': {
      const ints = p.map(intOf);
      if (ints.some((x) => x === null) || ints.length === 0)
        return unknown('range() with bounds the analyser cannot evaluate');
      const [start, stop, step] =
        ints.length === 1
          ? [0, ints[0] as number, 1]
          : [ints[0] as number, ints[1] as number, (ints[2] ?? 1) as number];
      if (step === 0) return unknown('range() step 0');
      // Its length first, so a long range costs nothing: it is unknown past MAX_ITERATIONS.
      const len = Math.max(0, Math.ceil((stop - start) / step));
      if (!(len <= MAX_ITERATIONS))
        return unknown(
          `range() of ${Number.isFinite(len) ? len.toLocaleString('en-US') : 'unbounded'} items is longer than the ${MAX_ITERATIONS.toLocaleString('en-US')} the analyser enumerates`,
        );
      const over = allocate(len, 'range()');
      if (over) return unknown(over);
      const items: Value[] = new Array<Value>(len);
      for (let k = 0; k < len; k++) items[k] = n(start + k * step);
      return { k: 'seq', kind: 'list', items };
    }
    case 'len': {
      const v = p[0];
      if (!v) return unknown('len()');
      if (v.k === 'unknown') return v;
      if (v.k === 'seq') return n(v.items.length);
      if (v.k === 'dict') return n(v.keys.length);
      if (v.k === 'str') return n(v.v.length);
      if (v.k === 'module') return n(v.m.children.size);
      if (v.k === 'tensor')
        return v.shape && v.shape.length
          ? n(v.shape[0])
          : unknown('len() of a tensor of unknown shape');
      return unknown('len() of an unknown value');
    }
    case 'list':
    case 'tuple': {
      if (!p[0]) return { k: 'seq', kind: name, items: [] };
      const items = iterate(p[0]);
      const over = items && allocate(items.length, `${name}()`);
      if (over) return unknown(over);
      return items
        ? { k: 'seq', kind: name, items: [...items] }
        : unknown(`${name}() of something the analyser cannot enumerate`);
    }
    case 'reversed':
    case 'sorted': {
      const items = p[0] ? iterate(p[0]) : null;
      if (!items) return unknown(`${name}()`);
      const over = allocate(items.length, `${name}()`);
      if (over) return unknown(over);
      if (name === 'reversed') return { k: 'seq', kind: 'list', items: [...items].reverse() };
      const nums = items.map(intOf);
      if (nums.some((x) => x === null)) return unknown('sorted() of non-numbers');
      return {
        k: 'seq',
        kind: 'list',
        items: (nums as number[]).sort((x, y) => x - y).map((x) => n(x)),
      };
    }
    case 'enumerate': {
      const items = p[0] ? iterate(p[0]) : null;
      const start = intOf(arg(a, 1, 'start')) ?? 0;
      const over = items && allocate(3 * items.length, 'enumerate()');
      if (over) return unknown(over);
      return items
        ? { k: 'seq', kind: 'list', items: items.map((v, i) => tup([n(i + start), v])) }
        : unknown('enumerate() of something the analyser cannot enumerate');
    }
    case 'zip': {
      const lists = p.map(iterate);
      if (lists.some((l) => l === null))
        return unknown('zip() of something the analyser cannot enumerate');
      const len = lists.reduce((m, l) => Math.min(m, (l as Value[]).length), Infinity);
      const over = allocate((lists.length + 1) * (Number.isFinite(len) ? len : 0), 'zip()');
      if (over) return unknown(over);
      return {
        k: 'seq',
        kind: 'list',
        items: Array.from({ length: len }, (_, i) => tup(lists.map((l) => (l as Value[])[i]))),
      };
    }
    case 'int': {
      const v = p[0];
      if (!v) return n(0);
      if (v.k === 'num') return isNum(v.v) ? n(Math.trunc(v.v)) : { k: 'num', v: v.v };
      if (v.k === 'str' && /^\s*-?\d+\s*$/.test(v.v)) return n(parseInt(v.v, 10));
      if (v.k === 'bool') return n(v.v ? 1 : 0);
      return unknown('int() of an unknown value');
    }
    case 'float': {
      const v = p[0];
      if (v && v.k === 'num' && isNum(v.v)) return { k: 'num', v: v.v, float: true };
      if (v && v.k === 'str' && !isNaN(Number(v.v)))
        return { k: 'num', v: Number(v.v), float: true };
      return unknown('float()');
    }
    case 'bool': {
      const t = p[0] ? truthy(p[0]) : false;
      return t === null ? unknown('bool()') : { k: 'bool', v: t };
    }
    case 'str':
      if (p[0]?.k === 'str') return p[0];
      if (p[0]?.k === 'num' && isNum(p[0].v)) return { k: 'str', v: String(p[0].v) };
      return unknown('str()');
    case 'min':
    case 'max':
    case 'sum': {
      const items = p.length === 1 ? iterate(p[0]) : p;
      if (!items) return unknown(`${name}()`);
      const nums = items.map((v) => numOf(v));
      if (nums.some((x) => x === null || !isNum(x))) {
        if (name === 'sum' && nums.every((x) => x !== null))
          return n((nums as D[]).reduce<D>((acc, x) => add(acc, x), 0));
        return unknown(`${name}() of unknown values`);
      }
      const ns = nums as number[];
      if (name === 'sum') return n(ns.reduce((x, y) => x + y, intOf(p[1]) ?? 0));
      if (ns.length === 0) return unknown(`${name}() of an empty sequence`);
      return n(name === 'min' ? Math.min(...ns) : Math.max(...ns));
    }
    case 'abs': {
      const x = p[0] ? numOf(p[0]) : null;
      return x !== null && isNum(x) ? n(Math.abs(x)) : unknown('abs()');
    }
    case 'round': {
      const x = p[0] ? numOf(p[0]) : null;
      if (x === null || !isNum(x)) return unknown('round()');
      // Python rounds half to even.
      const r = Math.round(x);
      return n(Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : r);
    }
    case 'divmod': {
      const x = p[0] ? intOf(p[0]) : null;
      const y = p[1] ? intOf(p[1]) : null;
      if (x === null || y === null || y === 0) return unknown('divmod()');
      return tup([n(Math.floor(x / y)), n(((x % y) + y) % y)]);
    }
    case 'pow': {
      const x = p[0] ? intOf(p[0]) : null;
      const y = p[1] ? intOf(p[1]) : null;
      return x !== null && y !== null ? n(Math.pow(x, y)) : unknown('pow()');
    }
    case 'isinstance': {
      const v = p[0];
      const t = p[1];
      if (!v || !t) return unknown('isinstance()');
      const r = isInstance(v, t);
      return r === null
        ? unknown('isinstance() of a value the analyser cannot classify')
        : { k: 'bool', v: r };
    }
    case 'hasattr': {
      // True when the analyser knows the attribute (set in __init__, a method); otherwise it cannot
      // tell: nn.Module has many attributes of its own.
      const o = p[0];
      const nm = p[1];
      if (o && nm && nm.k === 'str' && (o.k === 'module' || o.k === 'obj')) {
        const r = it.getAttr(o, nm.v);
        if (r.k !== 'unknown' && !(r.k === 'ext' && r.path.startsWith('module.')))
          return { k: 'bool', v: true };
      }
      return unknown('hasattr() of an attribute the analyser does not know');
    }
    case 'type':
    case 'iter':
    case 'next':
    case 'map':
    case 'any':
    case 'all':
    case 'open':
    case 'format':
      return unknown(`${name}()`);
    case 'getattr': {
      const o = p[0];
      const nm = p[1];
      if (o && nm && nm.k === 'str') {
        const r = it.getAttr(o, nm.v);
        if (r.k === 'unknown' && p[2]) return p[2];
        return r;
      }
      return unknown('getattr()');
    }
    case 'setattr': {
      const o = p[0];
      const nm = p[1];
      if (o && nm && nm.k === 'str' && p[2]) {
        if (o.k === 'module') it.setModuleAttr(o.m, nm.v, p[2]);
        else if (o.k === 'obj') o.attrs.set(nm.v, p[2]);
      }
      return { k: 'none' };
    }
    case 'print':
      return { k: 'none' };
    case 'dict':
    case 'OrderedDict': {
      const d: Value & { k: 'dict' } = { k: 'dict', keys: [], vals: [] };
      const src = p[0];
      if (src) {
        const items =
          src.k === 'dict' ? src.keys.map((k, i) => tup([k, src.vals[i]])) : iterate(src);
        if (!items) return unknown(`${name}() of unknown items`);
        const over = allocate(2 * items.length, `${name}()`);
        if (over) return unknown(over);
        for (const item of items)
          if (item.k === 'seq' && item.items.length === 2) {
            d.keys.push(item.items[0]);
            d.vals.push(item.items[1]);
          }
      }
      for (const [k, v] of a.kw) {
        d.keys.push({ k: 'str', v: k });
        d.vals.push(v);
      }
      return d;
    }
    case 'ValueError':
    case 'TypeError':
    case 'NotImplementedError':
    case 'Exception':
      return unknown('exception');
    case 'super':
      return unknown('super() outside a method');
    default:
      void site;
      return undefined;
  }
}

/** isinstance for the types model code tests: Tensor, Python builtins, nn.Module and the file's classes. */
function isInstance(v: Value, t: Value): boolean | null {
  if (t.k === 'seq') {
    let any: boolean | null = false;
    for (const x of t.items) {
      const r = isInstance(v, x);
      if (r === true) return true;
      if (r === null) any = null;
    }
    return any;
  }
  if (v.k === 'unknown') return null;
  if (t.k === 'ext') {
    const kinds: Record<string, (x: Value) => boolean> = {
      'torch.Tensor': (x) => x.k === 'tensor',
      'builtins.list': (x) => x.k === 'seq' && x.kind === 'list',
      'builtins.tuple': (x) => x.k === 'seq' && x.kind === 'tuple',
      'builtins.int': (x) => x.k === 'num' && !x.float,
      'builtins.float': (x) => x.k === 'num' && !!x.float,
      'builtins.str': (x) => x.k === 'str',
      'builtins.bool': (x) => x.k === 'bool',
      'builtins.dict': (x) => x.k === 'dict',
      'torch.nn.Module': (x) => x.k === 'module',
    };
    const f = kinds[t.path];
    if (f) return f(v);
    const layer = /^torch\.nn\.(\w+)$/.exec(t.path);
    if (layer && v.k === 'module') return v.m.type === layer[1] || v.m.kind === layer[1];
    if (layer) return false;
    return null;
  }
  if (t.k === 'class') {
    const cls = v.k === 'module' ? v.m.cls : v.k === 'obj' ? v.cls : undefined;
    if (!cls)
      return v.k === 'tensor' || v.k === 'num' || v.k === 'str' || v.k === 'seq' ? false : null;
    const derives = (c: typeof cls): boolean =>
      c === t.cls || c.bases.some((b) => b.k === 'class' && derives(b.cls));
    return derives(cls);
  }
  return null;
}

function mathFn(name: string, a: CallArgs): Value | undefined {
  const x = a.pos[0] ? numOf(a.pos[0]) : null;
  if (name === 'prod') {
    const items = a.pos[0] ? iterate(a.pos[0]) : null;
    const nums = items?.map(numOf);
    if (!nums || nums.some((v) => v === null)) return unknown('prod() of unknown values');
    return n(product(nums as D[]));
  }
  if (name === 'pi') return { k: 'num', v: Math.PI, float: true };
  if (x === null || !isNum(x)) return unknown(`math.${name}() of an unknown value`);
  switch (name) {
    case 'sqrt':
      return { k: 'num', v: Math.sqrt(x), float: true };
    case 'floor':
      return n(Math.floor(x));
    case 'ceil':
      return n(Math.ceil(x));
    case 'log2':
      return { k: 'num', v: Math.log2(x), float: true };
    case 'log':
      return { k: 'num', v: Math.log(x), float: true };
    case 'exp':
      return { k: 'num', v: Math.exp(x), float: true };
    case 'pow': {
      const y = a.pos[1] ? numOf(a.pos[1]) : null;
      return y !== null && isNum(y)
        ? { k: 'num', v: Math.pow(x, y), float: true }
        : unknown('pow()');
    }
    default:
      return unknown(`math.${name}()`);
  }
}

function containerMethod(path: string, self: Value | null, a: CallArgs): Value | undefined {
  if (!self) return undefined;
  const name = path.slice(path.indexOf('.') + 1);
  if (self.k === 'seq') {
    if (name === 'append' && a.pos[0]) {
      self.items.push(a.pos[0]);
      return { k: 'none' };
    }
    if (name === 'extend' && a.pos[0]) {
      const items = iterate(a.pos[0]);
      const over = items && allocate(items.length, 'list.extend()');
      // A loop rather than push(...items), whose argument list overflows the stack on long lists.
      if (items && !over) for (let i = 0; i < items.length; i++) self.items.push(items[i]);
      else self.items.push(unknown(over || 'extended with an unknown iterable'));
      return { k: 'none' };
    }
    if (name === 'insert' && a.pos[1]) {
      const i = intOf(a.pos[0]);
      if (i !== null) self.items.splice(i < 0 ? self.items.length + i : i, 0, a.pos[1]);
      return { k: 'none' };
    }
    if (name === 'pop') {
      const i = a.pos[0] ? intOf(a.pos[0]) : -1;
      if (i === null || self.items.length === 0) return unknown('pop()');
      return self.items.splice(i < 0 ? self.items.length + i : i, 1)[0] ?? unknown('pop()');
    }
    if (name === 'index' || name === 'count') return unknown(`list.${name}()`);
  }
  if (self.k === 'dict') {
    const over =
      (name === 'items' || name === 'keys' || name === 'values') &&
      allocate((name === 'items' ? 3 : 1) * self.keys.length, `dict.${name}()`);
    if (over) return unknown(over);
    if (name === 'items')
      return { k: 'seq', kind: 'list', items: self.keys.map((k, i) => tup([k, self.vals[i]])) };
    if (name === 'keys') return { k: 'seq', kind: 'list', items: [...self.keys] };
    if (name === 'values') return { k: 'seq', kind: 'list', items: [...self.vals] };
    if (name === 'get') {
      const i = a.pos[0]
        ? self.keys.findIndex((k) => k.k === 'str' && a.pos[0].k === 'str' && k.v === a.pos[0].v)
        : -1;
      return i >= 0 ? self.vals[i] : (a.pos[1] ?? { k: 'none' });
    }
    if ((name === 'pop' || name === 'setdefault') && a.pos[0]) {
      const key = a.pos[0];
      let i = -1;
      for (let j = 0; j < self.keys.length; j++) {
        const eq = valueEq(self.keys[j], key);
        if (eq === null) return undefined;
        if (eq) i = j;
      }
      if (i >= 0) {
        const v = self.vals[i];
        if (name === 'pop') {
          self.keys.splice(i, 1);
          self.vals.splice(i, 1);
        }
        return v;
      }
      const dflt = a.pos[1] ?? (name === 'setdefault' ? { k: 'none' } : undefined);
      if (!dflt) return unknown(`dict.pop() of a missing key raises KeyError`);
      if (name === 'setdefault') {
        self.keys.push(key);
        self.vals.push(dflt);
      }
      return dflt;
    }
    if (name === 'update') {
      const d = a.pos[0];
      if (d && d.k !== 'dict') return undefined;
      const pairs: [Value, Value][] = d ? d.keys.map((k, i) => [k, d.vals[i]]) : [];
      for (const [k, v] of a.kw) pairs.push([{ k: 'str', v: k }, v]);
      for (const [k, v] of pairs) {
        const j = self.keys.findIndex((x) => valueEq(x, k) === true);
        if (j >= 0) self.vals[j] = v;
        else {
          self.keys.push(k);
          self.vals.push(v);
        }
      }
      return { k: 'none' };
    }
  }
  if (self.k === 'str') {
    if (name === 'format') {
      let i = 0;
      let ok = true;
      const v = self.v.replace(/\{([^{}]*)\}/g, (_m, key: string) => {
        const val =
          key === '' ? a.pos[i++] : /^\d+$/.test(key) ? a.pos[Number(key)] : a.kw.get(key);
        if (val && val.k === 'num' && isNum(val.v)) return String(val.v);
        if (val && val.k === 'str') return val.v;
        ok = false;
        return '';
      });
      const over = ok && allocate(v.length, 'str.format()');
      if (over) return unknown(over);
      return ok ? { k: 'str', v } : unknown('str.format()');
    }
    const over = (name === 'lower' || name === 'upper') && allocate(self.v.length, `str.${name}()`);
    if (over) return unknown(over);
    if (name === 'lower') return { k: 'str', v: self.v.toLowerCase() };
    if (name === 'upper') return { k: 'str', v: self.v.toUpperCase() };
    if ((name === 'startswith' || name === 'endswith') && a.pos.length === 1 && !a.kw.size) {
      // torchvision's builders branch on their architecture's name: `arch.startswith("efficientnet_b")`.
      const p = a.pos[0];
      const options = p.k === 'str' ? [p] : p.k === 'seq' && p.kind === 'tuple' ? p.items : [];
      if (options.length && options.every((o) => o.k === 'str'))
        return {
          k: 'bool',
          v: options.some((o) =>
            name === 'startswith'
              ? self.v.startsWith((o as { v: string }).v)
              : self.v.endsWith((o as { v: string }).v),
          ),
        };
    }
  }
  return unknown(`${path}()`);
}

// ───────────── tensors ─────────────

function creation(name: string, a: CallArgs): Value | null {
  switch (name) {
    case 'randn':
    case 'rand':
    case 'zeros':
    case 'ones':
    case 'empty': {
      const size = a.kw.get('size');
      const s = sizeArgs(size ? [size] : a.pos);
      return s ? T(s) : U(`torch.${name}() with a size the analyser cannot evaluate`);
    }
    case 'full': {
      const s = a.pos[0] ? sizeArgs([a.pos[0]]) : null;
      return s ? T(s) : U('torch.full() size unknown');
    }
    case 'randint': {
      const size = a.kw.get('size') ?? a.pos[a.pos.length - 1];
      const s = size && size.k === 'seq' ? sizeArgs([size]) : null;
      return s ? T(s) : U('torch.randint() size unknown');
    }
    case 'arange': {
      const ints = a.pos.map(intOf);
      if (ints.some((x) => x === null) || ints.length === 0)
        return U('torch.arange() bounds unknown');
      const [start, end, step] =
        ints.length === 1
          ? [0, ints[0] as number, 1]
          : [ints[0] as number, ints[1] as number, (ints[2] ?? 1) as number];
      return T([Math.max(0, Math.ceil((end - start) / step))]);
    }
    case 'eye': {
      const r = intOf(a.pos[0]);
      const c = a.pos[1] ? intOf(a.pos[1]) : r;
      return r !== null && c !== null ? T([r, c]) : U('torch.eye() size unknown');
    }
    case 'linspace':
    case 'logspace': {
      const steps = intOf(arg(a, 2, 'steps'));
      return steps !== null ? T([steps]) : U('steps unknown');
    }
    case 'tensor':
    case 'Tensor':
    case 'FloatTensor':
    case 'LongTensor':
    case 'as_tensor':
    case 'from_numpy': {
      const v = a.pos[0];
      if (!v) return U('empty tensor');
      if (v.k === 'tensor') return v;
      if (
        (name === 'Tensor' || name === 'FloatTensor' || name === 'LongTensor') &&
        a.pos.every((x) => x.k === 'num')
      )
        return T(a.pos.map((x) => (x as { v: D }).v));
      const shape: D[] = [];
      let cur: Value = v;
      while (cur.k === 'seq') {
        shape.push(cur.items.length);
        if (cur.items.length === 0) break;
        cur = cur.items[0];
      }
      if (cur.k !== 'num' && cur.k !== 'bool' && !(cur.k === 'seq'))
        return U('tensor data the analyser cannot read');
      return T(shape);
    }
    case 'zeros_like':
    case 'ones_like':
    case 'randn_like':
    case 'rand_like':
    case 'empty_like':
    case 'full_like': {
      const x = a.pos[0];
      return x && x.k === 'tensor' ? x : U(`torch.${name}() of an unknown value`);
    }
    default:
      return null;
  }
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
      return s ? T([...s].reverse()) : self;
    case 'mT':
    case 'mH':
      // The last two dimensions swapped (batched matrix transpose).
      if (!s) return self;
      return s.length >= 2
        ? T([...s.slice(0, -2), s[s.length - 1], s[s.length - 2]])
        : unknown(`tensor.${name} needs at least 2 dimensions`);
    case 'data':
    case 'real':
      return self;
    case 'dtype':
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

function joinOp(it: Evaluator, name: string, a: CallArgs, site: Span): Value {
  const list = arg(a, 0, 'tensors');
  const items = list ? iterate(list) : null;
  const dimV = arg(a, 1, 'dim');
  const dim = dimV ? intOf(dimV) : 0;
  if (!items) return U(`torch.${name}() of tensors the analyser cannot enumerate`);
  const shapes: D[][] = [];
  for (const v of items) {
    if (v.k !== 'tensor' || !v.shape)
      return record(
        it,
        'torch.' + name,
        U('x'),
        items,
        U(v.k === 'tensor' ? (v.why ?? 'shape unknown') : 'not a tensor'),
        site,
      );
    shapes.push(v.shape);
  }
  if (dim === null) return U('dim unknown');
  let r: S.ShapeOr;
  if (name === 'stack') r = S.stack(shapes, dim);
  else if (name === 'hstack') r = S.cat(shapes, shapes[0]?.length === 1 ? 0 : 1);
  else if (name === 'vstack')
    r = S.cat(
      shapes.map((s) => (s.length === 1 ? [1, ...s] : s)),
      0,
    );
  else r = S.cat(shapes, dim);
  const out = fromShapeOr(it, r, `torch.${name}`, site, 'cat-mismatch');
  return record(it, 'torch.' + name, items[0] as TensorV, items, out, site);
}

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

function tensorFn(
  it: Evaluator,
  name: string,
  x: TensorV,
  a: CallArgs,
  site: Span,
  label: string,
): Value | undefined {
  const s = x.shape;
  const p = a.pos;
  const show = (out: Value): Value => record(it, label, x, [x, ...p], out, site);
  const need = (): TensorV | null => (s ? null : U(x.why ?? 'shape unknown'));
  switch (name) {
    case 'size': {
      if (!s) return unknown(x.why ?? 'shape unknown');
      const dv = arg(a, 0, 'dim');
      if (!dv) return tup(s.map((d) => n(d)));
      const d = intOf(dv);
      const nd = d === null ? null : normDim(d, s.length);
      return nd === null ? unknown('size() dim out of range') : n(s[nd]);
    }
    case 'dim':
    case 'ndimension':
      return s ? n(s.length) : unknown(x.why ?? 'shape unknown');
    case 'numel':
    case 'nelement':
      return s ? n(product(s)) : unknown(x.why ?? 'shape unknown');
    case 'item':
    case 'tolist':
    case 'numpy':
      return unknown('tensor value');
    case 'view':
    case 'reshape': {
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
    case 'view_as':
    case 'reshape_as':
    case 'expand_as':
    case 'type_as': {
      const o = p[0];
      if (name === 'type_as') return x;
      return show(o && o.k === 'tensor' ? o : U('target shape unknown'));
    }
    case 'flatten': {
      if (!s) return show(U(x.why ?? 'shape unknown'));
      const st = intOf(arg(a, 0, 'start_dim') ?? n(0));
      const en = intOf(arg(a, 1, 'end_dim') ?? n(-1));
      if (st === null || en === null) return show(U('flatten dims unknown'));
      return show(fromShapeOr(it, S.flatten(s, st, en), label, site, 'flatten-dims'));
    }
    case 'unflatten': {
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
    case 'permute': {
      if (!s) return show(U(x.why ?? 'shape unknown'));
      const order =
        p.length === 1
          ? intList(p[0])
          : intList(tup(p.length ? p : a.kw.get('dims') ? [a.kw.get('dims') as Value] : []));
      const ord = p.length === 0 && a.kw.get('dims') ? intList(a.kw.get('dims')) : order;
      if (!ord) return show(U('permute order unknown'));
      return show(fromShapeOr(it, S.permute(s, ord), label, site, 'permute-dims'));
    }
    case 'transpose':
    case 'swapaxes':
    case 'swapdims': {
      if (!s) return show(U(x.why ?? 'shape unknown'));
      const d0 = intOf(arg(a, 0, 'dim0'));
      const d1 = intOf(arg(a, 1, 'dim1'));
      if (d0 === null || d1 === null) return show(U('transpose dims unknown'));
      return show(fromShapeOr(it, S.transpose(s, d0, d1), label, site, 'transpose-dims'));
    }
    case 't':
      if (!s) return show(U(x.why ?? 'shape unknown'));
      return show(s.length < 2 ? x : T([s[1], s[0]]));
    case 'unsqueeze':
    case 'unsqueeze_': {
      if (!s) return show(U(x.why ?? 'shape unknown'));
      const d = intOf(arg(a, 0, 'dim'));
      if (d === null) return show(U('unsqueeze dim unknown'));
      return show(fromShapeOr(it, S.unsqueeze(s, d), label, site, 'unsqueeze-dim'));
    }
    case 'squeeze': {
      if (!s) return show(U(x.why ?? 'shape unknown'));
      const dv = arg(a, 0, 'dim');
      const dims = dv ? intList(dv) : null;
      if (dv && !dims) return show(U('squeeze dim unknown'));
      return show(fromShapeOr(it, S.squeeze(s, dims), label, site, 'squeeze-dim'));
    }
    case 'expand': {
      if (!s) return show(U(x.why ?? 'shape unknown'));
      const target = sizeArgs(p);
      if (!target) return show(U('expand size unknown'));
      const off = target.length - s.length;
      return show(T(target.map((d, i) => (d === -1 ? s[i - off] : d))));
    }
    case 'repeat': {
      if (!s) return show(U(x.why ?? 'shape unknown'));
      const reps = sizeArgs(p);
      if (!reps || reps.length < s.length) return show(U('repeat sizes unknown'));
      const padded = [...Array(reps.length - s.length).fill(1), ...s] as D[];
      return show(T(padded.map((d, i) => mul(d, reps[i]))));
    }
    case 'split':
    case 'chunk': {
      if (!s) return U(x.why ?? 'shape unknown');
      const k = intOf(arg(a, 0, name === 'split' ? 'split_size_or_sections' : 'chunks'));
      const d = intOf(arg(a, 1, 'dim') ?? n(0));
      const nd = d === null ? null : normDim(d, s.length);
      const size = nd === null ? null : s[nd];
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
    case 'unbind': {
      if (!s) return unknown(x.why ?? 'shape unknown');
      const d = intOf(arg(a, 0, 'dim') ?? n(0));
      const nd = d === null ? null : normDim(d, s.length);
      if (nd === null || !isNum(s[nd])) return unknown('unbind sizes unknown');
      const over = allocate(s[nd] as number, 'unbind()');
      if (over) return unknown(over);
      return tup(Array.from({ length: s[nd] as number }, () => T(s.filter((_, i) => i !== nd))));
    }
    case 'max':
    case 'min':
    case 'median':
    case 'mode': {
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
    case 'topk': {
      if (!s) return U(x.why ?? 'shape unknown');
      const k = intOf(arg(a, 0, 'k'));
      const d = intOf(arg(a, 1, 'dim') ?? n(-1));
      const nd = d === null ? null : normDim(d, s.length);
      if (k === null || nd === null) return unknown('topk arguments unknown');
      const sh = [...s];
      sh[nd] = k;
      return tup([T(sh), T(sh)]);
    }
    case 'matmul':
    case 'mm':
    case 'spmm':
    case 'bmm': {
      const o = p[0];
      if (!s || !o || o.k !== 'tensor' || !o.shape) return show(U('matmul with an unknown shape'));
      return show(fromShapeOr(it, S.matmul(s, o.shape), label, site, 'matmul-mismatch'));
    }
    case 'new_zeros':
    case 'new_ones':
    case 'new_empty':
    case 'new_full': {
      const sz = p[0] ? sizeArgs([p[0]]) : null;
      return sz ? T(sz) : U('size unknown');
    }
    default:
      break;
  }
  if (REDUCE.has(name)) {
    if (!s) return show(U(x.why ?? 'shape unknown'));
    const dv = arg(a, 0, 'dim');
    const keep = truthy(arg(a, 1, 'keepdim') ?? { k: 'bool', v: false }) ?? false;
    if (!dv || dv.k === 'none') return show(T(keep ? s.map(() => 1) : []));
    const dims = intList(dv);
    if (!dims) return show(U('reduction dims unknown'));
    return show(fromShapeOr(it, S.reduce(s, dims, keep), label, site, 'reduce-dim'));
  }
  if (BINARY.has(name)) {
    const o = p[0] ?? a.kw.get('other');
    if (name === 'where') return x;
    if (!o) return x;
    return show(binop(it, noArgs([x, o, { k: 'str', v: '+' }]), site));
  }
  if (SAME.has(name)) {
    const out = need() ?? x;
    return record(it, label, x, [x, ...p], out, site, true, funcConfig(name, a));
  }
  return undefined;
}

function functional(it: Evaluator, name: string, a: CallArgs, site: Span): Value | undefined {
  const x0 = a.pos[0] ?? a.kw.get('input');
  const label = 'F.' + name;
  const x: TensorV =
    x0 && x0.k === 'tensor' ? x0 : U(x0 && x0.k === 'unknown' ? x0.why : `${label}: input unknown`);
  const rest: CallArgs = {
    pos: a.pos.slice(1),
    kw: a.kw,
    posArgs: a.posArgs.slice(1),
    kwArgs: a.kwArgs,
  };
  const ruleName = FUNCTIONAL_RULES[name];
  if (ruleName) {
    const rule = LAYERS.get(ruleName);
    if (!rule) return undefined;
    const mv = it.buildLeaf(rule, rest, site);
    if (mv.k !== 'module') return undefined;
    // The forward call gets the input and whatever the signature does not take (most calls: the input alone).
    const pos = rest.pos.length > rule.sig.length ? [x, ...rest.pos.slice(rule.sig.length)] : [x];
    const kw = a.kw.size
      ? new Map([...a.kw].filter(([k]) => !rule.sig.some((sg) => sg[0] === k)))
      : undefined;
    return it.applyLeaf(mv.m, noArgs(pos, kw), site, label);
  }
  switch (name) {
    case 'interpolate':
    case 'upsample':
    case 'upsample_nearest':
    case 'upsample_bilinear': {
      const rule = LAYERS.get('Upsample');
      if (!rule) return undefined;
      const mv = it.buildLeaf(rule, rest, site);
      if (mv.k !== 'module') return undefined;
      return it.applyLeaf(mv.m, noArgs([x]), site, label);
    }
    case 'pad': {
      const pads = intList(arg(rest, 0, 'pad'));
      if (!x.shape) return record(it, label, x, [x], U(x.why ?? 'shape unknown'), site);
      if (!pads) return record(it, label, x, [x], U('pad sizes unknown'), site);
      const out = [...x.shape];
      for (let i = 0; i * 2 < pads.length; i++) {
        const d = out.length - 1 - i;
        if (d < 0) break;
        out[d] = add(out[d], pads[2 * i] + (pads[2 * i + 1] ?? 0));
      }
      return record(it, label, x, [x], T(out), site);
    }
    case 'linear': {
      const w = arg(rest, 0, 'weight');
      if (!x.shape || !w || w.k !== 'tensor' || !w.shape || w.shape.length !== 2)
        return record(it, label, x, [x], U('F.linear weight shape unknown'), site);
      return record(
        it,
        label,
        x,
        [x],
        fromShapeOr(
          it,
          S.matmul(x.shape, [w.shape[1], w.shape[0]]),
          label,
          site,
          'linear-in-features',
        ),
        site,
      );
    }
    case 'one_hot': {
      const k = intOf(arg(rest, 0, 'num_classes'));
      if (!x.shape || k === null || k < 0)
        return record(it, label, x, [x], U('one_hot classes unknown'), site);
      return record(it, label, x, [x], T([...x.shape, k]), site);
    }
    case 'embedding': {
      const w = arg(rest, 0, 'weight');
      if (!x.shape || !w || w.k !== 'tensor' || !w.shape)
        return record(it, label, x, [x], U('embedding weight unknown'), site);
      return record(it, label, x, [x], T([...x.shape, w.shape[w.shape.length - 1]]), site);
    }
    case 'flatten':
      return undefined;
    default:
      break;
  }
  if (SAME.has(name) || name.endsWith('_')) {
    return record(
      it,
      label,
      x,
      [x],
      x.shape ? x : U(x.why ?? 'shape unknown'),
      site,
      true,
      funcConfig(name, rest),
    );
  }
  if (
    name === 'cross_entropy' ||
    name === 'nll_loss' ||
    name === 'mse_loss' ||
    name === 'binary_cross_entropy' ||
    name === 'l1_loss'
  )
    return T([]);
  void displayPath;
  void sym;
  return undefined;
}
