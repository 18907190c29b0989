// The Sampling tab's 2-D card (the draws over the density's heat map) in headless Chromium under
// the extension's exact HTML and CSP: a square range is drawn square — equal scales on x and y —
// in the 300 px side bar and in the 1100 px editor tab, inside the page's width. The card's chart
// once took its box's 300 px height in a card twice as wide (a circle drawn as an ellipse).
// Saves a screenshot of the card at each width to look at.
// Skips when Debian's /usr/bin/chromium is not installed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { sampleResult2d } from '../unit/panel/fixtures';
import {
  chromiumAvailable,
  dominantShadeBox,
  errorsWhileResizing,
  launch,
  openHarness,
  settle,
} from './harness';

const skip = chromiumAvailable() ? false : 'needs /usr/bin/chromium (Debian package chromium)';
let browser: Browser | undefined;
const SHOTS = process.env.TL_SCREENSHOTS ?? join(tmpdir(), 'tensor-lens-heatmap');

before(async () => {
  if (skip) return;
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const [width, editor] of [
  [300, false],
  [1100, true],
] as const) {
  test(`the 2-D card draws a square range square at ${width} px`, { skip }, async (t) => {
    const h = await openHarness(browser as Browser, { theme: 'dark', width, height: 1000, editor });
    try {
      const r = sampleResult2d('sq');
      assert.deepEqual(
        [r.range, r.rangeY],
        [
          [-3, 3],
          [-3, 3],
        ],
      );
      assert.ok(r.density2d);
      // One value everywhere and no draws on top: the plot area is the block of one shade.
      const flat = {
        ...r,
        scatter: { x: [], y: [] },
        density2d: { ...r.density2d, values: r.density2d.values.map(() => 0.5) },
      };
      await h.send({
        type: 'init',
        runs: [],
        samples: [flat],
        summary: null,
        defaults: { sampler: 'nuts', n: 5000, chains: 4, seed: 42, expr: flat.expr },
      });
      await h.send({ type: 'showTab', tab: 'sampling' });
      await settle(h.page);
      await h.page.waitForTimeout(300); // the box is resized after the chart's first layout
      await settle(h.page);
      const canvas = h.page.locator('canvas[aria-label^="Density and draws"]');
      await canvas.scrollIntoViewIfNeeded();
      await h.page
        .locator('.card')
        .first()
        .screenshot({
          path: join(mkdirSync(SHOTS, { recursive: true }) ?? SHOTS, `heatmap-${width}.png`),
        });
      const box = await dominantShadeBox(canvas);
      assert.ok(box.w > 120 && box.h > 120, `heat map drawn (${box.w} × ${box.h} device px)`);
      // x-range / y-range is 1: the drawn area's width / height within 10 % of it.
      const ratio = box.w / box.h;
      t.diagnostic(`heat map ${box.w} × ${box.h} device px (ratio ${ratio.toFixed(3)})`);
      assert.ok(Math.abs(ratio - 1) <= 0.1, `heat map ${box.w} × ${box.h}: ratio ${ratio}`);
      assert.ok(box.right <= width, `the chart ends inside the page (${box.right} px)`);
      const scroll = await h.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= width, `no horizontal overflow at ${width} px (scrollWidth ${scroll})`);
      // Narrowed and widened again, the box follows without a ResizeObserver loop error.
      const errors = await errorsWhileResizing(h.page, width);
      assert.deepEqual(errors, []);
      const again = await canvas.evaluate((c) => c.getBoundingClientRect().height);
      assert.ok(Math.abs(again - box.cssHeight) <= 2, `same height after (${again} px)`);
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  });
}
