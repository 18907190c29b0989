// Contour lines and marginals of a density sampled on a grid, for the playground's 2-D plot and the
// Sampling tab's 2-D cards. Pure
// geometry on the grid the step trace carries (row-major, nx × ny values at evenly spaced points
// that include both ends of each range), so it is unit-tested in Node against closed forms.

export interface Grid {
  nx: number;
  ny: number;
  values: readonly number[];
}

/** A segment from (x1, y1) to (x2, y2) in grid units: x = i is the i-th grid column. */
export type Segment = [number, number, number, number];

/**
 * The contour of `grid` at `level` by marching squares, as unordered segments with each end on a
 * cell edge, placed by linear interpolation between the edge's two values. A cell with a value
 * that is not a number is skipped: a line through it would be a guess. In a saddle cell (two
 * opposite corners above the level, two below) the mean of the four corners decides which pair is
 * joined through the middle.
 */
export function contourSegments(grid: Grid, level: number): Segment[] {
  const { nx, ny, values } = grid;
  const out: Segment[] = [];
  if (!Number.isFinite(level) || nx < 2 || ny < 2 || values.length < nx * ny) return out;
  // Where the level crosses the edge from corner p to corner q (value vp, vq), as t ∈ [0, 1].
  const cut = (vp: number, vq: number): number => (vp === vq ? 0.5 : (level - vp) / (vq - vp));
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      // Corners counter-clockwise from the bottom left.
      const a = values[j * nx + i],
        b = values[j * nx + i + 1],
        c = values[(j + 1) * nx + i + 1],
        d = values[(j + 1) * nx + i];
      if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d)))
        continue;
      const A = a >= level,
        B = b >= level,
        C = c >= level,
        D = d >= level;
      if (A === B && B === C && C === D) continue;
      // The crossing on each edge: bottom a→b, right b→c, top d→c, left a→d.
      const bottom = (): [number, number] => [i + cut(a, b), j];
      const right = (): [number, number] => [i + 1, j + cut(b, c)];
      const top = (): [number, number] => [i + cut(d, c), j + 1];
      const left = (): [number, number] => [i, j + cut(a, d)];
      const seg = (p: [number, number], q: [number, number]): void => {
        out.push([p[0], p[1], q[0], q[1]]);
      };
      if (A === C && B === D) {
        // Saddle: cut off the two corners on the other side from the cell's middle.
        const mid = (a + b + c + d) / 4 >= level;
        if (mid === A) {
          seg(bottom(), right()); // corner b alone
          seg(top(), left()); // corner d alone
        } else {
          seg(left(), bottom()); // corner a alone
          seg(right(), top()); // corner c alone
        }
        continue;
      }
      const pts: [number, number][] = [];
      if (A !== B) pts.push(bottom());
      if (B !== C) pts.push(right());
      if (D !== C) pts.push(top());
      if (A !== D) pts.push(left());
      seg(pts[0], pts[1]);
    }
  }
  return out;
}

/** The shares of the density's mass the drawn contour lines enclose. */
export const CONTOUR_MASS: readonly number[] = [0.5, 0.8, 0.95];

/** Said under a plot with the contour lines of CONTOUR_MASS. */
export const CONTOUR_NOTE = `Contour lines enclose ${CONTOUR_MASS.map((p) => `${p * 100} %`).join(', ')} of the density.`;

/** The contour lines enclosing CONTOUR_MASS of the grid's mass, one list per level. */
export function massContours(grid: Grid): Segment[][] {
  return massLevels(grid.values, CONTOUR_MASS).map((level) => contourSegments(grid, level));
}

/**
 * The levels whose contours enclose the given fractions of the grid's mass (highest-density
 * regions): for each p, the largest value v such that the points with values ≥ v hold at least
 * p of the total. Empty when the grid holds no positive finite mass (nothing honest to draw).
 */
export function massLevels(values: readonly number[], fractions: readonly number[]): number[] {
  const v = values.filter((x) => Number.isFinite(x) && x > 0).sort((p, q) => q - p);
  let total = 0;
  for (const x of v) total += x;
  if (!(total > 0)) return [];
  return fractions.map((p) => {
    let acc = 0;
    for (const x of v) {
      acc += x;
      if (acc >= p * total) return x;
    }
    return v[v.length - 1];
  });
}

/**
 * The marginal density along one axis of a grid over [lo, hi] × [loY, hiY]: the other axis
 * integrated out by the trapezoid rule, then normalised to integrate to 1 over [lo, hi] of the
 * kept axis. Null when a value is not a number or there is no mass: no curve beats a wrong one.
 */
export function gridMarginal(
  grid: Grid,
  axis: 0 | 1,
  range: readonly [number, number],
): { x: number[]; y: number[] } | null {
  const { nx, ny, values } = grid;
  if (nx < 2 || ny < 2 || values.length < nx * ny) return null;
  const n = axis === 0 ? nx : ny,
    m = axis === 0 ? ny : nx;
  const sums: number[] = [];
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let l = 0; l < m; l++) {
      const v = axis === 0 ? values[l * nx + k] : values[k * nx + l];
      if (!Number.isFinite(v)) return null;
      s += l === 0 || l === m - 1 ? v / 2 : v;
    }
    sums.push(s);
  }
  return normalisedCurve(sums, range);
}

/**
 * Values at evenly spaced points over [lo, hi] (both ends included) scaled to integrate to 1 by the
 * trapezoid rule, with their x. Null when a value is not a number or there is no mass.
 */
export function normalisedCurve(
  ys: readonly number[],
  range: readonly [number, number],
): { x: number[]; y: number[] } | null {
  const n = ys.length;
  const [lo, hi] = range;
  if (n < 2 || !(hi > lo)) return null;
  const dx = (hi - lo) / (n - 1);
  let area = 0;
  for (let k = 0; k < n; k++) {
    if (!Number.isFinite(ys[k])) return null;
    area += (k === 0 || k === n - 1 ? ys[k] / 2 : ys[k]) * dx;
  }
  if (!(area > 0) || !Number.isFinite(area)) return null;
  return { x: ys.map((_, k) => lo + k * dx), y: ys.map((v) => v / area) };
}

/**
 * Counts of `xs` in `bins` equal bins over [lo, hi] (the top edge belongs to the last bin), and
 * how many fell outside, so a density drawn from the counts can divide by every draw.
 */
export function binCounts(
  xs: readonly number[],
  lo: number,
  hi: number,
  bins: number,
): { edges: number[]; counts: number[]; outside: number } {
  const edges = Array.from({ length: bins + 1 }, (_, k) => lo + ((hi - lo) * k) / bins);
  const counts = new Array<number>(bins).fill(0);
  let outside = 0;
  for (const x of xs) {
    if (!(x >= lo && x <= hi)) {
      outside++;
      continue;
    }
    counts[Math.min(bins - 1, Math.floor(((x - lo) / (hi - lo)) * bins))]++;
  }
  return { edges, counts, outside };
}
