// Support finding and validation: where does the density live, is it a density at all?
// 1. Scan log f on a grid that looks at every scale: dense near 0 and near the range's centre,
//    geometric out to the range ends (or 1e15), geometric inward from each finite end, and uniform
//    over a finite range. log f is symbolic, so even where f underflows the scan sees which way the
//    mass lies; a peak far from 0 on a range like ±1e300 is found, not stepped over.
// 2. The mode is the best grid point (refined by golden section); the effective support is where
//    log f ≥ max log f − 40 (relative mass below e^-40 ≈ 4e-18 is cut), its ends located by
//    bisection between grid points so a narrow peak gets a narrow support.
// 3. Negative, NaN or infinite values, a density that is 0 everywhere, tails that do not decay
//    within the scan, and singularities with infinite mass (1/x at 0: every halving of the distance
//    adds the same mass) are errors with one line that says what to change.
import { SamplingInputError } from './errors';
import type { Fn2 } from './target';
import { GL5_NODES, GL5_WEIGHTS } from './special';

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
  return Number.isInteger(v) || Math.abs(v) >= 1e4 || Math.abs(v) < 1e-3
    ? String(Number(v.toPrecision(6)))
    : v.toFixed(4);
}

/** Checks one value of what the user typed; returns log f. */
function checkedLog(
  raw: Fn2,
  logf: Fn2,
  isLog: boolean,
  x: number,
  y: number,
  dims: 1 | 2,
): number {
  const v = raw(x, y);
  // Fast path first: the message text is built only when something is wrong.
  if (!isLog && v >= 0 && v < Infinity) {
    const l = logf(x, y);
    if (v === 0) return Number.isNaN(l) ? -Infinity : l;
    // log f must be the log of what the user typed. Where they disagree the samplers would draw
    // from another density than the one checked here, so that is an error, never patched over.
    if (
      Number.isNaN(l) ||
      (v > 1e-290 && v < 1e290 && Math.abs(l - Math.log(v)) > 1e-6 * Math.max(1, Math.abs(l)))
    ) {
      throw new Error(
        `internal error: the compiled log-density (${l}) disagrees with the density (${v}) at ${dims === 1 ? `x = ${fmt(x)}` : `(x, y) = (${fmt(x)}, ${fmt(y)})`}; please report this expression`,
      );
    }
    return l;
  }
  if (isLog && v < Infinity) return v;
  const at = dims === 1 ? `x = ${fmt(x)}` : `(x, y) = (${fmt(x)}, ${fmt(y)})`;
  if (Number.isNaN(v)) {
    // A removable singularity such as sin(x)/x at 0 is NaN at one point only and has measure zero:
    // accept it when the values just beside it are fine.
    const h = 1e-7 * Math.max(1, Math.abs(x));
    const a = raw(x - h, y),
      b = raw(x + h, y);
    if (Number.isFinite(a) && Number.isFinite(b) && (isLog || (a >= 0 && b >= 0)))
      return isLog ? (a + b) / 2 : Math.log((a + b) / 2);
    throw new DensityError(
      `the density is not a number at ${at} (e.g. log or sqrt of a negative, or 0/0); fix the expression or restrict --range`,
    );
  }
  if (isLog) {
    if (v === Infinity)
      throw new DensityError(`the log-density is +infinite at ${at}; a density must be finite`);
    return v;
  }
  if (v < 0)
    throw new DensityError(
      `the density is negative at ${at} (value ${fmt(v)}); a density must be ≥ 0 on the range, so fix the expression or restrict --range`,
    );
  if (dims === 1) {
    // A pole at one grid point (1/sqrt(abs(x)) at 0) may still have finite mass: judged by its
    // shape around the point (checkSingularities), not by the one value.
    const h = 1e-7 * Math.max(1, Math.abs(x));
    const a = raw(x - h, y),
      b = raw(x + h, y);
    if (a >= 0 && a < Infinity && b >= 0 && b < Infinity) return Math.log(Math.max(a, b));
  }
  if (Math.abs(x) > 100 || Math.abs(y) > 100)
    throw new DensityError(
      `the density overflows to infinity at ${at}: it grows without bound, so it is not integrable; give a finite --range`,
    );
  throw new DensityError(
    `the density is infinite at ${at}; restrict --range to avoid the singularity`,
  );
}

