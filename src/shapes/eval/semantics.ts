// Python semantics on abstract values: truthiness, iteration, equality, arithmetic, slices, and the
// sanity check that keeps a size PyTorch could never have from being shown.
import { type D, add, dimToString, floorDiv, isNum, knownEqual, mul, sub } from '../library/dims';
import { shapeStr } from '../library/layers/util';
import type { ConfigValue } from '../types';
import { allocate, spend } from './budget';
import { mergeSources } from './dataflow';
import { dtypeOfValue } from './dtype';
import { displayPath, torchBase } from './names';
import { type TensorV, type Value, modValue, none, unknown } from './values';
import { dataOf } from './tensorData';

export function badDims(shape: D[]): boolean {
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d === 'number' && (d < 0 || !Number.isInteger(d))) return true;
  }
  return false;
}

/**
 * True when saneValue would return `v` itself: checked first so the common case builds neither the
 * message nor a closure for it. (A sequence is always rebuilt by saneValue, so it is never "sane" here.)
 */
export function isSane(v: Value): boolean {
  return v.k === 'tensor' ? !v.shape || !badDims(v.shape) : v.k !== 'seq';
}

/** A tensor whose shape has a negative or fractional size is reported as unknown, never shown. */
export function saneValue(v: Value, why: string | (() => string)): Value {
  if (v.k === 'tensor')
    return v.shape && badDims(v.shape)
      ? { k: 'tensor', shape: null, why: typeof why === 'string' ? why : why() }
      : v;
  if (v.k === 'seq') {
    spend(v.items.length);
    return { ...v, items: v.items.map((x) => saneValue(x, why)) };
  }
  return v;
}

export const BUILTINS = new Set([
  'range',
  'len',
  'list',
  'tuple',
  'enumerate',
  'zip',
  'int',
  'float',
  'min',
  'max',
  'sum',
  'abs',
  'isinstance',
  'super',
  'print',
  'getattr',
  'setattr',
  'hasattr',
  'reversed',
  'sorted',
  'dict',
  'str',
  'round',
  'bool',
  'iter',
  'next',
  'map',
  'any',
  'all',
  'OrderedDict',
  'divmod',
  'pow',
  'type',
  'ValueError',
  'TypeError',
  'NotImplementedError',
  'Exception',
  'open',
  'format',
  'set',
  'frozenset',
]);

export function iterate(v: Value): Value[] | null {
  if (v.k === 'seq') return v.items;
  if (v.k === 'dict') return v.keys;
  // Values made here are new elements: charged to the budget, and not made at all past it (null:
  // the loop or call over them then treats the iterable as unknown).
  if (v.k === 'str')
    return allocate(v.v.length, 'a string')
      ? null
      : [...v.v].map((c) => ({ k: 'str', v: c }) as Value);
  const base = v.k === 'module' && v.m.kind === 'user' && v.m.cls ? torchBase(v.m.cls) : null;
  if (v.k === 'module' && v.m.opaque) return null;
  if (v.k === 'module') spend(v.m.children.size >> 4);
  if (
    v.k === 'module' &&
    (v.m.kind === 'ModuleList' ||
      v.m.kind === 'Sequential' ||
      base === 'Sequential' ||
      base === 'ModuleList')
  )
    return [...v.m.children.values()].map(modValue);
  if (v.k === 'module' && (v.m.kind === 'ModuleDict' || base === 'ModuleDict'))
    return [...v.m.children.keys()].map((s) => ({ k: 'str', v: s }) as Value);
  if (
    v.k === 'tensor' &&
    v.shape &&
    isNum(v.shape[0]) &&
    v.shape[0] >= 0 &&
    v.shape[0] <= 4096 &&
    !allocate(v.shape[0], 'a tensor unpacked along its first dimension')
  )
    return Array.from(
      { length: v.shape[0] },
      () => ({ k: 'tensor', shape: (v.shape as D[]).slice(1) }) as Value,
    );
  return null;
}

export function truthy(v: Value): boolean | null {
  switch (v.k) {
    case 'bool':
      return v.v;
    case 'num':
      return isNum(v.v) ? v.v !== 0 : null;
    case 'str':
      return v.v.length > 0;
    case 'none':
      return false;
    case 'seq':
      return v.items.length > 0;
    case 'dict':
      return v.keys.length > 0;
    case 'module':
    case 'func':
    case 'class':
    case 'obj':
      return true;
    default:
      return null;
  }
}

export function numOf(v: Value): D | null {
  if (v.k === 'num') return v.v;
  if (v.k === 'bool') return v.v ? 1 : 0;
  return null;
}

