// Support finding and validation: where does the density live, is it a density at all?
// 1. Scan log f on a dense grid near the origin plus a geometric grid reaching far out.
// 2. The mode is the best grid point (refined by golden section); the effective support is where
//    log f ≥ max log f − 40 (relative mass below e^-40 ≈ 4e-18 is cut).
// 3. Negative, NaN or infinite values, a density that is 0 everywhere, and tails that do not decay
//    within the scan (not integrable, or too heavy to sample on an unbounded range) are errors
//    with one line that says what to change.
import { SamplingInputError } from './errors';
import type { Fn2 } from './expr';

export class DensityError extends SamplingInputError {}

export const LOG_CUT = 40;
const FAR = 1e15;

export interface Support1D {
  /** Effective support (finite), within the range. */
  lo: number;
  hi: number;
  /** The range the density is restricted to (may be infinite). */
  rangeLo: number;
  rangeHi: number;
  mode: number;
  logMax: number;
  /** Suggested initial cell edges for the CDF table (dense where the scan was dense), sorted. */
  edges: number[];
}

function fmt(v: number): string {
  return Number.isInteger(v) || Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3 ? String(Number(v.toPrecision(6))) : v.toFixed(4);
}

/** Checks one value of what the user typed; returns log f. */
function checkedLog(raw: Fn2, logf: Fn2, isLog: boolean, x: number, y: number, dims: 1 | 2): number {
  const v = raw(x, y);
  // Fast path first: the message text is built only when something is wrong.
  if (!isLog && v >= 0 && v < Infinity) {
    const l = logf(x, y);
    return Number.isNaN(l) ? (v === 0 ? -Infinity : Math.log(v)) : l;
  }
  if (isLog && v < Infinity) return v;
  const at = dims === 1 ? `x = ${fmt(x)}` : `(x, y) = (${fmt(x)}, ${fmt(y)})`;
  if (Number.isNaN(v)) {
    // A removable singularity such as sin(x)/x at 0 is NaN at one point only and has measure zero:
    // accept it when the values just beside it are fine.
    const h = 1e-7 * Math.max(1, Math.abs(x));
    const a = raw(x - h, y), b = raw(x + h, y);
    if (Number.isFinite(a) && Number.isFinite(b) && (isLog || (a >= 0 && b >= 0))) return isLog ? (a + b) / 2 : Math.log((a + b) / 2);
    throw new DensityError(`the density is not a number at ${at} (e.g. log or sqrt of a negative, or 0/0); fix the expression or restrict --range`);
  }
  if (isLog) {
    if (v === Infinity) throw new DensityError(`the log-density is +infinite at ${at}; a density must be finite`);
    return v;
  }
  if (v < 0) throw new DensityError(`the density is negative at ${at} (value ${fmt(v)}); a density must be ≥ 0 on the range, so fix the expression or restrict --range`);
  if (v === Infinity) {
    if (Math.abs(x) > 100 || Math.abs(y) > 100) throw new DensityError(`the density overflows to infinity at ${at}: it grows without bound, so it is not integrable; give a finite --range`);
    throw new DensityError(`the density is infinite at ${at}; restrict --range to avoid the singularity`);
  }
  const l = logf(x, y);
  // logOf may give −∞ where f underflows but f itself is 0; both mean zero density.
  return Number.isNaN(l) ? (v === 0 ? -Infinity : Math.log(v)) : l;
}

/** Grid used on one axis: dense near `center`, geometric out to FAR, clipped to [lo, hi]. */
function scanGrid(lo: number, hi: number, center: number): number[] {
  const pts: number[] = [];
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    const m = 4000;
    // Open grid: the end points themselves may be singular (x^-0.5 on [0, 1]).
    for (let i = 0; i < m; i++) pts.push(lo + ((i + 0.5) / m) * (hi - lo));
    return pts;
  }
  for (let i = -2000; i <= 2000; i++) pts.push(center + i * 0.01);
  for (let k = 0; k <= 700; k++) {
    const r = 20 * Math.pow(FAR / 20, k / 700);
    pts.push(center + r, center - r);
  }
  return pts.filter((p) => p > lo && p < hi).sort((a, b) => a - b);
}

function centerOf(lo: number, hi: number): number {
  if (Number.isFinite(lo) && Number.isFinite(hi)) return (lo + hi) / 2;
  if (Number.isFinite(lo)) return Math.max(lo, 0);
  if (Number.isFinite(hi)) return Math.min(hi, 0);
  return 0;
}

