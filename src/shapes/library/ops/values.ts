// The values of small constant tensors through the operations configuration code uses on them
// (torchvision's RegNet: `torch.round(torch.log(torch.arange(d) * w_a + w_0) / ...)...int().tolist()`).
// The shape ops decide every shape; this adds the elements when all tensors involved have known ones
// (eval/tensorData.ts), and otherwise nothing.
//
// PyTorch computes floating tensors in float32, and its vectorised log or pow may differ from a
// correctly rounded result in the last bit; the values here are doubles. A floating result is
// exact where float32 gives a known number: + - * / and sqrt of exact float32 operands are
// correctly rounded in IEEE float32, which rounding the double result to float32 reproduces (a
// double has more than twice float32's precision); pow of an exact positive base to a small
// non-negative integer power is exact when float32 holds the true result (PyTorch 1.13 returned
// it in every such case tried, 237,623 of them, through torch.pow(tensor, tensor), (tensor,
// scalar) and (scalar, tensor): scripts/check-float32-pow.py). Any other result is approximate:
// a rounding (round, floor, int()) of an approximate value is decided only when the value is far
// from the rounding's boundary, and is unknown near it.
import type { CallArgs } from '../../eval/calls';
import { numOf } from '../../eval/semantics';
import {
  MAX_DATA,
  dataOf,
  setData,
  tensorsMayHaveChanged,
  type TensorData,
} from '../../eval/tensorData';
import { type TensorV, type Value, unknown } from '../../eval/values';
import { isNum } from '../dims';
import type { OpConfig, RawCall } from './config';

interface Operand {
  v: number[];
  float: boolean;
  exact: boolean;
  /** A Python number rather than a tensor: broadcast, and never decides the result's length. */
  scalar: boolean;
}

/** float32 holds every integer up to 2^24 exactly. */
const F32_INT = 2 ** 24;

/** How far from a rounding boundary an approximate value must be for the rounding to be decided. */
const tolerance = (x: number): number => 1e-5 * Math.max(1, Math.abs(x));

const BINARY: Readonly<Record<string, string>> = {
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
  pow: '**',
};

const UNARY = new Set([
  'log',
  'exp',
  'sqrt',
  'round',
  'floor',
  'ceil',
  'trunc',
  'abs',
  'neg',
  'int',
  'long',
  'float',
  'diff',
  'clone',
  'contiguous',
  'detach',
  'cpu',
]);

/**
 * The call's result with its elements when they can be known: `r` is what the shape op gave (or
 * undefined when no shape op took the call, as for `torch.pow(2.0, t)`). Also ends the epoch of
 * known values at anything that writes into a tensor.
 */
export function withValues(
  path: string,
  self: Value | null,
  a: CallArgs,
  r: Value | undefined,
): Value | undefined {
  const out = computed(path, self, a, r);
  // A shape op may give its input back (x.round() has x's shape): without values computed here,
  // that is another tensor whose values are not the input's.
  if (out === r && r && r.k === 'tensor' && dataOf(r) && (r === self || a.pos.includes(r)))
    return { ...r };
  return out;
}

function computed(
  path: string,
  self: Value | null,
  a: CallArgs,
  r: Value | undefined,
): Value | undefined {
  const dot = path.lastIndexOf('.');
  const name = path.slice(dot + 1);
  if ((name.endsWith('_') && !name.endsWith('__')) || a.kw.has('out')) {
    tensorsMayHaveChanged();
    return r;
  }
  if (r !== undefined && r.k !== 'tensor' && name !== 'tolist' && name !== 'item') return r;
  const method = path.startsWith('tensor.');
  if (!method && !path.startsWith('torch.')) return r;
  const x = method ? self : (a.pos[0] ?? null);
  const rest = method ? a.pos : a.pos.slice(1);
  if (path === 'torch.arange') return arange(a, r);
  if (path === 'torch.tensor' || path === 'torch.as_tensor') return fromList(a, r);
  if (path === 'tensor.__binop__') {
    const op = a.pos[2];
    return op && op.k === 'str' ? binary(op.v, a.pos[0], a.pos[1], r) : r;
  }
  if (name in BINARY && a.kw.size === 0 && x && rest.length === 1)
    return binary(BINARY[name], x, rest[0], r);
  if (!x || x.k !== 'tensor') return r;
  const d = dataOf(x);
  if (!d) return r;
  if (name === 'tolist' || name === 'item') return toPython(x, d, name) ?? r;
  if (UNARY.has(name) && rest.length === 0 && a.kw.size === 0) {
    const out = unary(name, d);
    return out ? attach(r, name === 'diff' ? [out.v.length] : x.shape, out) : r;
  }
  return r;
}

