// Preparation of chart data: smoothing, downsampling, histogram scaling, time-left estimates,
// number formatting. Pure functions (no DOM) so they are unit-tested in Node and the view code only
// has to hand the results to Chart.js.

import type { ProgressSample } from '../src/common/liveTrain';
import { smoothSeries, stepUnit } from './smoothing';

export interface Pt {
  x: number;
  y: number;
}

/**
 * Largest-Triangle-Three-Buckets downsampling: keeps the first and last point and, per bucket, the
 * point that spans the largest triangle, so spikes in a loss curve survive being cut to a few
 * hundred points (a plain stride would drop them at random).
 */
export function lttb(points: readonly Pt[], threshold: number): Pt[] {
  const n = points.length;
  if (threshold >= n || threshold < 3) return points.slice();
  const out: Pt[] = [points[0]];
  const every = (n - 2) / (threshold - 2);
  let a = 0;
  for (let i = 0; i < threshold - 2; i++) {
    const avgStart = Math.floor((i + 1) * every) + 1;
    const avgEnd = Math.min(Math.floor((i + 2) * every) + 1, n);
    let ax = 0;
    let ay = 0;
    for (let j = avgStart; j < avgEnd; j++) {
      ax += points[j].x;
      ay += points[j].y;
    }
    const len = Math.max(avgEnd - avgStart, 1);
    ax /= len;
    ay /= len;
    const start = Math.floor(i * every) + 1;
    const end = Math.floor((i + 1) * every) + 1;
    let best = start;
    let bestArea = -1;
    const pa = points[a];
    for (let j = start; j < end; j++) {
      const area = Math.abs(
        (pa.x - ax) * (points[j].y - pa.y) - (pa.x - points[j].x) * (ay - pa.y),
      );
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    out.push(points[best]);
    a = best;
  }
  out.push(points[n - 1]);
  return out;
}

/**
 * Raw + smoothed loss series for one model, cut to at most `maxPoints` for drawing. Smoothing runs on
 * every stored point before the cut, over samples seen (`unit`: one step's samples, see
 * smoothing.ts), whatever the x axis shown; `shownX` gives each point's x on that axis.
 */
export function lossSeries(
  points: readonly [number, number][],
  smoothing: number,
  maxPoints: number,
  unit?: number,
  shownX?: readonly number[],
): { raw: Pt[]; smooth: Pt[] } {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const sm = smoothSeries(xs, ys, smoothing, unit ?? stepUnit(xs));
  const at = shownX && shownX.length === points.length ? shownX : xs;
  const raw = points.map((p, i) => ({ x: at[i], y: p[1] }));
  const smooth = points.map((_, i) => ({ x: at[i], y: sm[i] }));
  return { raw: lttb(raw, maxPoints), smooth: lttb(smooth, maxPoints) };
}

/**
 * Histogram counts → density (count / (N · width)), so bars and the true density share one y axis.
 * N is the sum of the counts unless `all` gives the number of draws including those outside the bins.
 */
export function histogramDensity(
  edges: readonly number[],
  counts: readonly number[],
  all?: number,
): Pt[] {
  let total = 0;
  for (const c of counts) total += c;
  if (all !== undefined && all > total) total = all;
  const out: Pt[] = [];
  for (let i = 0; i < counts.length; i++) {
    const w = edges[i + 1] - edges[i];
    out.push({
      x: (edges[i] + edges[i + 1]) / 2,
      y: total > 0 && w > 0 ? counts[i] / (total * w) : 0,
    });
  }
  return out;
}

/**
 * Seconds left, from the rate over the last `windowMs` of progress (a recent window follows the
 * switch from a fast MLP to a slow CNN within one comparison). Null until there is a rate.
 */
export function estimateTimeLeft(
  history: readonly ProgressSample[],
  total: number,
  windowMs = 15000,
): number | null {
  if (history.length < 2) return null;
  const last = history[history.length - 1];
  let first = history[0];
  for (let i = history.length - 2; i >= 0; i--) {
    first = history[i];
    if (last.t - history[i].t >= windowMs) break;
  }
  const dt = (last.t - first.t) / 1000;
  const ds = last.seen - first.seen;
  if (dt <= 0 || ds <= 0) return null;
  return Math.max(0, (total - last.seen) / (ds / dt));
}

/** Samples per second over the same recent window. */
export function recentRate(history: readonly ProgressSample[], windowMs = 5000): number | null {
  if (history.length < 2) return null;
  const last = history[history.length - 1];
  let first = history[0];
  for (let i = history.length - 2; i >= 0; i--) {
    first = history[i];
    if (last.t - history[i].t >= windowMs) break;
  }
  const dt = (last.t - first.t) / 1000;
  return dt > 0 ? (last.seen - first.seen) / dt : null;
}

// ───────────── formatting ─────────────

export function fmtNum(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return Number(v.toPrecision(digits)).toString();
}

export { fmtInt } from '../src/common/numberText';

/** 1.2 M, 35 k, 812: compact counts for headers and axis ticks. */
export function fmtCompact(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a >= 1e9) return `${Number((v / 1e9).toPrecision(3))} G`;
  if (a >= 1e6) return `${Number((v / 1e6).toPrecision(3))} M`;
  if (a >= 1e4) return `${Number((v / 1e3).toPrecision(3))} k`;
  return String(Number(v.toPrecision(4)));
}