/** lo·(1 − t) + hi·t without forming hi − lo, which overflows on ranges like ±1e308. */
const lerp = (lo: number, hi: number, t: number): number => lo * (1 - t) + hi * t;

/** Refuses ranges with no room to sample in double precision. */
export function checkRange(lo: number, hi: number, flag = '--range'): void {
  if (Number.isNaN(lo) || Number.isNaN(hi) || !(lo < hi))
    throw new DensityError(`the range must have A < B, not ${lo},${hi}`);
  if (
    Number.isFinite(lo) &&
    Number.isFinite(hi) &&
    hi - lo <= 1e-12 * Math.max(Math.abs(lo), Math.abs(hi))
  ) {
    throw new DensityError(
      `the range ${lo},${hi} is too narrow to sample in double precision (B − A must exceed 1e-12·|A|); widen ${flag}`,
    );
  }
}

/** Geometric distances from `from` to `to` (> from > 0), about 47 per decade. */
function geometric(from: number, to: number): number[] {
  const k = Math.max(1, Math.ceil(47 * Math.log10(to / from)));
  const out: number[] = [];
  for (let i = 0; i <= k; i++) out.push(from * Math.pow(to / from, i / k));
  return out;
}

/**
 * Grid used on one axis, clipped to the open range (lo, hi): the end points themselves may be
 * singular (x^-0.5 on [0, 1]). Dense near 0 and near the centre, geometric outward to the ends
 * (or FAR), geometric inward from each finite end, uniform over a finite range.
 */
export function scanGrid(lo: number, hi: number, center = centerOf(lo, hi)): number[] {
  const pts: number[] = [];
  if (Number.isFinite(lo) && Number.isFinite(hi)) {
    const m = 4000;
    for (let i = 0; i < m; i++) pts.push(lerp(lo, hi, (i + 0.5) / m));
  }
  for (const c of center === 0 || !(lo < 0 && hi > 0) ? [center] : [center, 0]) {
    for (let i = -2000; i <= 2000; i++) pts.push(c + i * 0.01);
    const reach = Math.max(
      Number.isFinite(lo) ? c - lo : FAR,
      Number.isFinite(hi) ? hi - c : FAR,
      40,
    );
    for (const r of geometric(20, Math.min(reach, Number.MAX_VALUE))) pts.push(c + r, c - r);
  }
  for (const end of [lo, hi]) {
    if (!Number.isFinite(end)) continue;
    const other = end === lo ? hi : lo;
    const span = Number.isFinite(other) ? Math.min(Math.abs(other - end), Number.MAX_VALUE) : FAR;
    const tiny = Math.max(span * 1e-12, Math.abs(end) * 4e-16, 1e-300);
    for (const r of geometric(tiny, span)) pts.push(end === lo ? end + r : end - r);
  }
  const inside = pts.filter((p) => p > lo && p < hi && Number.isFinite(p)).sort((a, b) => a - b);
  return inside.filter((v, i) => i === 0 || v > inside[i - 1]);
}

function centerOf(lo: number, hi: number): number {
  if (Number.isFinite(lo) && Number.isFinite(hi)) return lo / 2 + hi / 2;
  if (Number.isFinite(lo)) return Math.max(lo, 0);
  if (Number.isFinite(hi)) return Math.min(hi, 0);
  return 0;
}

/** Golden-section search for a maximum of g on [a, b]. */
export function goldenMax(g: (x: number) => number, a0: number, b0: number, iters = 60): number {
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = a0,
    b = b0;
  let c = b - phi * (b - a),
    d = a + phi * (b - a);
  let gc = g(c),
    gd = g(d);
  for (let i = 0; i < iters; i++) {
    if (!(gc <= gd)) {
      b = d;
      d = c;
      gd = gc;
      c = b - phi * (b - a);
      gc = g(c);
    } else {
      a = c;
      c = d;
      gc = gd;
      d = a + phi * (b - a);
      gd = g(d);
    }
  }
  return gc > gd ? c : d;
}

/** Mass of exp(g − logRef) on [a, b] by 5-point Gauss–Legendre. */
function cellMass(g: (x: number) => number, a: number, b: number, logRef: number): number {
  const h = (b - a) / 2,
    m = (a + b) / 2;
  let sum = 0;
  for (let k = 0; k < 5; k++) sum += GL5_WEIGHTS[k] * Math.exp(g(m + h * GL5_NODES[k]) - logRef);
  return sum * h;
}

