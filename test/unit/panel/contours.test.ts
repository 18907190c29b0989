// The playground's grid geometry against closed forms: contour lines of a radial Gaussian lie on
// circles of the radius the level gives and close up; the levels enclosing a mass fraction p of a
// 2-D standard normal are (1 − p) of its peak; a marginal integrates the other axis out; a saddle
// cell is resolved by its mean; cells with unknown values draw nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  binCounts,
  contourSegments,
  gridMarginal,
  massLevels,
  normalisedCurve,
  type Grid,
} from '../../../webview/contours';

/** f on an n × n grid over [lo, hi]², row-major (row j is y_j), both ends included. */
function grid(f: (x: number, y: number) => number, n: number, lo: number, hi: number): Grid {
  const at = (k: number): number => lo + ((hi - lo) * k) / (n - 1);
  const values: number[] = [];
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) values.push(f(at(i), at(j)));
  return { nx: n, ny: n, values };
}

const gauss = (x: number, y: number): number => Math.exp(-(x * x + y * y) / 2);

test('a Gaussian’s contour at level c lies on the circle of radius √(−2 ln c) and closes', () => {
  const n = 81,
    lo = -4,
    hi = 4;
  const step = (hi - lo) / (n - 1);
  const g = grid(gauss, n, lo, hi);
  for (const c of [0.2, 0.5, 0.9]) {
    const segs = contourSegments(g, c);
    const r = Math.sqrt(-2 * Math.log(c));
    assert.ok(segs.length > 10, `level ${c}: ${segs.length} segments`);
    let worst = 0;
    const ends = new Map<string, number>();
    for (const [a, b, p, q] of segs) {
      for (const [i, j] of [
        [a, b],
        [p, q],
      ]) {
        const x = lo + i * step,
          y = lo + j * step;
        worst = Math.max(worst, Math.abs(Math.hypot(x, y) - r));
        const key = `${i.toFixed(9)},${j.toFixed(9)}`;
        ends.set(key, (ends.get(key) ?? 0) + 1);
      }
    }
    // Linear interpolation of a curved surface: off by a small part of a cell, not more.
    assert.ok(worst < 0.2 * step, `level ${c}: worst radius error ${worst}`);
    // A closed curve: every end point is shared by exactly two segments.
    for (const [k, v] of ends) assert.equal(v, 2, `end ${k} used ${v} times at level ${c}`);
  }
});

test('the levels enclosing 50 %, 80 %, 95 % of a 2-D standard normal are 0.5, 0.2, 0.05 of its peak', () => {
  // P(r ≤ ρ) = 1 − exp(−ρ²/2), and the density there is exp(−ρ²/2) of the peak: level = 1 − p.
  const g = grid(gauss, 301, -7, 7);
  const levels = massLevels(g.values, [0.5, 0.8, 0.95]);
  const want = [0.5, 0.2, 0.05];
  levels.forEach((l, k) => assert.ok(Math.abs(l - want[k]) < 0.01, `level ${l} vs ${want[k]}`));
  assert.deepEqual(massLevels([0, 0, NaN], [0.5]), []);
});

test('the marginal of exp(−x²/2)·exp(−|y|) in x is the standard normal density', () => {
  const n = 161,
    lo = -6,
    hi = 6;
  const g = grid((x, y) => Math.exp((-x * x) / 2 - Math.abs(y)), n, lo, hi);
  const mx = gridMarginal(g, 0, [lo, hi]);
  assert.ok(mx);
  let worst = 0;
  mx.x.forEach((x, k) => {
    worst = Math.max(worst, Math.abs(mx.y[k] - Math.exp((-x * x) / 2) / Math.sqrt(2 * Math.PI)));
  });
  assert.ok(worst < 1e-3, `x marginal off by ${worst}`);
  // In y it is the Laplace density ½·exp(−|y|), cut to [−6, 6] (mass 1 − e⁻⁶).
  const my = gridMarginal(g, 1, [lo, hi]);
  assert.ok(my);
  const z = 1 - Math.exp(-6);
  let worstY = 0;
  my.x.forEach((y, k) => {
    worstY = Math.max(worstY, Math.abs(my.y[k] - Math.exp(-Math.abs(y)) / 2 / z));
  });
  assert.ok(worstY < 1e-2, `y marginal off by ${worstY}`);
  // Unknown values or no mass give no curve, not a flat one.
  assert.equal(gridMarginal({ nx: 2, ny: 2, values: [1, NaN, 1, 1] }, 0, [0, 1]), null);
  assert.equal(gridMarginal({ nx: 2, ny: 2, values: [0, 0, 0, 0] }, 1, [0, 1]), null);
  assert.equal(normalisedCurve([1, 1], [1, 1]), null);
  assert.deepEqual(normalisedCurve([1, 1, 1], [0, 2])?.y, [0.5, 0.5, 0.5]);
});

test('a saddle cell joins the pair its mean is on; unknown cells draw nothing', () => {
  // Row-major [a, b, d, c]: corners a (0, 0) and c (1, 1) high, b (1, 0) and d (0, 1) low.
  const high = contourSegments({ nx: 2, ny: 2, values: [1, 0, 0, 0.9] }, 0.5);
  // Mean 0.475 < 0.5: a and c are cut off alone, each by a segment across its corner.
  assert.equal(high.length, 2);
  const nearA = high.find(([a, b, c, d]) => a + b + c + d < 2);
  assert.ok(nearA);
  const mid = contourSegments({ nx: 2, ny: 2, values: [1, 0.2, 0.2, 1] }, 0.5);
  // Mean 0.6 ≥ 0.5: the low corners b and d are cut off instead.
  assert.equal(mid.length, 2);
  for (const [a, b, c, d] of mid) {
    const cx = (a + c) / 2,
      cy = (b + d) / 2;
    assert.ok((cx > 0.5 && cy < 0.5) || (cx < 0.5 && cy > 0.5), `segment at ${cx}, ${cy}`);
  }
  assert.deepEqual(contourSegments({ nx: 2, ny: 2, values: [1, NaN, 0, 0] }, 0.5), []);
  assert.deepEqual(contourSegments({ nx: 2, ny: 2, values: [1, 1, 0, 0] }, NaN), []);
  // One edge crossing pair: the level 0.25 on a ramp from 0 to 1 in x is the line x = 0.25.
  const ramp = contourSegments({ nx: 2, ny: 2, values: [0, 1, 0, 1] }, 0.25);
  assert.deepEqual(ramp, [[0.25, 0, 0.25, 1]]);
});

test('binCounts counts the top edge in the last bin and reports what fell outside', () => {
  const r = binCounts([0, 0.5, 1, 2, -0.1, NaN], 0, 1, 2);
  assert.deepEqual(r.edges, [0, 0.5, 1]);
  assert.deepEqual(r.counts, [1, 2]);
  assert.equal(r.outside, 3);
});