export function valueEq(a: Value, b: Value): boolean | null {
  if (a.k === 'unknown' || b.k === 'unknown' || a.k === 'tensor' || b.k === 'tensor') return null;
  const x = numOf(a);
  const y = numOf(b);
  if (x !== null && y !== null) {
    const d = sub(x, y);
    return isNum(d) ? d === 0 : null;
  }
  if (a.k === 'str' && b.k === 'str') return a.v === b.v;
  if (a.k === 'none' || b.k === 'none') return a.k === b.k;
  if (a.k === 'seq' && b.k === 'seq') {
    if (a.items.length !== b.items.length) return false;
    // Charged: a list can hold itself many times over (x = [x, x] in a loop), so a deep comparison
    // may visit exponentially many items.
    spend(a.items.length);
    let all: boolean | null = true;
    for (let i = 0; i < a.items.length; i++) {
      const e = valueEq(a.items[i], b.items[i]);
      if (e === false) return false;
      if (e === null) all = null;
    }
    return all;
  }
  if (a.k === 'module' && b.k === 'module') return a.m === b.m;
  if (a.k === 'ext' && b.k === 'ext' && !a.self && !b.self) {
    // torch.float is torch.float32 (and x.dtype names the latter).
    const da = dtypeOfValue(a);
    const db = dtypeOfValue(b);
    return da && db ? da === db : a.path === b.path;
  }
  if (a.k === 'class' && b.k === 'class') return a.cls === b.cls;
  // An external name the analyser did not resolve (`from cfg import STOP`, a module attribute it
  // does not know) may hold any value; torch's and Python's own objects are none of the others.
  if ((a.k === 'ext' && !knownExt(a)) || (b.k === 'ext' && !knownExt(b))) return null;
  if (a.k !== b.k) return false;
  return null;
}

function knownExt(v: Value & { k: 'ext' }): boolean {
  return !v.self && /^(?:torch|builtins|math|numpy|typing|collections|functools)\./.test(v.path);
}

export function dictSet(d: Value & { k: 'dict' }, k: Value, v: Value): void {
  // A linear scan per key: building a dict of n keys is O(n²), so the scans are charged.
  spend(d.keys.length >> 2);
  const i = d.keys.findIndex((x) => valueEq(x, k) === true);
  if (i >= 0) d.vals[i] = v;
  else {
    d.keys.push(k);
    d.vals.push(v);
  }
}

export function dictGet(d: Value & { k: 'dict' }, k: Value): Value | null {
  spend(d.keys.length >> 2);
  const i = d.keys.findIndex((x) => valueEq(x, k) === true);
  return i >= 0 ? d.vals[i] : null;
}

export function sliceIndices(
  n: number,
  it: { lo: D | null | undefined; hi: D | null | undefined; step: D | null | undefined },
  countOnly: true,
): number | null;
export function sliceIndices(
  n: number,
  it: { lo: D | null | undefined; hi: D | null | undefined; step: D | null | undefined },
  countOnly: false,
): number[] | null;
export function sliceIndices(
  n: number,
  it: { lo: D | null | undefined; hi: D | null | undefined; step: D | null | undefined },
  countOnly: boolean,
): number[] | number | null {
  if (it.lo === null || it.hi === null || it.step === null) return null;
  if (
    (it.lo !== undefined && !isNum(it.lo)) ||
    (it.hi !== undefined && !isNum(it.hi)) ||
    (it.step !== undefined && !isNum(it.step))
  )
    return null;
  const step = (it.step as number | undefined) ?? 1;
  if (step === 0) return null;
  const norm = (x: number): number => {
    const v = x < 0 ? x + n : x;
    return step > 0 ? Math.min(Math.max(v, 0), n) : Math.min(Math.max(v, -1), n - 1);
  };
  const lo = it.lo === undefined ? (step > 0 ? 0 : n - 1) : norm(it.lo as number);
  const hi = it.hi === undefined ? (step > 0 ? n : -1) : norm(it.hi as number);
  // Counted first: a tensor dimension may be 10**9, and only the count is wanted there (sliceLength).
  const count =
    step > 0 ? Math.max(0, Math.ceil((hi - lo) / step)) : Math.max(0, Math.ceil((lo - hi) / -step));
  if (countOnly) return count;
  const out: number[] = [];
  if (step > 0) for (let i = lo; i < hi; i += step) out.push(i);
  else for (let i = lo; i > hi; i += step) out.push(i);
  return out;
}

/** How many indices a slice of a sequence of length n selects, without listing them. */
export function sliceLength(
  n: number,
  it: { lo: D | null | undefined; hi: D | null | undefined; step: D | null | undefined },
): number | null {
  return sliceIndices(n, it, true);
}

