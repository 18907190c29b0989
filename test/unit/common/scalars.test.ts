// TensorBoard scalars as the panel holds them: grouped per run and tag, appended, bounded, guarded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isHostToWebview } from '../../../src/common/guards';
import { foldScalars, groupScalars, type ScalarSeries } from '../../../src/common/scalars';

test('scalars group per run and tag in first-seen order; NaN and ±∞ become gaps (null)', () => {
  const got = groupScalars([
    { run: 'r', tag: 'loss', step: 1, value: 2, wallTime: 10 },
    { run: 'r', tag: 'acc', step: 1, value: 0.5, wallTime: 10 },
    { run: 'q', tag: 'loss', step: 1, value: Infinity, wallTime: null },
    { run: 'r', tag: 'loss', step: 2, value: NaN, wallTime: 11 },
  ]);
  assert.deepEqual(got, [
    {
      run: 'r',
      tag: 'loss',
      points: [
        [1, 2, 10],
        [2, null, 11],
      ],
    },
    { run: 'r', tag: 'acc', points: [[1, 0.5, 10]] },
    { run: 'q', tag: 'loss', points: [[1, null, null]] },
  ]);
});

test('folding appends to the held series and keeps at most the cap, newest point included', () => {
  const held = new Map<string, ScalarSeries>();
  const batch = (from: number, n: number): ScalarSeries[] => [
    {
      run: 'r',
      tag: 'loss',
      points: Array.from({ length: n }, (_, i): [number, number, number] => [from + i, i, i]),
    },
  ];
  foldScalars(held, batch(0, 60), 100);
  foldScalars(held, batch(60, 60), 100);
  const pts = [...held.values()][0].points;
  assert.ok(pts.length <= 100 && pts.length >= 50, String(pts.length));
  assert.equal(pts[0][0], 0);
  assert.equal(pts[pts.length - 1][0], 119);
  // Steps stay in order through decimation.
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i][0] > pts[i - 1][0]);
  // A first scan of a long log (more points than one call's arguments may hold) folds without error.
  const big = new Map<string, ScalarSeries>();
  foldScalars(big, batch(0, 300_000));
  assert.equal([...big.values()][0].points.at(-1)?.[0], 299_999);
});

test('the scalars message is guarded: a point is [step, value or null, wall time or null]', () => {
  const ok = { type: 'scalars', series: [{ run: 'r', tag: 't', points: [[1, null, null]] }] };
  assert.ok(isHostToWebview(ok));
  assert.ok(isHostToWebview({ ...ok, replace: true }));
  for (const points of [[[null, 1, 1]], [[1, 1]], [[1, '2', 3]], [[1, 2, 3, 4]], 'x']) {
    assert.ok(!isHostToWebview({ type: 'scalars', series: [{ run: 'r', tag: 't', points }] }));
  }
  assert.ok(!isHostToWebview({ type: 'scalars', series: [{ run: 1, tag: 't', points: [] }] }));
  assert.ok(!isHostToWebview({ ...ok, replace: 'yes' }));
});
