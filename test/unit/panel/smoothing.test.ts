// The loss smoother against values worked out by hand (not by the code under test): TensorBoard's
// debiased EMA on evenly spaced points, and the time weighting on thinned ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { smoothSeries, stepUnit } from '../../../webview/smoothing';

const close = (a: readonly number[], b: readonly number[]): void => {
  assert.equal(a.length, b.length);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-12, `[${i}] ${v} ≠ ${b[i]}`));
};

test('evenly spaced: TensorBoard debiased EMA, worked by hand', () => {
  // w = 0.5, y = 1, 0, 0: numerators 0.5, 0.25, 0.125 over weights 0.5, 0.75, 0.875.
  close(smoothSeries([0, 1, 2], [1, 0, 0], 0.5, 1), [1, 1 / 3, 1 / 7]);
  // w = 0.6, unit 10, y = 2, 4: sum = 0.4·2·0.6 + 0.4·4 = 2.08, norm = 0.4·0.6 + 0.4 = 0.64.
  close(smoothSeries([10, 20], [2, 4], 0.6, 10), [2, 2.08 / 0.64]);
});

test('debiased: a constant curve stays constant from its first point', () => {
  const s = smoothSeries([1, 2, 3, 4, 5], [2.3, 2.3, 2.3, 2.3, 2.3], 0.99, 1);
  close(s, [2.3, 2.3, 2.3, 2.3, 2.3]);
});

test('time-weighted: a thinned point counts as the steps it stands for', () => {
  // x = 0, 2 with unit 1 is y = 1 then 0 held for two steps: the same as 1, 0, 0 evenly spaced.
  close(smoothSeries([0, 2], [1, 0], 0.5, 1), [1, 1 / 7]);
  // An index-based EMA would give 1/3 here: the thinned point would count as one step.
  const dense = smoothSeries([0, 1, 2, 3, 4], [3, 1, 1, 5, 5], 0.7, 1);
  const thinned = smoothSeries([0, 2, 4], [3, 1, 5], 0.7, 1);
  assert.ok(Math.abs(dense[4] - thinned[2]) < 1e-12);
  assert.ok(Math.abs(dense[2] - thinned[1]) < 1e-12);
});

test('weight 0 is the raw curve; the weight is clamped to 0–0.99', () => {
  close(smoothSeries([0, 1, 2], [3, 1, 4], 0, 1), [3, 1, 4]);
  close(smoothSeries([0, 1], [1, 0], 5, 1), smoothSeries([0, 1], [1, 0], 0.99, 1));
  // 0.99: sum = 0.01·0.99 = 0.0099, norm = 0.0099 + 0.01 = 0.0199.
  close(smoothSeries([0, 1], [1, 0], 0.99, 1), [1, 0.0099 / 0.0199]);
});

test('a non-finite loss adds nothing and never drags the curve', () => {
  const s = smoothSeries([0, 1, 2], [1, NaN, 1], 0.5, 1);
  assert.equal(s[1], 1);
  assert.equal(s[2], 1);
  assert.ok(Number.isNaN(smoothSeries([0], [NaN], 0.5, 1)[0]));
});

test('stepUnit ignores a short last batch and the thinned stretches', () => {
  // Batches of 64, one short batch of 32 at an epoch end, and an old stretch thinned to 128.
  const xs = [0, 128, 256, 384, 448, 512, 576, 608, 672, 736, 800];
  assert.equal(stepUnit(xs), 64);
  assert.equal(stepUnit([5]), 1);
});
