// Turning draws into what the panel plots: histograms, density overlays, thinned traces. Done in
// the worker so the webview only draws.
import type { RankEntries } from './drawRuns';
import type { Histogram, Histogram2D } from './types';

export function histogram(chains: Float64Array[], lo: number, hi: number, bins: number): Histogram {
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (const c of chains) {
    for (let i = 0; i < c.length; i++) {
      const v = c[i];
      if (!(v >= lo && v <= hi)) continue;
      counts[Math.min(bins - 1, Math.floor((v - lo) / w))]++;
    }
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  return { edges, counts };
}

/**
 * histogram() of draws sorted as entries (drawRuns.ts): histogramSorted's bisection over the
 * entries' values gives each bin's entries, and their draws are added up (one pass over the
 * entries in range, nothing allocated).
 */
export function histogramOfEntries(
  e: RankEntries,
  lo: number,
  hi: number,
  bins: number,
): Histogram {
  if (e.lenBits === 0) return histogramSorted(e.sorted, lo, hi, bins);
  const mask = (1 << e.lenBits) - 1;
  const packed = e.packed;
  return histogramSorted(e.sorted, lo, hi, bins, (from, to) => {
    let d = 0;
    for (let k = from; k < to; k++) d += (packed[k] & mask) + 1;
    return d;
  });
}

/**
 * histogram() of draws already sorted ascending, with the same counts: a draw's bin is a
 * non-decreasing function of the draw, so each bin's first draw is found by bisection.
 */
export function histogramSorted(
  sorted: Float64Array,
  lo: number,
  hi: number,
  bins: number,
  /** Draws the sorted values from … to − 1 stand for, when each may stand for several. */
  drawsIn: (from: number, to: number) => number = (from, to) => to - from,
): Histogram {
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  const n = sorted.length;
  // First index at or after `from` whose draw satisfies `past` (a predicate false then true).
  const first = (from: number, past: (v: number) => boolean): number => {
    let a = from,
      b = n;
    while (a < b) {
      const m = (a + b) >>> 1;
      if (past(sorted[m])) b = m;
      else a = m + 1;
    }
    return a;
  };
  const start = first(0, (v) => v >= lo);
  const end = first(start, (v) => v > hi);
  let at = start;
  for (let k = 0; k < bins; k++) {
    const next = first(at, (v) => v > hi || Math.min(bins - 1, Math.floor((v - lo) / w)) > k);
    counts[k] = drawsIn(at, Math.min(next, end));
    at = Math.min(next, end);
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * w);
  return { edges, counts };
}

export function histogram2d(
  xs: Float64Array[],
  ys: Float64Array[],
  xr: [number, number],
  yr: [number, number],
  bins: number,
): Histogram2D {
  const counts = new Array<number>(bins * bins).fill(0);
  const wx = (xr[1] - xr[0]) / bins,
    wy = (yr[1] - yr[0]) / bins;
  for (let c = 0; c < xs.length; c++) {
    const x = xs[c],
      y = ys[c];
    for (let i = 0; i < x.length; i++) {
      if (!(x[i] >= xr[0] && x[i] <= xr[1] && y[i] >= yr[0] && y[i] <= yr[1])) continue;
      const xi = Math.min(bins - 1, Math.floor((x[i] - xr[0]) / wx));
      const yi = Math.min(bins - 1, Math.floor((y[i] - yr[0]) / wy));
      counts[yi * bins + xi]++;
    }
  }
  return {
    xEdges: Array.from({ length: bins + 1 }, (_, i) => xr[0] + i * wx),
    yEdges: Array.from({ length: bins + 1 }, (_, i) => yr[0] + i * wy),
    counts,
  };
}

/** Every `stride`-th value, as a plain array (for JSON and postMessage). */
export function thin(c: ArrayLike<number>, stride: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < c.length; i += stride) out.push(c[i]);
  return out;
}

/** A plotting grid of n points on [lo, hi]. */
export function linspace(lo: number, hi: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}