export function sliceRange(
  n: number,
  it: { lo: D | null | undefined; hi: D | null | undefined; step: D | null | undefined },
): number[] | null {
  return sliceIndices(n, it, false);
}

export function arith(op: string, a: D, b: D, float: boolean): Value {
  const both = isNum(a) && isNum(b);
  switch (op) {
    case '+':
      return { k: 'num', v: add(a, b), float };
    case '-':
      return { k: 'num', v: sub(a, b), float };
    case '*':
      return { k: 'num', v: mul(a, b), float };
    case '/':
      if (both) return { k: 'num', v: (a as number) / (b as number), float: true };
      return unknown('true division of a symbolic size');
    case '//': {
      if (both)
        return (b as number) === 0
          ? unknown('division by zero')
          : { k: 'num', v: Math.floor((a as number) / (b as number)), float };
      if (isNum(b) && Number.isInteger(b) && b > 0) {
        const r = floorDiv(a, b);
        return r === null ? unknown('floor division') : { k: 'num', v: r };
      }
      return unknown('floor division of symbolic sizes');
    }
    case '%':
      if (both)
        return (b as number) === 0
          ? unknown('modulo by zero')
          : {
              k: 'num',
              v: (((a as number) % (b as number)) + (b as number)) % (b as number),
              float,
            };
      return unknown('modulo of a symbolic size');
    case '**':
      if (both)
        return {
          k: 'num',
          v: Math.pow(a as number, b as number),
          float: float || (b as number) < 0,
        };
      return unknown('power of a symbolic size');
    case '<<':
      return both ? { k: 'num', v: (a as number) << (b as number) } : unknown('shift');
    case '>>':
      return both ? { k: 'num', v: (a as number) >> (b as number) } : unknown('shift');
    case '&':
      return both ? { k: 'num', v: (a as number) & (b as number) } : unknown('bitwise and');
    case '|':
      return both ? { k: 'num', v: (a as number) | (b as number) } : unknown('bitwise or');
    case '^':
      return both ? { k: 'num', v: (a as number) ^ (b as number) } : unknown('bitwise xor');
    default:
      return unknown(`operator ${op}`);
  }
}

/** `list * n` and `tuple * n`, charged to the budget before anything is allocated. */
export function repeatSeq(l: Value & { k: 'seq' }, n: number): Value {
  if (!Number.isInteger(n)) return unknown(`can't multiply a sequence by a non-integer`);
  const times = l.items.length === 0 ? 0 : Math.max(0, n);
  const over = allocate(l.items.length * times, `a repeated ${l.kind}`);
  if (over) return unknown(over);
  const items: Value[] = [];
  for (let t = 0; t < times; t++) for (let i = 0; i < l.items.length; i++) items.push(l.items[i]);
  return { k: 'seq', kind: l.kind, items };
}

export function strBin(op: string, l: Value, r: Value): Value {
  if (op === '+' && l.k === 'str' && r.k === 'str') {
    const over = allocate(l.v.length + r.v.length, 'a string concatenation');
    return over ? unknown(over) : { k: 'str', v: l.v + r.v };
  }
  if (op === '*' && l.k === 'str' && r.k === 'num' && isNum(r.v) && Number.isInteger(r.v)) {
    const times = Math.max(0, r.v);
    const over = allocate(l.v.length * times, 'a repeated string');
    return over ? unknown(over) : { k: 'str', v: l.v.repeat(times) };
  }
  if (op === '%' && l.k === 'str') {
    const args = r.k === 'seq' ? r.items : [r];
    // At most the format and every string argument once each (`'%s%s' % (s, s)` doubles s).
    const over = allocate(
      args.reduce((acc, a) => acc + (a.k === 'str' ? a.v.length : 24), l.v.length),
      'a formatted string',
    );
    if (over) return unknown(over);
    let i = 0;
    let ok = true;
    const v = l.v.replace(/%[-+ 0#]*\d*(?:\.\d+)?([dsifr%])/g, (m, c: string) => {
      if (c === '%') return '%';
      const a = args[i++];
      if (!a) {
        ok = false;
        return m;
      }
      if (a.k === 'num' && isNum(a.v))
        return c === 'd' || c === 'i' ? String(Math.trunc(a.v)) : String(a.v);
      if (a.k === 'str') return a.v;
      ok = false;
      return m;
    });
    return ok ? { k: 'str', v } : unknown('string formatting');
  }
  return unknown('string operation');
}

