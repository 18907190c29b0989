// The Training tab's TensorBoard scalars (runs followed from a folder) in headless Chromium under the
// extension's exact HTML and CSP: hidden until scalars arrive, one chart per tag with a line per run,
// step or wall time on x (a run without wall times is named, not drawn at a guessed time), appended
// points redraw, a new folder replaces the charts, SVG export. Skips without /usr/bin/chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToWebview, ScalarSeries } from '../../src/common/messages';
import { canvasInk, browserSkip, useBrowser, openHarness, settle } from './harness';

const skip = browserSkip;
const browser = useBrowser();

const init: HostToWebview = {
  type: 'init',
  runs: [],
  samples: [],
  summary: null,
  defaults: { sampler: 'nuts', n: 5000, chains: 4, seed: 42, expr: 'x', epochs: 3, limit: 0 },
};

const T0 = 1_700_000_000;
function curve(run: string, tag: string, n: number, f: (i: number) => number | null, timed = true) {
  return {
    run,
    tag,
    points: Array.from({ length: n }, (_, i): [number, number | null, number | null] => [
      10 * i,
      f(i),
      timed ? T0 + 2 * i : null,
    ]),
  } satisfies ScalarSeries;
}

test(
  'TensorBoard scalars: a chart per tag, step or wall time, appended, replaced, exported',
  { skip },
  async () => {
    const h = await openHarness(browser(), { theme: 'dark', width: 300, height: 1600 });
    try {
      const page = h.page;
      await h.send(init);
      await settle(page);
      const section = page.locator('.scalars');
      assert.equal(await section.isHidden(), true, 'no scalars, no section');

      await h.send({
        type: 'scalars',
        replace: true,
        series: [
          curve('run-a', 'train/loss', 50, (i) => (i === 20 ? null : 2 / (1 + i))),
          curve('run-a', 'lr', 50, () => 0.001),
          curve('run-b', 'train/loss', 30, (i) => 1.5 / (1 + i), false),
        ],
      } satisfies HostToWebview);
      await settle(page);
      assert.equal(await section.isVisible(), true);
      assert.deepEqual(
        await page.locator('.scalars .chart-title > span:first-child').allTextContents(),
        ['train/loss', 'lr'],
      );
      const loss = 'canvas[aria-label="scalar train/loss"]';
      const inkStep = await canvasInk(h, loss);
      assert.ok(inkStep > 300, `the loss chart is drawn (${inkStep} px)`);
      assert.ok((await canvasInk(h, 'canvas[aria-label="scalar lr"]')) > 200);
      assert.equal(await page.locator('.scalars-note').textContent(), '');

      // On wall time, run-b (no wall times in its file) is named and left out.
      await page.locator('select[aria-label="scalars x axis"]').selectOption('time');
      await settle(page);
      assert.match(
        (await page.locator('.scalars-note').textContent()) ?? '',
        /No wall time in the event files of run-b: not drawn/,
      );
      assert.ok((await canvasInk(h, loss)) > 300);

      // SVG export of one tag's chart: a file named after the tag, a line per drawn run.
      await page
        .locator('.scalars .chart-title', { hasText: 'train/loss' })
        .getByText('SVG')
        .click();
      const posted = (await h.posted()) as { type: string; name?: string; data?: string }[];
      const svg = posted.filter((m) => m.type === 'saveFile').pop();
      assert.equal(svg?.name, 'scalar-train_loss.svg');
      assert.match(svg?.data ?? '', /<path d="M[\d.]+ [\d.]+L/);

      // Appended points (the next scan) redraw the same charts.
      await page.locator('select[aria-label="scalars x axis"]').selectOption('step');
      await h.send({
        type: 'scalars',
        series: [
          {
            run: 'run-c',
            tag: 'train/loss',
            points: [
              [0, 3, T0],
              [500, 0.1, T0 + 60],
            ],
          },
        ],
      } satisfies HostToWebview);
      await settle(page);
      assert.equal(await page.locator('.scalars canvas').count(), 2);
      await page.screenshot({ path: '/tmp/tl-scalars-300.png', fullPage: true });

      // A new folder replaces everything.
      await h.send({
        type: 'scalars',
        replace: true,
        series: [curve('other', 'val/acc', 10, (i) => i / 10)],
      } satisfies HostToWebview);
      await settle(page);
      assert.deepEqual(
        await page.locator('.scalars .chart-title > span:first-child').allTextContents(),
        ['val/acc'],
      );
      assert.ok((await canvasInk(h, 'canvas[aria-label="scalar val/acc"]')) > 200);
      // A malformed message is dropped by the guard, not drawn.
      await h.send({ type: 'scalars', series: [{ run: 'x', tag: 'y', points: [['1', 2, 3]] }] });
      await settle(page);
      assert.equal(await page.locator('.scalars canvas').count(), 1);
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  },
);