/**
 * How does the mass behave near s (approached from side dir)? Shells [d/2, d] at distance d = w,
 * w/2, w/4, … down to the float resolution at s: f ~ |x − s|^(−a) puts 2^(a−1) times the previous
 * shell's mass into each. A long run of shells that do not shrink (a ≥ 1) is infinite mass; a long
 * run shrinking slower than a bounded density's halving (a > 0) is a pole with finite mass.
 */
function massNear(
  g: (x: number) => number,
  s: number,
  dir: 1 | -1,
  w: number,
  logRef: number,
): 'infinite' | 'pole' | 'bounded' {
  const floor = Math.max(Math.abs(s) * 4e-16, 1e-300);
  let prev = 0,
    run = 0,
    poleRun = 0,
    pole = false;
  for (let d = w; d / 2 > floor; d /= 2) {
    const a = s + (dir * d) / 2,
      b = s + dir * d;
    const m = cellMass(g, Math.min(a, b), Math.max(a, b), logRef);
    if (m === Infinity) return 'infinite';
    const r = m > 0 && prev > 0 ? m / prev : 0;
    run = r >= 0.995 ? run + 1 : 0;
    poleRun = r >= 0.55 ? poleRun + 1 : 0;
    if (run >= 30) return 'infinite';
    if (poleRun >= 30) pole = true;
    prev = m;
  }
  return pole ? 'pole' : 'bounded';
}

/**
 * Checks the finite range ends and the highest local maxima of the scan for infinite mass.
 * Returns where the scan's maximum is a pole with finite mass (x^-0.5 at 0), if it is one: its
 * peak value then says nothing about where the mass is, and its mass reaches down to tiny scales.
 */
function checkSingularities(
  g: (x: number) => number,
  grid: number[],
  ls: number[],
  logMax: number,
  rangeLo: number,
  rangeHi: number,
  best: number,
): number | undefined {
  const n = grid.length;
  const fail = (at: number): never => {
    throw new DensityError(
      `the density has infinite mass near x = ${fmt(at)} (it grows like 1/|x − ${fmt(at)}| or faster), so it cannot be normalised; fix the expression or keep --range away from that point`,
    );
  };
  let pole: number | undefined;
  const ends: [number, 1 | -1, number, number][] = [
    [rangeLo, 1, grid[0] - rangeLo, 0],
    [rangeHi, -1, rangeHi - grid[n - 1], n - 1],
  ];
  for (const [end, dir, w, i] of ends) {
    if (!Number.isFinite(end) || !(ls[i] >= logMax - LOG_CUT)) continue;
    const m = massNear(g, end, dir, w, logMax);
    if (m === 'infinite') fail(end);
    if (m === 'pole' && Math.abs(i - best) <= 1) pole = end;
  }
  const peaks: number[] = [];
  for (let i = 1; i < n - 1; i++)
    if (ls[i] >= ls[i - 1] && ls[i] >= ls[i + 1] && ls[i] >= logMax - LOG_CUT) peaks.push(i);
  peaks.sort((a, b) => ls[b] - ls[a]);
  for (const i of peaks.slice(0, 8)) {
    const s = goldenMax(g, grid[i - 1], grid[i + 1], 100);
    const ref = Math.max(logMax, g(s));
    const right = massNear(g, s, 1, grid[i + 1] - s, ref),
      left = massNear(g, s, -1, s - grid[i - 1], ref);
    if (right === 'infinite' || left === 'infinite') fail(s);
    if ((right === 'pole' || left === 'pole') && i === best) pole = s;
  }
  return pole;
}

/** Bisection for where g crosses `cut` between a (g < cut) and b (g ≥ cut); returns the point on a's side. */
function crossing(g: (x: number) => number, a: number, b: number, cut: number): number {
  for (let k = 0; k < 200; k++) {
    const m = a / 2 + b / 2;
    if (m === a || m === b) break;
    if (g(m) >= cut) b = m;
    else a = m;
  }
  return a;
}