/** Golden-section search for a maximum of g on [a, b]. */
export function goldenMax(g: (x: number) => number, a0: number, b0: number, iters = 60): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = a0, b = b0;
  let c = b - phi * (b - a), d = a + phi * (b - a);
  let gc = g(c), gd = g(d);
  for (let i = 0; i < iters; i++) {
    if (!(gc <= gd)) {
      b = d; d = c; gd = gc; c = b - phi * (b - a); gc = g(c);
    } else {
      a = c; c = d; gc = gd; d = a + phi * (b - a); gd = g(d);
    }
  }
  return gc > gd ? c : d;
}

export function findSupport1D(raw: Fn2, logf: Fn2, isLog: boolean, range?: [number, number]): Support1D {
  const rangeLo = range ? range[0] : -Infinity;
  const rangeHi = range ? range[1] : Infinity;
  if (!(rangeLo < rangeHi)) throw new DensityError(`the range must have A < B, not ${rangeLo},${rangeHi}`);
  const grid = scanGrid(rangeLo, rangeHi, centerOf(rangeLo, rangeHi));
  const ls = grid.map((x) => checkedLog(raw, logf, isLog, x, 0, 1));
  let best = -1;
  for (let i = 0; i < ls.length; i++) if (best < 0 || ls[i] > ls[best]) best = i;
  if (best < 0 || ls[best] === -Infinity) {
    throw new DensityError('the density is 0 everywhere on the range (or underflows); check the expression and --range');
  }
  const logMax0 = ls[best];
  const n = grid.length;
  if ((best === 0 && !Number.isFinite(rangeLo)) || (best === n - 1 && !Number.isFinite(rangeHi))) {
    throw new DensityError(`the density grows without bound toward ${best === 0 ? '-' : '+'}infinity, so it is not integrable; give a finite --range`);
  }
  if ((!Number.isFinite(rangeLo) && ls[0] > logMax0 - LOG_CUT) || (!Number.isFinite(rangeHi) && ls[n - 1] > logMax0 - LOG_CUT)) {
    throw new DensityError(`the density does not decay toward ${ls[0] > logMax0 - LOG_CUT ? '-' : '+'}infinity fast enough to be integrable (or to sample); give a finite --range`);
  }
  // Refine the mode between the neighbours of the best grid point.
  const a = grid[Math.max(0, best - 1)], b = grid[Math.min(n - 1, best + 1)];
  const g = (x: number): number => { const v = logf(x, 0); return Number.isNaN(v) ? -Infinity : v; };
  let mode = goldenMax(g, a, b);
  let logMax = g(mode);
  if (!(logMax >= logMax0)) { mode = grid[best]; logMax = logMax0; }
  let i0 = 0;
  while (i0 < n && !(ls[i0] >= logMax - LOG_CUT)) i0++;
  let i1 = n - 1;
  while (i1 >= 0 && !(ls[i1] >= logMax - LOG_CUT)) i1--;
  // One grid point further out (or the range end), so the cut lies beyond the last significant point.
  const lo = i0 > 0 ? grid[i0 - 1] : Number.isFinite(rangeLo) ? rangeLo : grid[0];
  const hi = i1 < n - 1 ? grid[i1 + 1] : Number.isFinite(rangeHi) ? rangeHi : grid[n - 1];
  // Cell edges: every 10th dense point and every geometric point inside [lo, hi], so very wide
  // supports (a Cauchy reaches 5e8) still get fine cells near the centre.
  const edges = [lo];
  const c = centerOf(rangeLo, rangeHi);
  for (let i = 0; i < n; i++) {
    const x = grid[i];
    if (x <= lo || x >= hi) continue;
    if (Math.abs(x - c) > 20 || i % 10 === 0) edges.push(x);
  }
  edges.push(hi);
  return { lo, hi, rangeLo, rangeHi, mode, logMax, edges };
}

export interface Support2D {
  x: Support1D;
  y: Support1D;
  modeX: number;
  modeY: number;
  logMax: number;
}

/**
 * 2-D: scan a 161×161 grid on growing boxes until the box edge is e^-40 below the maximum,
 * then trim to the rows and columns that matter and rescan the trimmed box once more.
 */
