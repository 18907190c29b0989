// The scalars section's charts as data: a chart per tag, a line per run, x the logger's step or the
// wall time since the run's first point; untimed points are named, not placed at a guessed time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scalarCharts } from '../../../webview/scalarsData';
import type { ScalarSeries } from '../../../src/common/messages';

const series: ScalarSeries[] = [
  {
    run: 'a',
    tag: 'loss',
    points: [
      [0, 2, 100],
      [20, null, 104],
      [10, 1, 102],
    ],
  },
  { run: 'a', tag: 'lr', points: [[0, 0.1, 99]] },
  {
    run: 'b',
    tag: 'loss',
    points: [
      [5, 3, null],
      [6, 2.5, 50],
    ],
  },
];

test('step axis: a chart per tag in first-seen order, points sorted by step, gaps kept', () => {
  const charts = scalarCharts(series, 'step');
  assert.deepEqual(
    charts.map((c) => c.tag),
    ['loss', 'lr'],
  );
  assert.deepEqual(charts[0].lines, [
    {
      run: 'a',
      points: [
        { x: 0, y: 2 },
        { x: 10, y: 1 },
        { x: 20, y: null },
      ],
    },
    {
      run: 'b',
      points: [
        { x: 5, y: 3 },
        { x: 6, y: 2.5 },
      ],
    },
  ]);
  assert.deepEqual(charts[0].noTime, []);
});

test('wall-time axis: seconds since the run’s first point over all its tags; untimed points named', () => {
  const charts = scalarCharts(series, 'time');
  // Run a's first point is lr's at 99.
  assert.deepEqual(charts[0].lines[0].points, [
    { x: 1, y: 2 },
    { x: 3, y: 1 },
    { x: 5, y: null },
  ]);
  assert.deepEqual(charts[0].lines[1].points, [{ x: 0, y: 2.5 }]);
  assert.deepEqual(charts[0].noTime, ['b']);
  assert.deepEqual(charts[1].lines[0].points, [{ x: 0, y: 0.1 }]);
});
