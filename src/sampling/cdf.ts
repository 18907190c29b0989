// Numeric CDF and its inverse for a 1-D density (the idea of UNU.RAN's PINV/HINV):
// cells with 5-point Gauss–Legendre masses, refined where the u-error is too large; the inverse is
// a cubic Hermite in u per cell with slopes dx/du = 1/f̂, limited (Fritsch–Carlson) so it is
// monotone. Draws cost one uniform, a guide-table lookup and a cubic: no allocation, typed arrays.
import { GL5_NODES as NODES, GL5_WEIGHTS as WEIGHTS } from './special';

// Local typed copies: module bindings can compile to getters, which cost in the quadrature loops.
const GL5_NODES = Float64Array.from(NODES);
const GL5_WEIGHTS = Float64Array.from(WEIGHTS);
import type { Rng } from '../common/rng';

export interface CdfTable {
  lo: number;
  hi: number;
  /** Normalising constant of exp(log f − shift) over [lo, hi]. */
  z: number;
  /** The shift applied before exponentiating: Z_true = z·e^shift. */
  shift: number;
  cells: number;
  /** Cell edges x_0 … x_M. */
  xs: Float64Array;
  /** Normalised cumulative mass at the edges, C_0 = 0 … C_M = 1. */
  cs: Float64Array;
  /** Normalised density at the edges. */
  ds: Float64Array;
  /** Per cell: x_i, h_i, c1, c2, c3, 1/ΔC_i (stride 6). */
  coef: Float64Array;
  /** Guide table: guide[j] = first cell whose upper CDF exceeds j/G. */
  guide: Int32Array;
  /** Max |F(F̂⁻¹(u)) − u| over the check points. */
  uError: number;
  /** Normalised density (for overlays and KS). */
  pdf(x: number): number;
  cdf(x: number): number;
  quantile(u: number): number;
}

function glCell(g: (x: number) => number, a: number, b: number): number {
  const h = (b - a) / 2,
    m = (a + b) / 2;
  let s = 0;
  for (let k = 0; k < 5; k++) s += GL5_WEIGHTS[k] * g(m + h * GL5_NODES[k]);
  return s * h;
}

/**
 * Builds the table for log f on [lo, hi] (finite). `logMax` is used as the shift so exp never
 * overflows. Cells are refined (bisected) where the Gauss–Legendre mass disagrees with two halves or
 * the inverse misses the u-error target, up to maxCells.
 */
export function buildCdf(
  logf: (x: number) => number,
  lo: number,
  hi: number,
  logMax: number,
  opts: { uTarget?: number; maxCells?: number; edges?: number[] } = {},
): CdfTable {
  const uTarget = opts.uTarget ?? 1e-10;
  const maxCells = opts.maxCells ?? 1 << 16;
  const g = (x: number): number => {
    const v = Math.exp(logf(x) - logMax);
    return Number.isFinite(v) ? v : 0;
  };
  // Start with 512 equal cells merged with the suggested edges, then bisect cells whose 5-point
  // mass disagrees with two halves.
  const m0 = 512;
  const start: number[] = [];
  for (let i = 0; i <= m0; i++) start.push(lo + ((hi - lo) * i) / m0);
  for (const e of opts.edges ?? []) if (e > lo && e < hi) start.push(e);
  start.sort((a, b) => a - b);
  let edges: number[] = start.filter((v, i) => i === 0 || v > start[i - 1]);
  let masses = edges.slice(1).map((b, i) => glCell(g, edges[i], b));
  for (let pass = 0; pass < 12; pass++) {
    const total = masses.reduce((s, v) => s + v, 0);
    const ne: number[] = [edges[0]];
    const nm: number[] = [];
    let split = 0;
    for (let i = 0; i < masses.length; i++) {
      const a = edges[i],
        b = edges[i + 1],
        mid = (a + b) / 2;
      const m1 = glCell(g, a, mid),
        m2 = glCell(g, mid, b);
      if (Math.abs(m1 + m2 - masses[i]) > 1e-13 * total && edges.length + split < maxCells) {
        ne.push(mid, b);
        nm.push(m1, m2);
        split++;
      } else {
        ne.push(b);
        nm.push(m1 + m2);
      }
    }
    edges = ne;
    masses = nm;
    if (split === 0) break;
  }
  let table = assemble(g, edges, masses, logMax);
  // Refine on the u-error: bisect cells whose inverse misses the target, a few rounds.
  for (let round = 0; round < 6 && table.uError > uTarget && edges.length < maxCells; round++) {
    const bad = cellErrors(table, g).map((e) => e > uTarget);
    const ne: number[] = [edges[0]];
    const nm: number[] = [];
    for (let i = 0; i < masses.length; i++) {
      const a = edges[i],
        b = edges[i + 1];
      if (bad[i] && ne.length + (masses.length - i) < maxCells) {
        const mid = (a + b) / 2;
        ne.push(mid, b);
        nm.push(glCell(g, a, mid), glCell(g, mid, b));
      } else {
        ne.push(b);
        nm.push(masses[i]);
      }
    }
    edges = ne;
    masses = nm;
    table = assemble(g, edges, masses, logMax);
  }
  return table;
}