export function findSupport2D(raw: Fn2, logf: Fn2, isLog: boolean, range?: [number, number], rangeY?: [number, number]): Support2D {
  const rx: [number, number] = range ?? [-Infinity, Infinity];
  const ry: [number, number] = rangeY ?? range ?? [-Infinity, Infinity];
  for (const r of [rx, ry]) if (!(r[0] < r[1])) throw new DensityError(`the range must have A < B, not ${r[0]},${r[1]}`);
  const m = 161;
  const scan = (bx: [number, number], by: [number, number]) => {
    const ls = new Float64Array(m * m);
    let best = 0;
    for (let j = 0; j < m; j++) {
      const y = by[0] + ((j + 0.5) / m) * (by[1] - by[0]);
      for (let i = 0; i < m; i++) {
        const x = bx[0] + ((i + 0.5) / m) * (bx[1] - bx[0]);
        const v = checkedLog(raw, logf, isLog, x, y, 2);
        ls[j * m + i] = v;
        if (v > ls[best]) best = j * m + i;
      }
    }
    return { ls, best };
  };
  const clip = (r: [number, number], L: number): [number, number] => [Math.max(r[0], -L), Math.min(r[1], L)];
  let L = 8;
  let box: { bx: [number, number]; by: [number, number]; ls: Float64Array; best: number } | undefined;
  for (; L <= 1e7; L *= 2) {
    const bx = clip(rx, L), by = clip(ry, L);
    const { ls, best } = scan(bx, by);
    const lmax = ls[best];
    if (lmax === -Infinity) continue;
    // Largest log f on the edges that are open (not the user's finite range ends).
    let edge = -Infinity;
    for (let k = 0; k < m; k++) {
      if (bx[0] > rx[0]) edge = Math.max(edge, ls[k * m]);
      if (bx[1] < rx[1]) edge = Math.max(edge, ls[k * m + m - 1]);
      if (by[0] > ry[0]) edge = Math.max(edge, ls[k]);
      if (by[1] < ry[1]) edge = Math.max(edge, ls[(m - 1) * m + k]);
    }
    box = { bx, by, ls, best };
    if (edge < lmax - LOG_CUT) break;
  }
  if (!box || box.ls[box.best] === -Infinity) throw new DensityError('the density is 0 everywhere on the range (or underflows); check the expression and --range');
  if (L > 1e7) throw new DensityError('the density does not decay fast enough in some direction to be integrable (or to sample); give a finite --range');
  // Trim to rows/columns within LOG_CUT of the maximum, plus one cell margin, and rescan.
  for (let pass = 0; pass < 2; pass++) {
    const { bx, by, ls } = box;
    let lmax = -Infinity;
    for (const v of ls) if (v > lmax) lmax = v;
    let i0 = m, i1 = -1, j0 = m, j1 = -1;
    for (let j = 0; j < m; j++) for (let i = 0; i < m; i++) {
      if (ls[j * m + i] >= lmax - LOG_CUT) { i0 = Math.min(i0, i); i1 = Math.max(i1, i); j0 = Math.min(j0, j); j1 = Math.max(j1, j); }
    }
    const dx = (bx[1] - bx[0]) / m, dy = (by[1] - by[0]) / m;
    const nbx: [number, number] = [Math.max(rx[0], bx[0] + (i0 - 1) * dx), Math.min(rx[1], bx[0] + (i1 + 2) * dx)];
    const nby: [number, number] = [Math.max(ry[0], by[0] + (j0 - 1) * dy), Math.min(ry[1], by[0] + (j1 + 2) * dy)];
    const s = scan(nbx, nby);
    box = { bx: nbx, by: nby, ...s };
  }
  const { bx, by, ls, best } = box;
  const bi = best % m, bj = Math.floor(best / m);
  const modeX = bx[0] + ((bi + 0.5) / m) * (bx[1] - bx[0]);
  const modeY = by[0] + ((bj + 0.5) / m) * (by[1] - by[0]);
  const logMax = ls[best];
  return {
    x: { lo: bx[0], hi: bx[1], rangeLo: rx[0], rangeHi: rx[1], mode: modeX, logMax, edges: [bx[0], bx[1]] },
    y: { lo: by[0], hi: by[1], rangeLo: ry[0], rangeHi: ry[1], mode: modeY, logMax, edges: [by[0], by[1]] },
    modeX, modeY, logMax,
  };
}