export function findSupport1D(
  raw: Fn2,
  logf: Fn2,
  isLog: boolean,
  range?: [number, number],
): Support1D {
  const rangeLo = range ? range[0] : -Infinity;
  const rangeHi = range ? range[1] : Infinity;
  checkRange(rangeLo, rangeHi);
  const grid = scanGrid(rangeLo, rangeHi);
  const ls = grid.map((x) => checkedLog(raw, logf, isLog, x, 0, 1));
  let best = -1;
  for (let i = 0; i < ls.length; i++) if (best < 0 || ls[i] > ls[best]) best = i;
  if (best < 0 || ls[best] === -Infinity) {
    throw new DensityError(
      'the density is 0 everywhere on the range (or underflows); check the expression and --range',
    );
  }
  const logMax0 = ls[best];
  const n = grid.length;
  if ((best === 0 && !Number.isFinite(rangeLo)) || (best === n - 1 && !Number.isFinite(rangeHi))) {
    throw new DensityError(
      `the density grows without bound toward ${best === 0 ? '-' : '+'}infinity, so it is not integrable; give a finite --range`,
    );
  }
  if (
    (!Number.isFinite(rangeLo) && ls[0] > logMax0 - LOG_CUT) ||
    (!Number.isFinite(rangeHi) && ls[n - 1] > logMax0 - LOG_CUT)
  ) {
    throw new DensityError(
      `the density does not decay toward ${ls[0] > logMax0 - LOG_CUT ? '-' : '+'}infinity fast enough to be integrable (or to sample); give a finite --range`,
    );
  }
  const g = (x: number): number => {
    const v = logf(x, 0);
    return v === Infinity || Number.isNaN(v) ? -Infinity : v;
  };
  // Refine the mode between the neighbours of the best grid point.
  const a = grid[Math.max(0, best - 1)],
    b = grid[Math.min(n - 1, best + 1)];
  let mode = goldenMax(g, a, b);
  let logMax = g(mode);
  if (!(logMax >= logMax0)) {
    mode = grid[best];
    logMax = logMax0;
  }
  const pole = checkSingularities(g, grid, ls, logMax, rangeLo, rangeHi, best);
  // At a pole the refined maximum is as high as the float resolution lets it get; the cut is taken
  // from the scan's values instead, which sit at a fixed distance from the pole.
  const cut = (pole !== undefined ? logMax0 : logMax) - LOG_CUT;
  let i0 = 0;
  while (i0 < n && !(ls[i0] >= cut)) i0++;
  let i1 = n - 1;
  while (i1 >= 0 && !(ls[i1] >= cut)) i1--;
  if (i0 > i1) {
    i0 = best;
    i1 = best;
  }
  // The cut lies between the last significant grid point and the next one out: found by bisection,
  // so a peak narrower than the grid spacing (a unit normal at 1e6) still gets a tight support.
  let lo =
    i0 > 0
      ? crossing(g, grid[i0 - 1], Math.min(grid[i0], mode), cut)
      : Number.isFinite(rangeLo)
        ? rangeLo
        : grid[0];
  let hi =
    i1 < n - 1
      ? crossing(g, grid[i1 + 1], Math.max(grid[i1], mode), cut)
      : Number.isFinite(rangeHi)
        ? rangeHi
        : grid[n - 1];
  // Other narrow peaks: a grid point beside a unit normal at −1e4 can sit e^-5000 below its top
  // while the top is as high as the mode's. Refine the highest local maxima of the scan and keep
  // each one that reaches the cut, with its own support.
  const needles: [number, number][] = [];
  const maxima: number[] = [];
  for (let i = 1; i < n - 1; i++)
    if (ls[i] > -Infinity && ls[i] >= ls[i - 1] && ls[i] >= ls[i + 1] && !(ls[i] >= cut))
      maxima.push(i);
  maxima.sort((u, v) => ls[v] - ls[u]);
  for (const i of maxima.slice(0, 16)) {
    const s = goldenMax(g, grid[i - 1], grid[i + 1]);
    if (!(g(s) >= cut)) continue;
    const l = crossing(g, grid[i - 1], s, cut),
      h = crossing(g, grid[i + 1], s, cut);
    needles.push([l, h]);
    lo = Math.min(lo, l);
    hi = Math.max(hi, h);
  }
  // Cell edges for the CDF table: a thinned share of the scan points inside [lo, hi], and every point
  // close to an end (where the geometric grid resolves a singular end such as x^-0.5 at 0).
  const inside = grid.filter((x) => x > lo && x < hi);
  const stride = Math.max(1, Math.ceil(inside.length / 500));
  const near = 1e-3 * (hi - lo);
  const edges = [lo];
  inside.forEach((x, i) => {
    if (i % stride === 0 || x - lo < near || hi - x < near) edges.push(x);
  });
  for (const [l, h] of needles) for (let k = 0; k <= 64; k++) edges.push(lerp(l, h, k / 64));
  if (needles.length) edges.sort((u, v) => u - v);
  if (pole !== undefined) {
    // Cells shrinking geometrically into the pole: |x|^-0.9 keeps 1% of its mass within 1e-20 of it.
    for (const r of geometric(
      Math.max(Math.abs(pole) * 4e-16, 1e-300),
      Math.max(hi - lo, 1e-300),
    )) {
      for (const x of [pole - r, pole + r]) if (x > lo && x < hi) edges.push(x);
    }
    edges.sort((u, v) => u - v);
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
export function findSupport2D(
  raw: Fn2,
  logf: Fn2,
  isLog: boolean,
  range?: [number, number],
  rangeY?: [number, number],
): Support2D {
  const rx: [number, number] = range ?? [-Infinity, Infinity];
  const ry: [number, number] = rangeY ?? range ?? [-Infinity, Infinity];
  checkRange(rx[0], rx[1]);
  checkRange(ry[0], ry[1], '--range-y');
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
  const clip = (r: [number, number], L: number): [number, number] => [
    Math.max(r[0], -L),
    Math.min(r[1], L),
  ];
  let L = 8;
  let box:
    { bx: [number, number]; by: [number, number]; ls: Float64Array; best: number } | undefined;
  for (; L <= 1e7; L *= 2) {
    const bx = clip(rx, L),
      by = clip(ry, L);
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
  if (!box || box.ls[box.best] === -Infinity)
    throw new DensityError(
      'the density is 0 everywhere on the range (or underflows); check the expression and --range',
    );
  if (L > 1e7)
    throw new DensityError(
      'the density does not decay fast enough in some direction to be integrable (or to sample); give a finite --range',
    );
  // Trim to rows/columns within LOG_CUT of the maximum, plus one cell margin, and rescan.
  for (let pass = 0; pass < 2; pass++) {
    const { bx, by, ls } = box;
    let lmax = -Infinity;
    for (const v of ls) if (v > lmax) lmax = v;
    let i0 = m,
      i1 = -1,
      j0 = m,
      j1 = -1;
    for (let j = 0; j < m; j++)
      for (let i = 0; i < m; i++) {
        if (ls[j * m + i] >= lmax - LOG_CUT) {
          i0 = Math.min(i0, i);
          i1 = Math.max(i1, i);
          j0 = Math.min(j0, j);
          j1 = Math.max(j1, j);
        }
      }
    const dx = (bx[1] - bx[0]) / m,
      dy = (by[1] - by[0]) / m;
    const nbx: [number, number] = [
      Math.max(rx[0], bx[0] + (i0 - 1) * dx),
      Math.min(rx[1], bx[0] + (i1 + 2) * dx),
    ];
    const nby: [number, number] = [
      Math.max(ry[0], by[0] + (j0 - 1) * dy),
      Math.min(ry[1], by[0] + (j1 + 2) * dy),
    ];
    const s = scan(nbx, nby);
    box = { bx: nbx, by: nby, ...s };
  }
  const { bx, by, ls, best } = box;
  const bi = best % m,
    bj = Math.floor(best / m);
  const modeX = bx[0] + ((bi + 0.5) / m) * (bx[1] - bx[0]);
  const modeY = by[0] + ((bj + 0.5) / m) * (by[1] - by[0]);
  const logMax = ls[best];
  return {
    x: {
      lo: bx[0],
      hi: bx[1],
      rangeLo: rx[0],
      rangeHi: rx[1],
      mode: modeX,
      logMax,
      edges: [bx[0], bx[1]],
    },
    y: {
      lo: by[0],
      hi: by[1],
      rangeLo: ry[0],
      rangeHi: ry[1],
      mode: modeY,
      logMax,
      edges: [by[0], by[1]],
    },
    modeX,
    modeY,
    logMax,
  };
}