function operand(v: Value | undefined): Operand | null {
  if (!v) return null;
  if (v.k === 'num') {
    const x = numOf(v);
    return x !== null && isNum(x)
      ? { v: [x], float: !!v.float, exact: !v.float || Math.fround(x) === x, scalar: true }
      : null;
  }
  if (v.k !== 'tensor' || !v.shape || v.shape.length > 1) return null;
  const d = dataOf(v);
  return d && !(v.shape.length === 0 && d.v.length !== 1) ? { ...d, scalar: false } : null;
}

/** The result tensor: the shape op's, or a copy of it when that is one of the inputs (x * 2 gives x). */
function attach(r: Value | undefined, shape: TensorV['shape'], d: Omit<TensorData, 'epoch'>) {
  const t: TensorV =
    r === undefined ? { k: 'tensor', shape: shape ?? [d.v.length] } : ({ ...r } as TensorV);
  if (!t.shape || !sameLength(t.shape, d.v.length)) return r;
  return setData(t, d.v, d.float, d.exact);
}

function sameLength(shape: readonly unknown[], n: number): boolean {
  if (shape.length === 0) return n === 1;
  return shape.length === 1 && shape[0] === n;
}

function arange(a: CallArgs, r: Value | undefined): Value | undefined {
  if (a.kw.size > 0 || a.pos.length === 0 || a.pos.length > 3) return r;
  const ints: number[] = [];
  for (const p of a.pos) {
    if (p.k !== 'num' || p.float || !isNum(p.v) || !Number.isInteger(p.v)) return r;
    ints.push(p.v);
  }
  const [start, end, step] = ints.length === 1 ? [0, ints[0], 1] : [ints[0], ints[1], ints[2] ?? 1];
  if (step === 0) return r;
  const v: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) {
    if (v.length >= MAX_DATA) return r;
    v.push(i);
  }
  return attach(r, [v.length], { v, float: false, exact: true });
}

function fromList(a: CallArgs, r: Value | undefined): Value | undefined {
  const list = a.pos[0];
  if (a.kw.size > 0 || a.pos.length !== 1 || !list || list.k !== 'seq') return r;
  const v: number[] = [];
  let float = false;
  let exact = true;
  for (const item of list.items) {
    if (item.k !== 'num' || !isNum(item.v)) return r;
    v.push(item.v);
    if (item.float) float = true;
  }
  if (float) exact = v.every((x) => Math.fround(x) === x);
  return attach(r, [v.length], { v: float ? v.map(Math.fround) : v, float, exact });
}

