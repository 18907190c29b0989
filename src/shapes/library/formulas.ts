// Output-size formulas of convolution, pooling and their transposes, as PyTorch computes them,
// each returning the size and the same formula with the numbers filled in for hovers.
import type { DimFormula } from '../types';
import { type D, add, dimToString, floorDiv, isNum, mul, sub } from './dims';

export interface SizeResult {
  out: D | null;
  formula: DimFormula;
}

const s = dimToString;

/**
 * convOut's worked lines for numeric sizes, by convKey. The same few convolutions recur throughout a
 * file (and its next versions), and each line is a string of a dozen concatenated pieces.
 */
const convWorked = new Map<number, string>();

/** One number for (I, K, S, P, D) when each is a small non-negative integer, else −1. */
const small = (x: number): boolean => Number.isInteger(x) && x >= 0 && x < 64;

function convKey(I: D, K: number, S: number, P: number, Dl: number): number {
  if (
    typeof I !== 'number' ||
    !Number.isInteger(I) ||
    I < 0 ||
    I >= 65536 ||
    !small(K) ||
    !small(S) ||
    !small(P) ||
    !small(Dl)
  )
    return -1;
  return (((I * 64 + K) * 64 + S) * 64 + P) * 64 + Dl;
}

/** Conv and max-pool: ⌊(I + 2P − D·(K−1) − 1)/S⌋ + 1. */
export function convOut(
  dim: string,
  I: D,
  K: number,
  S: number,
  P: number,
  Dl: number,
): SizeResult {
  const numer = sub(sub(add(I, 2 * P), Dl * (K - 1)), 1);
  const f = floorDiv(numer, S);
  const out = f === null ? null : add(f, 1);
  const key = convKey(I, K, S, P, Dl);
  let worked = key < 0 ? undefined : convWorked.get(key);
  if (worked === undefined) {
    worked = `⌊(${s(I)} + 2·${P} − ${Dl}·(${K} − 1) − 1)/${S}⌋ + 1 = ${out === null ? '?' : s(out)}`;
    if (key >= 0 && convWorked.size < 10_000) convWorked.set(key, worked);
  }
  return { out, formula: { dim, formula: '⌊(I + 2P − D·(K − 1) − 1)/S⌋ + 1', worked } };
}

/** Average pooling has no dilation: ⌊(I + 2P − K)/S⌋ + 1. */
export function avgPoolOut(
  dim: string,
  I: D,
  K: number,
  S: number,
  P: number,
  ceil: boolean,
): SizeResult {
  if (ceil) {
    const r = ceilModeOut(dim, I, K, S, P, 1);
    r.formula.formula =
      '⌈(I + 2P − K)/S⌉ + 1, minus 1 if the last window starts in the right padding';
    return r;
  }
  const f = floorDiv(sub(add(I, 2 * P), K), S);
  const out = f === null ? null : add(f, 1);
  return {
    out,
    formula: {
      dim,
      formula: '⌊(I + 2P − K)/S⌋ + 1',
      worked: `⌊(${s(I)} + 2·${P} − ${K})/${S}⌋ + 1 = ${out === null ? '?' : s(out)}`,
    },
  };
}

/**
 * ATen's pooling_output_shape_pad_lr with ceil_mode: round up, then drop a last window that would
 * start inside the right padding. With a symbolic input the drop is decidable only when it can
 * never happen (no padding and K ≥ S); otherwise the size is unknown.
 */
export function ceilModeOut(
  dim: string,
  I: D,
  K: number,
  S: number,
  P: number,
  Dl: number,
): SizeResult {
  const numer = add(sub(sub(add(I, 2 * P), Dl * (K - 1)), 1), S - 1);
  const f = floorDiv(numer, S);
  let out: D | null = f === null ? null : add(f, 1);
  let dropped = false;
  if (out !== null) {
    if (isNum(out) && isNum(I)) {
      if ((out - 1) * S >= I + P) {
        out -= 1;
        dropped = true;
      }
    } else if (!(P === 0 && Dl * (K - 1) + 1 >= S)) out = null;
  }
  return {
    out,
    formula: {
      dim,
      formula:
        '⌈(I + 2P − D·(K − 1) − 1)/S⌉ + 1, minus 1 if the last window starts in the right padding',
      worked: `⌈(${s(I)} + 2·${P} − ${Dl}·(${K} − 1) − 1)/${S}⌉ + 1${dropped ? ' − 1' : ''} = ${out === null ? '?' : s(out)}`,
    },
  };
}

/** Transposed convolution: (I − 1)·S − 2P + D·(K − 1) + OP + 1. */
export function convTransposeOut(
  dim: string,
  I: D,
  K: number,
  S: number,
  P: number,
  Dl: number,
  OP: number,
): SizeResult {
  const out = add(add(sub(mul(sub(I, 1), S), 2 * P), Dl * (K - 1)), OP + 1);
  return {
    out,
    formula: {
      dim,
      formula: '(I − 1)·S − 2P + D·(K − 1) + OP + 1',
      worked: `(${s(I)} − 1)·${S} − 2·${P} + ${Dl}·(${K} − 1) + ${OP} + 1 = ${s(out)}`,
    },
  };
}

/** MaxUnpool: (I − 1)·S − 2P + K. */
export function unpoolOut(dim: string, I: D, K: number, S: number, P: number): SizeResult {
  const out = add(sub(mul(sub(I, 1), S), 2 * P), K);
  return {
    out,
    formula: {
      dim,
      formula: '(I − 1)·S − 2P + K',
      worked: `(${s(I)} − 1)·${S} − 2·${P} + ${K} = ${s(out)}`,
    },
  };
}

/** Upsample / interpolate with a scale factor: ⌊I × scale⌋. */
export function scaleOut(dim: string, I: D, scale: number): SizeResult {
  let out: D | null = null;
  if (isNum(I)) out = Math.floor(I * scale);
  else if (Number.isInteger(scale)) out = mul(I, scale);
  else if (Number.isInteger(1 / scale)) out = floorDiv(I, 1 / scale);
  return {
    out,
    formula: {
      dim,
      formula: '⌊I × scale⌋',
      worked: `⌊${s(I)} × ${scale}⌋ = ${out === null ? '?' : s(out)}`,
    },
  };
}

const AXES_1: readonly string[] = ['L'];
const AXES_2: readonly string[] = ['H', 'W'];
const AXES_3: readonly string[] = ['D', 'H', 'W'];

/** Names of the spatial axes for a 1-, 2- or 3-d layer (shared lists: every conv and pool call asks). */
export function axisNames(n: number): readonly string[] {
  return n === 1 ? AXES_1 : n === 2 ? AXES_2 : AXES_3;
}
