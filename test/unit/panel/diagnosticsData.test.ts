// Data preparation for the diagnostics views: rank plot, energy and PIT densities, divergence marks
// on the thinned trace, the KS note.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  divergenceMarks,
  energyLines,
  ksNote,
  pitLine,
  rankPlotLines,
} from '../../../webview/diagnosticsData';
import { sampleResult1d } from './fixtures';

test('rank plot: each chain relative to a uniform share, 1 when uniform', () => {
  const lines = rankPlotLines({
    bins: 4,
    counts: [
      [10, 10, 10, 10],
      [0, 0, 20, 20],
    ],
  });
  assert.deepEqual(
    lines[0].map((p) => p.y),
    [1, 1, 1, 1, 1, 1, 1, 1],
  );
  assert.deepEqual(
    lines[1].filter((_, i) => i % 2 === 0).map((p) => [p.x, p.y]),
    [
      [0, 0],
      [0.25, 0],
      [0.5, 2],
      [0.75, 2],
    ],
  );
});

test('energy and PIT lines are densities (they integrate to 1)', () => {
  const e = energyLines({ edges: [-1, 0, 2], marginal: [1, 3], transition: [2, 2] });
  const area = (pts: { x: number; y: number }[]): number => {
    let s = 0;
    for (let i = 0; i < pts.length; i += 2) s += (pts[i + 1].x - pts[i].x) * pts[i].y;
    return s;
  };
  assert.equal(area(e.marginal), 1);
  assert.equal(area(e.transition), 1);
  assert.equal(area(pitLine([5, 0, 15])), 1);
  assert.deepEqual(pitLine([0, 0]), []);
});

test('divergent draws land on their chain’s thinned trace', () => {
  const r = sampleResult1d('d', 'nuts', { n: 10000, chains: 2 });
  const stride = Math.ceil(r.n / r.traces[1].length);
  const base = r.report;
  r.report = {
    ...(base ?? {
      rhatBulk: 1,
      rhatTail: 1,
      q05: -1,
      q95: 1,
      mcseQ05: 0.1,
      mcseQ95: 0.1,
      thresholds: { rhat: 1.01, essPerChain: 100, ebfmi: 0.3 },
      ranks: { bins: 1, counts: [[1]] },
      ksDraws: 10,
      pit: [10],
      flags: [],
    }),
    divergentDraws: [[], [0, 7 * stride + 1]],
  };
  assert.deepEqual(divergenceMarks(r), [
    { x: 0, y: r.traces[1][0] },
    { x: 7, y: r.traces[1][7] },
  ]);
  assert.deepEqual(divergenceMarks({ ...r, report: undefined }), []);
});

test('the KS note says what the test ran on and why it was thinned', () => {
  const r = sampleResult1d('k', 'mh');
  assert.match(ksNote({ ...r, ksThin: 6 }), /every 6th: KS assumes independent draws/);
  assert.match(ksNote({ ...r, ksThin: 1 }), /no thinning/);
  // Ordinals as written: "every 3rd", never "every 3th".
  const every = (k: number): string =>
    /every (\d+\w+):/.exec(ksNote({ ...r, ksThin: k }))?.[1] ?? '';
  assert.deepEqual([2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(every), [
    '2nd',
    '3rd',
    '4th',
    '11th',
    '12th',
    '13th',
    '21st',
    '22nd',
    '23rd',
    '101st',
    '111th',
  ]);
});