/** Evaluated argument → JSON-able config value; undefined when it is not a constant. */
export function toConfig(v: Value): ConfigValue | undefined {
  switch (v.k) {
    case 'num':
      return isNum(v.v) ? v.v : undefined;
    case 'str':
      return v.v;
    case 'bool':
      return v.v;
    case 'none':
      return null;
    case 'seq': {
      const items = v.items.map(toConfig);
      return items.some((i) => i === undefined) ? undefined : (items as ConfigValue[]);
    }
    case 'ext':
      // Activation classes passed as arguments (activation=nn.ReLU) and F.relu keep their name.
      return displayPath(v.path);
    case 'module':
      return v.m.type;
    default:
      return undefined;
  }
}

export function fromConfig(c: ConfigValue): Value {
  if (typeof c === 'number') return { k: 'num', v: c, float: !Number.isInteger(c) };
  if (typeof c === 'string') return { k: 'str', v: c };
  if (typeof c === 'boolean') return { k: 'bool', v: c };
  if (c === null) return none;
  return { k: 'seq', kind: 'tuple', items: c.map(fromConfig) };
}

/**
 * What a variable holds after two paths that may each have run: the value when both agree (tensors of
 * equal shape, equal constants, the same object), else unknown with `why`.
 */
export function mergeValues(a: Value, b: Value, why: string): Value {
  if (a === b) return a;
  if (a.k === 'tensor' && b.k === 'tensor') {
    if (!a.shape || !b.shape) return { k: 'tensor', shape: null, why: a.why ?? b.why ?? why };
    if (a.shape.length !== b.shape.length)
      return {
        k: 'tensor',
        shape: null,
        why: `rank ${why}: ${shapeStr(a.shape)} or ${shapeStr(b.shape)}`,
      };
    for (let i = 0; i < a.shape.length; i++) {
      if (knownEqual(a.shape[i], b.shape[i]) !== true)
        return {
          k: 'tensor',
          shape: null,
          why: `shape ${why}: ${shapeStr(a.shape)} or ${shapeStr(b.shape)}`,
        };
    }
    // Same shape either way; the data may come from either branch's producers.
    if (a.src && b.src && a.srcTrace === b.srcTrace)
      return { ...a, src: mergeSources(a.src, b.src) };
    // A copy has no known values (tensorData.ts): either branch's may be the ones.
    return dataOf(a) ? { ...a } : a;
  }
  if (a.k === 'seq' && b.k === 'seq' && a.kind === b.kind && a.items.length === b.items.length) {
    spend(a.items.length);
    return {
      k: 'seq',
      kind: a.kind,
      items: a.items.map((x, i) => mergeValues(x, b.items[i], why)),
    };
  }
  if (
    a.k === 'dict' &&
    b.k === 'dict' &&
    a.keys.length === b.keys.length &&
    a.keys.every((k, i) => valueEq(k, b.keys[i]) === true)
  ) {
    return { k: 'dict', keys: a.keys, vals: a.vals.map((x, i) => mergeValues(x, b.vals[i], why)) };
  }
  if (a.k === 'unknown') return a;
  if (b.k === 'unknown') return b;
  if (a.k !== 'tensor' && b.k !== 'tensor' && valueEq(a, b) === true) return a;
  return unknown(`value ${why}`);
}

/** Python's comparison operators, a constant rather than a list literal built on every binop. */
export const COMPARISONS: ReadonlySet<string> = new Set(['==', '!=', '<', '>', '<=', '>=']);

/**
 * Every tensor a value holds, in order. A dict's values count in insertion order, as a model that
 * returns `OrderedDict(out=..., aux=...)` (torchvision's segmentation models) gives them.
 */
export function flattenTensors(v: Value): TensorV[] {
  if (v.k === 'tensor') return [v];
  if (v.k === 'seq') {
    spend(v.items.length);
    return v.items.flatMap(flattenTensors);
  }
  if (v.k === 'dict') {
    spend(v.vals.length);
    return v.vals.flatMap(flattenTensors);
  }
  if (v.k === 'unknown') return [{ k: 'tensor', shape: null, why: v.why }];
  return [];
}

/** Engine dimension → result dimension (number, or the compact string form). */
export function outDim(d: D): number | string {
  return isNum(d) ? d : dimToString(d);
}

/**
 * A shape's result form: `shape.map(outDim)` written out for the usual ranks, since map's generic
 * path (shapes hold numbers, sizes or both) was a third of every layer entry's cost.
 */
export function resultShape(s: readonly D[]): (number | string)[] {
  switch (s.length) {
    case 1:
      return [outDim(s[0])];
    case 2:
      return [outDim(s[0]), outDim(s[1])];
    case 3:
      return [outDim(s[0]), outDim(s[1]), outDim(s[2])];
    case 4:
      return [outDim(s[0]), outDim(s[1]), outDim(s[2]), outDim(s[3])];
    default:
      return s.map(outDim);
  }
}
