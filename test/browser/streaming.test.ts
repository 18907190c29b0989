// Streaming 100,000 loss points into the Training tab in headless Chromium, under the extension's
// HTML and CSP, in the 300 px side bar and the 1100 px editor tab: the page generates the batch
// events itself and posts 1,000 per animation frame (60,000 points a second, far above any real
// run), while it records every frame's duration (streamLoss.ts). The numbers are printed, not
// asserted (speed is the bench's business: bench/panel.bench.ts); what is asserted is that every
// point arrived, the chart is drawn, and one redraw of the loss chart draws at most about one line
// segment per pixel column for each line (Chart.js's decimation), not one per point stored (up to
// 6,000 per model).
// Skips when Debian's /usr/bin/chromium is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, useBrowser, openHarness } from './harness';
import { frameStats, streamLoss } from './streamLoss';

const skip = browserSkip;
const browser = useBrowser();

const POINTS = 100_000;
const PER_FRAME = 1000;

for (const [label, width, editor] of [
  ['side bar, 300 px', 300, false],
  ['editor tab, 1100 px', 1100, true],
] as const) {
  test(`streaming ${POINTS} loss points (${label})`, { skip }, async () => {
    const h = await openHarness(browser(), { theme: 'dark', width, editor, height: 900 });
    try {
      const r = await streamLoss(h, POINTS, PER_FRAME);
      assert.match(
        (await h.page.locator('.status-text').textContent()) ?? '',
        new RegExp(`batch ${POINTS.toLocaleString('en-US').replace(/,/g, '.?')}/`),
      );
      const f = frameStats(r.frames);
      const segs = r.draws.filter((n) => n > 0);
      console.log(
        `# ${label}: ${r.frames.length} frames for ${POINTS} points, frame time mean ${f.mean.toFixed(1)} ms, ` +
          `median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, max ${f.max.toFixed(1)} ms; ` +
          `${r.draws.length} loss-chart redraws, line segments per redraw ≤ ${Math.max(...segs)}`,
      );
      // Two lines (raw and smoothed) of at most one point per pixel column, plus the grid and ticks.
      assert.ok(segs.length > 0, 'the loss chart was drawn while streaming');
      const bound = 2 * r.width + 150;
      assert.ok(
        Math.max(...segs) <= bound,
        `a redraw drew ${Math.max(...segs)} segments for a ${r.width} px chart (bound ${bound})`,
      );
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  });
}