function assemble(
  g: (x: number) => number,
  edges: number[],
  masses: number[],
  shift: number,
): CdfTable {
  const M = masses.length;
  const xs = Float64Array.from(edges);
  const cs = new Float64Array(M + 1);
  let acc = 0;
  for (let i = 0; i < M; i++) {
    acc += masses[i];
    cs[i + 1] = acc;
  }
  const z = acc;
  if (!(z > 0) || !Number.isFinite(z))
    throw new Error('the density integrates to 0 or infinity on the range');
  for (let i = 1; i <= M; i++) cs[i] /= z;
  cs[M] = 1;
  const ds = new Float64Array(M + 1);
  for (let i = 0; i <= M; i++) ds[i] = g(xs[i]) / z;
  const coef = new Float64Array(6 * M);
  for (let i = 0; i < M; i++) {
    const h = xs[i + 1] - xs[i];
    const dc = cs[i + 1] - cs[i];
    let m0 = 1,
      m1 = 1;
    if (dc > 0) {
      // Slopes in the normalised variable t = (u − C_i)/ΔC: m = (dx/du)·ΔC/h = ΔC/(h·f̂). Clipping to
      // [0, 3] keeps the cubic monotone (Fritsch–Carlson); where f ≈ 0 the slope is capped at 3.
      m0 = ds[i] > 0 ? Math.min(3, dc / (h * ds[i])) : 3;
      m1 = ds[i + 1] > 0 ? Math.min(3, dc / (h * ds[i + 1])) : 3;
    }
    const o = 6 * i;
    coef[o] = xs[i];
    coef[o + 1] = h;
    coef[o + 2] = m0;
    coef[o + 3] = 3 - 2 * m0 - m1;
    coef[o + 4] = m0 + m1 - 2;
    coef[o + 5] = dc > 0 ? 1 / dc : 0;
  }
  const G = M;
  const guide = new Int32Array(G + 1);
  let c = 0;
  for (let j = 0; j <= G; j++) {
    const u = j / G;
    while (c < M - 1 && cs[c + 1] <= u) c++;
    guide[j] = c;
  }
  const pdf = (x: number): number => (x < xs[0] || x > xs[M] ? 0 : g(x) / z);
  const cdf = (x: number): number => {
    if (x <= xs[0]) return 0;
    if (x >= xs[M]) return 1;
    let a = 0,
      b = M;
    while (b - a > 1) {
      const mid = (a + b) >> 1;
      if (xs[mid] <= x) a = mid;
      else b = mid;
    }
    return Math.min(1, cs[a] + glCell(g, xs[a], x) / z);
  };
  const table: CdfTable = {
    lo: xs[0],
    hi: xs[M],
    z,
    shift,
    cells: M,
    xs,
    cs,
    ds,
    coef,
    guide,
    uError: 0,
    pdf,
    cdf,
    quantile: (u: number) => invert(table, u),
  };
  table.uError = Math.max(...cellErrors(table, g));
  return table;
}

/** F̂⁻¹(u): guide table, forward search, cubic. */
export function invert(t: CdfTable, u: number): number {
  const cs = t.cs,
    coef = t.coef,
    M = t.cells;
  let i = t.guide[(u * M) | 0];
  while (i < M - 1 && cs[i + 1] <= u) i++;
  const o = 6 * i;
  const s = (u - cs[i]) * coef[o + 5];
  return coef[o] + coef[o + 1] * s * (coef[o + 2] + s * (coef[o + 3] + s * coef[o + 4]));
}

/** Max u-error per cell, checked at t = 1/4, 1/2, 3/4 with the exact cell-local CDF. */
function cellErrors(t: CdfTable, g: (x: number) => number): number[] {
  const errs: number[] = [];
  for (let i = 0; i < t.cells; i++) {
    const dc = t.cs[i + 1] - t.cs[i];
    let e = 0;
    if (dc > 0) {
      for (const q of [0.25, 0.5, 0.75]) {
        const u = t.cs[i] + q * dc;
        const x = invert(t, u);
        const fx = t.cs[i] + glCell(g, t.xs[i], x) / t.z;
        e = Math.max(e, Math.abs(fx - u));
      }
    }
    errs.push(e);
  }
  return errs;
}

/** Fills out[from..to) with inverse-CDF draws; the hot loop of the inverse-CDF sampler. */
export function fillInverseCdf(
  t: CdfTable,
  rng: Rng,
  out: Float64Array,
  from: number,
  to: number,
): void {
  const cs = t.cs,
    coef = t.coef,
    guide = t.guide,
    M = t.cells,
    last = M - 1;
  for (let k = from; k < to; k++) {
    const u = rng.uniform();
    let i = guide[(u * M) | 0];
    while (i < last && cs[i + 1] <= u) i++;
    const o = 6 * i;
    const s = (u - cs[i]) * coef[o + 5];
    out[k] = coef[o] + coef[o + 1] * s * (coef[o + 2] + s * (coef[o + 3] + s * coef[o + 4]));
  }
}