export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  if (seconds < 9.95) return `${Number(seconds.toFixed(seconds < 1 ? 2 : 1))} s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export function fmtPercent(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `${(v * 100).toFixed(digits)} %`;
}

/** R-hat ≥ 1.01 means the chains disagree (Vehtari et al. 2021); NaN (one chain) is not flagged. */
export function rhatFlag(rhat: number | null | undefined): boolean {
  return typeof rhat === 'number' && Number.isFinite(rhat) && rhat >= 1.01;
}

/** A run's colour key: built-in nets get fixed colours so MLP and CNN always look the same. */
export const MODEL_COLORS = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'] as const;
export type ChartColorName = (typeof MODEL_COLORS)[number];
export function modelColor(model: string): ChartColorName {
  const m = model.toLowerCase();
  if (m === 'mlp') return 'blue';
  if (m === 'cnn') return 'orange';
  let h = 0;
  for (let i = 0; i < m.length; i++) h = (h * 31 + m.charCodeAt(i)) >>> 0;
  return MODEL_COLORS[2 + (h % (MODEL_COLORS.length - 2))];
}

/** A 5-stop viridis ramp, readable on dark and light backgrounds and for colour-blind readers. */
const VIRIDIS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
export function viridis(t: number): [number, number, number] {
  const u = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(u), VIRIDIS.length - 2);
  const f = u - i;
  const a = VIRIDIS[i];
  const b = VIRIDIS[i + 1];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/**
 * A row-major grid (row 0 = lowest y) → RGBA pixels with row 0 at the top, as ImageData wants, the
 * values scaled to the grid's maximum.
 */
export function heatmapPixels(
  nx: number,
  ny: number,
  values: readonly number[],
): Uint8ClampedArray<ArrayBuffer> {
  let max = 0;
  for (const v of values) if (Number.isFinite(v) && v > max) max = v;
  const px = new Uint8ClampedArray(new ArrayBuffer(nx * ny * 4));
  for (let yi = 0; yi < ny; yi++) {
    for (let xi = 0; xi < nx; xi++) {
      const v = values[yi * nx + xi];
      const [r, g, b] = viridis(max > 0 ? v / max : 0);
      const o = ((ny - 1 - yi) * nx + xi) * 4;
      px[o] = r;
      px[o + 1] = g;
      px[o + 2] = b;
      px[o + 3] = 255;
    }
  }
  return px;
}
