// Chart data preparation: smoothing, downsampling, histogram scaling, time left and formatting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  estimateTimeLeft,
  fmtCompact,
  fmtDuration,
  fmtInt,
  fmtNum,
  fmtPercent,
  heatmapPixels,
  histogramDensity,
  lossSeries,
  lttb,
  modelColor,
  recentRate,
  rhatFlag,
  viridis,
  type Pt,
} from '../../../webview/chartData';
import { decimate, SamplesAxis } from '../../../src/common/series';

test('lttb keeps both ends, the requested size and a lone spike', () => {
  const pts: Pt[] = Array.from({ length: 5000 }, (_, i) => ({
    x: i,
    y: i === 2500 ? 100 : Math.sin(i / 100),
  }));
  const out = lttb(pts, 300);
  assert.equal(out.length, 300);
  assert.deepEqual(out[0], pts[0]);
  assert.deepEqual(out[299], pts[4999]);
  assert.ok(
    out.some((p) => p.y === 100),
    'the spike survived',
  );
  for (let i = 1; i < out.length; i++) assert.ok(out[i].x > out[i - 1].x, 'x stays increasing');
  assert.equal(lttb(pts.slice(0, 10), 300).length, 10);
});

test('decimate halves a series over the cap and keeps the last point', () => {
  const a = Array.from({ length: 11 }, (_, i) => i);
  assert.deepEqual(decimate(a, 10), [0, 2, 4, 6, 8, 10]);
  assert.equal(decimate(a, 20), a);
});

test('lossSeries cuts a 60,000-image epoch (938 batches × 2 models) to the draw budget', () => {
  const pts: [number, number][] = Array.from({ length: 938 }, (_, i) => [
    (i + 1) * 64,
    2.3 * Math.exp(-i / 200),
  ]);
  const { raw, smooth } = lossSeries(pts, 0.6, 600);
  assert.equal(raw.length, 600);
  assert.equal(smooth.length, 600);
  assert.equal(raw[0].x, 64);
  assert.equal(raw[599].x, 938 * 64);
});

test('histogramDensity integrates to 1 over the bins', () => {
  const edges = [0, 0.5, 1, 2];
  const d = histogramDensity(edges, [10, 30, 60]);
  const area = d.reduce((a, p, i) => a + p.y * (edges[i + 1] - edges[i]), 0);
  assert.ok(Math.abs(area - 1) < 1e-12);
  assert.deepEqual(
    d.map((p) => p.x),
    [0.25, 0.75, 1.5],
  );
  assert.deepEqual(
    histogramDensity([0, 1], [0]).map((p) => p.y),
    [0],
  );
});

test('time left from a recent window; null without a rate', () => {
  assert.equal(estimateTimeLeft([], 100), null);
  assert.equal(estimateTimeLeft([{ t: 0, seen: 0 }], 100), null);
  // 1000 samples/s, 9000 to go.
  const h = Array.from({ length: 11 }, (_, i) => ({ t: i * 100, seen: i * 100 }));
  assert.equal(estimateTimeLeft(h, 10000), 9);
  // A slow phase after a fast one: the recent window wins.
  const mixed = [
    { t: 0, seen: 0 },
    { t: 1000, seen: 10000 },
    { t: 21000, seen: 12000 },
    { t: 41000, seen: 14000 },
  ];
  assert.equal(estimateTimeLeft(mixed, 24000, 15000), 100);
  assert.equal(recentRate(h), 1000);
  assert.equal(estimateTimeLeft(h, 500), 0);
});

test('SamplesAxis keeps x increasing whether the worker counts per epoch or cumulatively', () => {
  const a = new SamplesAxis();
  assert.deepEqual(
    [100, 200, 50, 100].map((s) => a.x('mlp', s)),
    [100, 200, 250, 300],
  );
  const b = new SamplesAxis();
  assert.deepEqual(
    [100, 200, 300].map((s) => b.x('cnn', s)),
    [100, 200, 300],
  );
  b.x('mlp', 10);
  assert.equal(b.total(), 310);
});

test('number formatting', () => {
  assert.equal(fmtNum(1.23456), '1.23');
  assert.equal(fmtNum(NaN), '—');
  assert.equal(fmtNum(null), '—');
  assert.equal(fmtNum(0.00001234), '1.23e-5');
  assert.equal(fmtInt(1234567), '1\u202f234\u202f567');
  assert.equal(fmtCompact(1_250_000), '1.25 M');
  assert.equal(fmtCompact(60000), '60 k');
  assert.equal(fmtCompact(812), '812');
  assert.equal(fmtCompact(Infinity), '—');
  assert.equal(fmtDuration(42), '42 s');
  assert.equal(fmtDuration(0.414), '0.41 s');
  assert.equal(fmtDuration(3.26), '3.3 s');
  assert.equal(fmtDuration(125), '2 min 05 s');
  assert.equal(fmtDuration(3 * 3600 + 60), '3 h 01 min');
  assert.equal(fmtPercent(0.9753), '97.53 %');
});

test('R-hat is flagged at 1.01 and above, not for NaN', () => {
  assert.equal(rhatFlag(1.0099), false);
  assert.equal(rhatFlag(1.01), true);
  assert.equal(rhatFlag(NaN), false);
  assert.equal(rhatFlag(null), false);
});

test('MLP and CNN always get their own colours', () => {
  assert.equal(modelColor('mlp'), 'blue');
  assert.equal(modelColor('CNN'), 'orange');
  assert.notEqual(modelColor('Net'), 'blue');
  assert.notEqual(modelColor('Net'), 'orange');
  assert.equal(modelColor('Net'), modelColor('Net'));
});

test('heat map pixels: row 0 of the grid (lowest y) is the bottom row of the image', () => {
  const px = heatmapPixels(2, 2, [0, 0, 0, 1]);
  assert.equal(px.length, 16);
  // The maximum (x=1, y=1) is top right: pixel index 1.
  assert.deepEqual([...px.slice(4, 8)], [...viridis(1), 255]);
  assert.deepEqual([...px.slice(8, 12)], [...viridis(0), 255]);
  assert.deepEqual(viridis(-1), viridis(0));
});
