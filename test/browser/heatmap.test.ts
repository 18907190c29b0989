// The Sampling tab's 2-D card (the draws over the density's heat map and contour lines) in headless
// Chromium under the extension's exact HTML and CSP: a square range is drawn square — equal scales
// on x and y — in the 300 px side bar and in the 1100 px editor tab, inside the page's width; the
// contours are drawn, and the SVG export holds the density, the contours and the draws. The card's chart
// once took its box's 300 px height in a card twice as wide (a circle drawn as an ellipse).
// Saves a screenshot of the card at each width to look at.
// Skips when Debian's /usr/bin/chromium is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSaveFile } from '../../src/panel/hostMessages';
import { sampleResult2d } from '../unit/panel/fixtures';
import {
  browserSkip,
  dominantShadeBox,
  errorsWhileResizing,
  useBrowser,
  openHarness,
  settle,
} from './harness';

const skip = browserSkip;
const browser = useBrowser();
const SHOTS = process.env.TL_SCREENSHOTS ?? join(tmpdir(), 'tensor-lens-heatmap');

for (const [width, editor] of [
  [300, false],
  [1100, true],
] as const) {
  test(`the 2-D card draws a square range square at ${width} px`, { skip }, async (t) => {
    const h = await openHarness(browser(), { theme: 'dark', width, height: 1000, editor });
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

test(
  'the 2-D card draws the density’s contours under the draws, and saves all of it as SVG',
  { skip },
  async () => {
    const h = await openHarness(browser(), { theme: 'dark', width: 300, height: 1000 });
    try {
      const r = sampleResult2d('contours');
      await h.send({
        type: 'init',
        runs: [],
        // Without the draws first: what is light on the plot is then the contour lines alone.
        samples: [{ ...r, scatter: { x: [], y: [] } }],
        summary: null,
        defaults: { sampler: 'nuts', n: 5000, chains: 4, seed: 42, expr: r.expr },
      });
      await h.send({ type: 'showTab', tab: 'sampling' });
      await settle(h.page);
      await h.page.waitForTimeout(300);
      await settle(h.page);
      const canvas = h.page.locator('canvas[aria-label^="Density and draws"]');
      // viridis is never near white; the contours' light stroke is.
      // Inside the plot, away from the axes' light labels: x from 30 % to 90 %, y from 5 % to 80 %.
      const light = await canvas.evaluate((c) => {
        const cv = c as HTMLCanvasElement;
        const [x0, y0] = [Math.round(cv.width * 0.3), Math.round(cv.height * 0.05)];
        const [w, hh] = [Math.round(cv.width * 0.6), Math.round(cv.height * 0.75)];
        const d = cv.getContext('2d')?.getImageData(x0, y0, w, hh).data;
        let n = 0;
        if (d)
          for (let i = 0; i < d.length; i += 4)
            if (d[i] > 200 && d[i + 1] > 200 && d[i + 2] > 200) n++;
        return n;
      });
      assert.ok(light > 100, `contour lines drawn (${light} light px)`);
      assert.match(
        (await h.page.locator('.card .caption').first().textContent()) ?? '',
        /Contour lines enclose 50 %, 80 %, 95 % of the density/,
      );

      // The KS test of a 2-D run is of x's marginal, and says so.
      assert.match(
        (await h.page.locator('.card table.diag').first().textContent()) ?? '',
        /KS D \/ p \(x\)/,
      );

      // With the draws: the SVG holds the density as a PNG image, the contours and a dot per draw.
      await h.send({ type: 'sampleResult', result: { ...r, runId: 'contours-draws' } });
      await settle(h.page);
      await h.page
        .locator('.chart-title', { hasText: 'Density and draws' })
        .last()
        .getByText('SVG')
        .click();
      const saved = (
        (await h.posted()) as { type: string; name?: string; mime?: string; data?: string }[]
      )
        .filter((m) => m.type === 'saveFile')
        .pop();
      assert.equal(saved?.mime, 'image/svg+xml');
      assert.match(saved?.name ?? '', /^heatmap-nuts-.*\.svg$/);
      const svg = saved?.data ?? '';
      assert.ok(decodeSaveFile('image/svg+xml', svg) instanceof Uint8Array, 'the host accepts it');
      assert.equal((svg.match(/<image [^>]*href="data:image\/png;base64,/g) ?? []).length, 1);
      // As on screen: no legend (the chart has none), no draw outside the plot area.
      assert.ok(!svg.includes('>draws<'), 'no legend');
      const circles = (svg.match(/<circle /g) ?? []).length;
      assert.ok(circles >= 1000 && circles <= 1500, `${circles} draws as dots`);
      // Three closed contours, each a ring of segments, in both strokes.
      const contour = svg.match(
        /<path d="([^"]+)" fill="none" stroke="rgba\(255, 255, 255, 0\.85\)"/,
      );
      assert.ok(contour && contour[1].split('M').length > 60, 'the contour segments');
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  },
);
