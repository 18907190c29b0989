// Streaming 100,000 loss points into the Training tab in headless Chromium, under the extension's
// HTML and CSP, in the 300 px side bar and the 1100 px editor tab: the page generates the batch
// events itself and posts 1,000 per animation frame (60,000 points a second, far above any real
// run), while it records every frame's duration. The numbers are printed, not asserted (speed
// is the bench's business); what is asserted is that every point arrived, the chart is drawn, and
// one redraw of the loss chart draws at most about one line segment per pixel column for each line
// (Chart.js's decimation), not one per point stored (up to 6,000 per model).
// Skips when Debian's /usr/bin/chromium is not installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { HostToWebview } from '../../src/common/messages';
import type { TrainEvent } from '../../src/training/types';
import { chromiumAvailable, launch, openHarness, settle } from './harness';

const skip = chromiumAvailable() ? false : 'needs /usr/bin/chromium (Debian package chromium)';
let browser: Browser | undefined;

const POINTS = 100_000;
const PER_FRAME = 1000;
const BATCH = 64;

const init: HostToWebview = {
  type: 'init',
  runs: [],
  samples: [],
  summary: null,
  defaults: { sampler: 'nuts', n: 1000, chains: 2, seed: 1, expr: 'x', epochs: 1, limit: 0 },
};
const start: TrainEvent = {
  event: 'start',
  runId: 'stream',
  backend: 'wasm',
  models: [{ model: 'mlp', params: 535818 }],
  trainSize: POINTS * BATCH,
  testSize: 10000,
  epochs: 1,
  batchSize: BATCH,
};

before(async () => {
  if (skip) return;
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const [label, width, editor] of [
  ['side bar, 300 px', 300, false],
  ['editor tab, 1100 px', 1100, true],
] as const) {
  test(`streaming ${POINTS} loss points (${label})`, { skip }, async () => {
    const h = await openHarness(browser as Browser, { theme: 'dark', width, editor, height: 900 });
    try {
      await h.send(init);
      await h.send({ type: 'trainEvent', event: start });
      await settle(h.page);
      const r = await h.page.evaluate(
        ({ points, perFrame, batch }) => {
          // Count the loss chart's line segments per redraw: each clearRect starts one.
          const c = document.querySelector(
            'canvas[aria-label="training loss per batch"]',
          ) as HTMLCanvasElement;
          const ctx = c.getContext('2d') as CanvasRenderingContext2D;
          const draws: number[] = [];
          const clear = ctx.clearRect.bind(ctx);
          const lineTo = ctx.lineTo.bind(ctx);
          ctx.clearRect = (...a: Parameters<CanvasRenderingContext2D['clearRect']>) => {
            draws.push(0);
            clear(...a);
          };
          ctx.lineTo = (x: number, y: number) => {
            if (draws.length) draws[draws.length - 1]++;
            lineTo(x, y);
          };
          // Chart.js builds a line as a Path2D where it can: count each path's segments, and add
          // them to the redraw when the loss chart strokes that path.
          const perPath = new WeakMap<Path2D, number>();
          const pathLineTo = Path2D.prototype.lineTo;
          Path2D.prototype.lineTo = function (this: Path2D, x: number, y: number) {
            perPath.set(this, (perPath.get(this) ?? 0) + 1);
            pathLineTo.call(this, x, y);
          };
          const stroke = ctx.stroke.bind(ctx) as (p?: Path2D) => void;
          ctx.stroke = (p?: Path2D) => {
            if (p && draws.length) draws[draws.length - 1] += perPath.get(p) ?? 0;
            if (p) stroke(p);
            else stroke();
          };
          return new Promise<{ frames: number[]; draws: number[]; width: number }>((resolve) => {
            const frames: number[] = [];
            let sent = 0;
            let last = performance.now();
            let loss = 2.3;
            const frame = (now: number): void => {
              frames.push(now - last);
              last = now;
              for (let k = 0; k < perFrame && sent < points; k++) {
                sent++;
                // A decaying loss with noise and a spike now and then, like a real curve.
                loss = 0.1 + (loss - 0.1) * 0.9999;
                const y = loss * (1 + 0.3 * Math.sin(sent * 12.9898)) + (sent % 997 === 0 ? 2 : 0);
                window.postMessage(
                  {
                    type: 'trainEvent',
                    event: {
                      event: 'batch',
                      runId: 'stream',
                      model: 'mlp',
                      epoch: 1,
                      batch: sent,
                      batches: points,
                      samplesSeen: sent * batch,
                      loss: y,
                    },
                  },
                  '*',
                );
              }
              if (sent < points) requestAnimationFrame(frame);
              else
                // Two more frames for the last messages to be drawn.
                requestAnimationFrame(() =>
                  requestAnimationFrame(() => resolve({ frames, draws, width: c.clientWidth })),
                );
            };
            requestAnimationFrame((t) => {
              last = t;
              requestAnimationFrame(frame);
            });
          });
        },
        { points: POINTS, perFrame: PER_FRAME, batch: BATCH },
      );
      await settle(h.page);
      assert.match(
        (await h.page.locator('.status-text').textContent()) ?? '',
        new RegExp(`batch ${POINTS.toLocaleString('en-US').replace(/,/g, '.?')}/`),
      );
      const sorted = [...r.frames].sort((a, b) => a - b);
      const q = (p: number): number =>
        sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
      const mean = r.frames.reduce((a, b) => a + b, 0) / r.frames.length;
      const segs = r.draws.filter((n) => n > 0);
      console.log(
        `# ${label}: ${r.frames.length} frames for ${POINTS} points, frame time mean ${mean.toFixed(1)} ms, ` +
          `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${q(1).toFixed(1)} ms; ` +
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