function binary(
  op: string,
  l: Value | undefined,
  rt: Value | undefined,
  r: Value | undefined,
): Value | undefined {
  const x = operand(l);
  const y = operand(rt);
  if (!x || !y || (x.scalar && y.scalar)) return r;
  const n = x.scalar ? y.v.length : y.scalar ? x.v.length : Math.max(x.v.length, y.v.length);
  if (!x.scalar && !y.scalar && x.v.length !== y.v.length && x.v.length !== 1 && y.v.length !== 1)
    return r;
  const at = (o: Operand, i: number): number => (o.v.length === 1 ? o.v[0] : o.v[i]);
  const float = x.float || y.float || op === '/';
  const out: number[] = [];
  // Exact float32 operands give exact results where float32 arithmetic is known (see the top).
  const f32 = float && inF32(x) && inF32(y);
  let allExact = f32;
  for (let i = 0; i < n; i++) {
    const p = at(x, i);
    const q = at(y, i);
    let z: number;
    switch (op) {
      case '+':
        z = p + q;
        break;
      case '-':
        z = p - q;
        break;
      case '*':
        z = p * q;
        break;
      case '/':
        if (q === 0) return r;
        z = p / q;
        break;
      case '//':
        if (q === 0 || float) return r;
        z = Math.floor(p / q);
        break;
      case '%':
        if (q === 0 || float) return r;
        z = p - q * Math.floor(p / q);
        break;
      case '**':
        // An integer tensor to a negative integer power is an error in PyTorch.
        if (!float && q < 0) return r;
        z = Math.pow(p, q);
        break;
      default:
        return r;
    }
    if (f32) {
      const e = op === '**' ? exactPow(p, q) : CORRECTLY_ROUNDED.has(op) ? Math.fround(z) : null;
      if (e === null) allExact = false;
      else z = e;
    }
    if (!Number.isFinite(z) || (!float && !Number.isSafeInteger(z))) return r;
    out.push(z);
  }
  const exact =
    !float ||
    allExact ||
    (x.exact &&
      y.exact &&
      (op === '+' || op === '-' || op === '*') &&
      out.every((z) => Number.isInteger(z) && Math.abs(z) <= F32_INT));
  const shape = x.scalar ? (l as TensorV).shape : y.scalar ? (rt as TensorV).shape : null;
  const t = x.scalar ? rt : l;
  return attach(r, shape ?? (t as TensorV).shape, { v: out, float, exact });
}

/** The float32 operations IEEE rounds correctly, so that float32 of the double result is theirs. */
const CORRECTLY_ROUNDED = new Set(['+', '-', '*', '/']);

/** Every element is exactly a float32 value (an integer operand as float32 converts it). */
const inF32 = (o: Operand): boolean => o.exact && o.v.every((x) => Math.fround(x) === x);

/**
 * p ** q when p > 0 is a float32 value, q an integer from 0 to 64, and float32 holds the true
 * result exactly (odd mantissa of p to the q-th below 2^24, within the normal range); null otherwise.
 */
function exactPow(p: number, q: number): number | null {
  if (!(p > 0) || !Number.isInteger(q) || q < 0 || q > 64) return null;
  let m = p;
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e -= 1;
  }
  while (m % 2 === 0) {
    m /= 2;
    e += 1;
  }
  const mq = BigInt(m) ** BigInt(q);
  if (mq >= 2n ** 24n) return null;
  const z = Number(mq) * 2 ** (e * q);
  return z >= 2 ** -126 && z < 2 ** 128 ? z : null;
}

/** A rounding of each element by `f`, unknown near `boundary(x)` when the value is approximate. */
function rounded(
  d: TensorData,
  f: (x: number) => number,
  nearBoundary: (x: number) => boolean,
): number[] | null {
  const out: number[] = [];
  for (const x of d.v) {
    if (!d.exact && (nearBoundary(x) || Math.abs(x) >= F32_INT)) return null;
    out.push(f(x));
  }
  return out;
}

