// Where a 2-D plot sits: equal scales on x and y (pixels per unit the same both ways) in the side
// bar's 276 px and the editor tab's 1076 px, within the height allowed, and a capped aspect said
// to be so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { axisTicks, MAX_ASPECT, plotFrame, scalesEqual } from '../../../webview/plotFrame';

const perUnit = (f: ReturnType<typeof plotFrame>, x: [number, number], y: [number, number]) => ({
  x: f.width / (x[1] - x[0]),
  y: f.height / (y[1] - y[0]),
});

test('a square range is drawn square, filling the side bar’s width', () => {
  const f = plotFrame(276, [-3, 3], [-3, 3], 28, 480);
  assert.equal(f.width, 220);
  assert.equal(f.height, 220);
  assert.equal(f.left, 28);
  assert.equal(f.outerHeight, 276);
  assert.equal(f.equalScales, true);
});

test('in the wide editor tab the height is capped and the square area centred across', () => {
  const f = plotFrame(1076, [-5, 5], [-5, 5], 28, 480);
  assert.equal(f.height, 480);
  assert.equal(f.width, 480);
  assert.equal(f.left, (1076 - 480) / 2);
  assert.equal(f.outerHeight, 536);
});

test('a range twice as wide as tall keeps one unit the same pixels both ways', () => {
  const x: [number, number] = [-4, 4],
    y: [number, number] = [0, 4];
  for (const w of [276, 700, 1076]) {
    const f = plotFrame(w, x, y, 28, 480);
    const s = perUnit(f, x, y);
    assert.ok(Math.abs(s.x - s.y) < 1e-9, `${w} px: ${s.x} vs ${s.y}`);
    assert.ok(f.left >= 28 - 1e-9 && f.left + f.width <= w - 28 + 1e-9, `${w} px fits`);
    assert.equal(f.equalScales, true);
  }
});

test('the funnel’s 60 × 8 range is capped at MAX_ASPECT and says its scales differ', () => {
  const f = plotFrame(1076, [-30, 30], [-4, 4], 28, 480);
  assert.ok(Math.abs(f.width / f.height - MAX_ASPECT) < 1e-9);
  assert.equal(f.equalScales, false);
  const tall = plotFrame(276, [-1, 1], [-30, 30], 28, 480);
  assert.ok(Math.abs(tall.height / tall.width - MAX_ASPECT) < 1e-9, JSON.stringify(tall));
  assert.ok(tall.height <= 480);
});

test('an empty or infinite range is drawn square, never NaN', () => {
  for (const r of [
    [1, 1],
    [0, Infinity],
    [NaN, 2],
  ] as [number, number][]) {
    const f = plotFrame(300, r, [0, 1], 28, 480);
    assert.equal(f.width, f.height);
    assert.ok(Number.isFinite(f.outerHeight));
  }
});

test('the gallery’s ranges: banana and donut at equal scales, the funnel not', () => {
  // The banana's and donut's ranges as the sampler chooses them; the funnel's as the gallery sets.
  assert.equal(scalesEqual([-3.63, 3.63], [-2.74, 13.02]), true);
  assert.equal(scalesEqual([-2.75, 2.75], [-2.75, 2.75]), true);
  assert.equal(scalesEqual([-30, 30], [-4, 4]), false);
});

test('axis ticks are round numbers within the range, 0 included, labelled without float noise', () => {
  const labels = (lo: number, hi: number, n: number): string[] =>
    axisTicks(lo, hi, n).map((t) => t.label);
  assert.deepEqual(labels(-3, 3, 7), ['-3', '-2', '-1', '0', '1', '2', '3']);
  assert.deepEqual(labels(-3, 3, 4), ['-2', '0', '2']);
  assert.deepEqual(labels(-30, 30, 5), ['-20', '0', '20']);
  assert.deepEqual(labels(-0.5, 0.5, 3), ['-0.5', '0', '0.5']);
  assert.deepEqual(labels(0, 1, 5), ['0', '0.25', '0.5', '0.75', '1']);
  assert.deepEqual(labels(-3.5, 3.5, 4), ['-2.5', '0', '2.5']);
  assert.deepEqual(labels(0.1, 0.35, 6), ['0.1', '0.15', '0.2', '0.25', '0.3', '0.35']);
  assert.deepEqual(labels(-4, 13, 6), ['0', '5', '10']);
  assert.deepEqual(labels(1e-3, 3e-3, 3), ['0.001', '0.002', '0.003']);
  for (const [lo, hi, n] of [
    [-3.6, 3.6, 7],
    [-12.5, 3.1, 4],
    [2, 2000, 6],
  ]) {
    const t = axisTicks(lo, hi, n);
    assert.ok(t.length >= 2 && t.length <= n + 1, `${lo}…${hi}: ${t.length} ticks`);
    for (const { value } of t) assert.ok(value >= lo - 1e-9 && value <= hi + 1e-9, `${value}`);
  }
  assert.deepEqual(axisTicks(1, 1, 5), []);
  assert.deepEqual(axisTicks(0, Infinity, 5), []);
});