/** torch.round rounds half to even. */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff > 0.5) return f + 1;
  if (diff < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

const nearInteger = (x: number): boolean => Math.abs(x - Math.round(x)) < tolerance(x);
const nearHalf = (x: number): boolean => Math.abs(x - Math.floor(x) - 0.5) < tolerance(x);

/** `f` of each element, known only approximately. */
function approx(d: TensorData, f: (x: number) => number): Omit<TensorData, 'epoch'> | null {
  const v = d.v.map(f);
  return v.every(Number.isFinite) ? { v, float: true, exact: false } : null;
}

function unary(name: string, d: TensorData): Omit<TensorData, 'epoch'> | null {
  const same = { v: d.v, float: d.float, exact: d.exact };
  switch (name) {
    case 'clone':
    case 'contiguous':
    case 'detach':
    case 'cpu':
      return same;
    case 'abs':
      return { ...same, v: d.v.map(Math.abs) };
    case 'neg':
      return { ...same, v: d.v.map((x) => -x) };
    case 'sqrt':
      if (d.exact && d.v.every((x) => x >= 0 && Math.fround(x) === x))
        return { v: d.v.map((x) => Math.fround(Math.sqrt(x))), float: true, exact: true };
      return approx(d, Math.sqrt);
    case 'log':
    case 'exp':
      return approx(d, name === 'log' ? Math.log : Math.exp);
    case 'round':
    case 'floor':
    case 'ceil':
    case 'trunc': {
      if (!d.float) return same;
      const f =
        name === 'round'
          ? roundHalfEven
          : name === 'floor'
            ? Math.floor
            : name === 'ceil'
              ? Math.ceil
              : Math.trunc;
      const v = rounded(d, f, name === 'round' ? nearHalf : nearInteger);
      return v && v.every((x) => Math.abs(x) <= F32_INT) ? { v, float: true, exact: true } : null;
    }
    case 'int':
    case 'long': {
      if (!d.float) return same;
      const v = rounded(d, Math.trunc, nearInteger);
      // int() of a value outside int32 wraps in PyTorch; not followed.
      if (!v || (name === 'int' && v.some((x) => Math.abs(x) >= 2 ** 31))) return null;
      return { v, float: false, exact: true };
    }
    case 'float':
      return d.float ? same : { v: d.v.map(Math.fround), float: true, exact: true };
    case 'diff': {
      if (d.v.length === 0) return null;
      const v = d.v.slice(1).map((x, i) => x - d.v[i]);
      const exact = !d.float || (d.exact && v.every((x) => Math.abs(x) <= F32_INT));
      return { v, float: d.float, exact };
    }
    default:
      return null;
  }
}

/** `.tolist()` and `.item()`: Python numbers, unknown for a float32 value known only approximately. */
function toPython(x: TensorV, d: TensorData, name: string): Value | undefined {
  const py = (v: number): Value =>
    !d.float
      ? { k: 'num', v }
      : d.exact
        ? { k: 'num', v, float: true }
        : unknown('a float32 value the analyser knows only approximately');
  if (!x.shape) return undefined;
  if (name === 'item' || x.shape.length === 0) return d.v.length === 1 ? py(d.v[0]) : undefined;
  if (x.shape.length !== 1) return undefined;
  return { k: 'seq', kind: 'list', items: d.v.map(py) };
}

/**
 * numpy.linspace(start, stop, num) as numpy computes it in float64 (i * step + start, the last
 * element `stop` itself), for configuration such as per-layer drop rates read back with .tolist().
 * The array stands as a 1-d tensor with those elements.
 */
function linspace({ a }: RawCall): Value {
  const [s, e, k] = [a.pos[0], a.pos[1], a.pos[2] ?? a.kw.get('num')];
  const start = s && s.k === 'num' && isNum(s.v) ? s.v : null;
  const stop = e && e.k === 'num' && isNum(e.v) ? e.v : null;
  const num = k && k.k === 'num' && !k.float && isNum(k.v) ? k.v : null;
  const others = [...a.kw.keys()].filter((x) => x !== 'num');
  if (start === null || stop === null || num === null || num < 0 || num > MAX_DATA || others.length)
    return unknown('numpy.linspace() with arguments the analyser cannot evaluate');
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  const v: number[] = [];
  for (let i = 0; i < num; i++) v.push(i === num - 1 && num > 1 ? stop : i * step + start);
  return setData({ k: 'tensor', shape: [num] }, v, true, true);
}

export const VALUE_OPS: OpConfig[] = [{ kind: 'raw', names: ['numpy.linspace'], call: linspace }];
