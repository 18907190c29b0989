// The Training tab's views in headless Chromium under the extension's exact HTML and CSP: the runs
// table (sort, filter, overlay ticks, the two-run diff, CSV), the x-axis and log-scale switches, the
// evaluation (confusion heat map, per-class bars, mistakes with their images), PNG and SVG export, at
// the side bar's 300 px in a dark theme and in the wide editor panel in a high-contrast theme.
// Skips when Debian's /usr/bin/chromium is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostToWebview } from '../../src/common/messages';
import { decodeSaveFile } from '../../src/panel/hostMessages';
import { storedRun } from '../unit/panel/fixtures';
import { canvasInk, browserSkip, useBrowser, openHarness, settle, type Harness } from './harness';

const skip = browserSkip;
const browser = useBrowser();

const init: HostToWebview = {
  type: 'init',
  runs: [
    storedRun('old', '2026-11-25T19:00:00.000Z'),
    storedRun('a', '2026-11-25T20:00:00.000Z', { rich: true, lr: 0.001, seed: 42 }),
    storedRun('b', '2026-11-25T21:00:00.000Z', { rich: true, lr: 0.01, seed: 7 }),
  ],
  samples: [],
  summary: null,
  defaults: { sampler: 'nuts', n: 5000, chains: 4, seed: 42, expr: 'x', epochs: 3, limit: 0 },
};

type Saved = { type: string; name?: string; mime?: string; data?: string };
async function lastSave(h: Harness): Promise<Saved | undefined> {
  const posted = (await h.posted()) as Saved[];
  return posted.filter((m) => m.type === 'saveFile').pop();
}

test(
  'side bar at 300 px (dark): runs table, diff, axes, evaluation, export',
  { skip },
  async () => {
    const h = await openHarness(browser(), { theme: 'dark', width: 300, height: 1800 });
    try {
      await h.send(init);
      await settle(h.page);
      const page = h.page;
      // Nothing makes the page scroll sideways; the wide runs table scrolls in its own box.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      assert.ok(overflow <= 0, `page overflows by ${overflow}px`);

      // 3 runs × 2 models.
      const rows = page.locator('.runs-table tbody tr');
      assert.equal(await rows.count(), 6);
      assert.match((await rows.first().textContent()) ?? '', /mlp.*MNIST.*0\.01.*7/);
      await page.locator('.runs-filter').fill('cnn lr=0.001');
      await settle(page);
      assert.equal(await rows.count(), 1);
      assert.match((await rows.first().textContent()) ?? '', /cnn.*0\.001.*42/);
      await page.locator('.runs-filter').fill('');
      await page.locator('.sort-button', { hasText: 'LR' }).click();
      await settle(page);
      // Largest first; the run without a learning rate goes last.
      assert.match((await rows.first().textContent()) ?? '', /0\.01/);
      assert.match((await rows.last().textContent()) ?? '', /—/);

      // The newest run is ticked; tick a second one: the diff names what differs.
      assert.equal(await page.locator('.diff-table').count(), 0);
      await page.locator('.runs-table tr[data-run="a"] vscode-checkbox').click();
      await settle(page);
      const diff = await page.locator('.diff-table tr.differs th').allTextContents();
      assert.deepEqual(
        diff.map((s) => s.replace('≠ ', '')),
        ['LR', 'Seed'],
      );

      // Loss on steps: the run recorded without clocks is named, not drawn at a guessed x.
      await page.locator('select[aria-label="x axis"]').selectOption('step');
      await page.locator('input[aria-label="log-scale loss"]').check();
      await page.locator('.runs-table tr[data-run="old"] vscode-checkbox').click();
      await settle(page);
      assert.match((await page.locator('.axis-note').textContent()) ?? '', /No optimizer step/);
      await page.locator('select[aria-label="x axis"]').selectOption('samples');
      await settle(page);
      assert.equal(await page.locator('.axis-note').textContent(), '');
      assert.ok((await canvasInk(h, 'canvas[aria-label="training loss per batch"]')) > 300);

      // The loss chart as saved (the SVG is read back from what Chart.js laid out): log y and x as
      // wall time reach the chart; each smoothed line keeps its raw line beside it, faint; the
      // slider runs from 0 (the raw curve itself) to 0.99.
      const lossSvg = async (): Promise<string> => {
        await page.locator('.chart-title', { hasText: 'Loss per batch' }).getByText('SVG').click();
        return (await lastSave(h))?.data ?? '';
      };
      assert.match(await lossSvg(), />loss \(log\)</);
      await page.locator('select[aria-label="x axis"]').selectOption('time');
      await settle(page);
      assert.match(await lossSvg(), />wall time since the run started</);
      await page.locator('select[aria-label="x axis"]').selectOption('samples');
      await page.locator('input[aria-label="log-scale loss"]').uncheck();
      const slider = page.locator('input[aria-label="smoothing"]');
      assert.deepEqual(
        await slider.evaluate((el) => [el.getAttribute('min'), el.getAttribute('max')]),
        ['0', '0.99'],
      );
      const mlpLines = async (weight: number): Promise<{ raw: string[]; smooth: string[] }> => {
        await slider.evaluate((el, w) => {
          (el as HTMLInputElement).value = String(w);
          el.dispatchEvent(new Event('input'));
        }, weight);
        await settle(page);
        const svg = await lossSvg();
        const d = (stroke: string): string[] =>
          [
            ...svg.matchAll(new RegExp(`<path d="([^"]+)" fill="none" stroke="${stroke}"`, 'g')),
          ].map((m) => m[1]);
        return { raw: d('rgba\\(86, 180, 233, 0\\.25\\)'), smooth: d('#56B4E9') };
      };
      const heavy = await mlpLines(0.99);
      assert.ok(
        heavy.raw.length >= 1 && heavy.raw.length === heavy.smooth.length,
        'raw beside smooth',
      );
      assert.notDeepEqual(heavy.smooth, heavy.raw);
      const none = await mlpLines(0);
      assert.deepEqual(none.smooth, none.raw, 'smoothing 0 is the raw curve');
      assert.deepEqual(none.raw, heavy.raw, 'the raw curve does not move with the slider');

      // Evaluation of the newest run's first model.
      assert.ok((await canvasInk(h, 'canvas[aria-label="confusion matrix"]')) > 2000);
      assert.ok((await canvasInk(h, 'canvas[aria-label="test accuracy per class"]')) > 300);
      const figs = page.locator('.mistake');
      assert.equal(await figs.count(), 12);
      assert.equal(await page.locator('.mistake canvas').count(), 12);
      assert.match((await figs.first().textContent()) ?? '', /0 → 1\s*99\.0 %/);
      assert.ok((await canvasInk(h, '.mistake canvas')) > 20, 'the image is drawn');

      // Export: PNG and SVG of a line chart, SVG of the heat map, the table and a run as CSV.
      await page.locator('.chart-title', { hasText: 'Loss per batch' }).getByText('SVG').click();
      let s = await lastSave(h);
      assert.equal(s?.mime, 'image/svg+xml');
      assert.equal(s?.name, 'loss.svg');
      assert.match(s?.data ?? '', /^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(s?.data ?? '', /<path d="M[\d.]+ [\d.]+L/);
      assert.ok(decodeSaveFile('image/svg+xml', s?.data ?? '') instanceof Uint8Array);
      await page.locator('.chart-title', { hasText: 'Loss per batch' }).getByText('PNG').click();
      s = await lastSave(h);
      assert.match(s?.data ?? '', /^data:image\/png;base64,iVBORw0KGgo/);
      await page.locator('.chart-title', { hasText: 'Confusion matrix' }).getByText('SVG').click();
      s = await lastSave(h);
      assert.equal((s?.data?.match(/<rect /g) ?? []).length, 1 + 100, 'background + 10 × 10 cells');
      assert.match(s?.data ?? '', /<title>true 0, predicted 1: \d+ of 1000/);
      await page.locator('.chart-title', { hasText: 'per class' }).getByText('SVG').click();
      s = await lastSave(h);
      assert.ok((s?.data?.match(/<rect /g) ?? []).length >= 11, 'background + a bar per class');
      // Another evaluation from the picker: the heat map and the bars follow it.
      const picker = page.locator('select[aria-label="evaluation to show"]');
      const choices = await picker.locator('option').allTextContents();
      assert.ok(choices.length >= 2, choices.join(' | '));
      const saved = async (title: string): Promise<string> => {
        await page.locator('.chart-title', { hasText: title }).getByText('SVG').click();
        return (await lastSave(h))?.data ?? '';
      };
      const [heat, bars] = [await saved('Confusion matrix'), await saved('per class')];
      await picker.selectOption({ index: 1 });
      await settle(page);
      assert.match(choices[1], /cnn/);
      assert.notEqual(await saved('Confusion matrix'), heat, 'the heat map shows the pick');
      assert.notEqual(await saved('per class'), bars, 'the bars show the pick');
      await page.getByText('Table CSV').click();
      s = await lastSave(h);
      assert.equal(s?.mime, 'text/csv');
      assert.equal(s?.data?.trim().split('\n').length, 7);
      // A run's CSV is the host's to write (it keeps every point): the page asks for it by id.
      await page.locator('.runs-table tr[data-run="b"] .link-button').click();
      assert.deepEqual((await h.posted()).pop(), { type: 'saveRunCsv', runId: 'b' });
      await page.screenshot({ path: '/tmp/tl-training-300.png', fullPage: true });
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  },
);

test('editor panel (high contrast): wide layout, every view drawn', { skip }, async () => {
  const h = await openHarness(browser(), {
    theme: 'high-contrast',
    editor: true,
    width: 1100,
    height: 1600,
  });
  try {
    // A run with long values (a PyTorch run on a GPU, a named model, the data's description).
    const long = storedRun('long', '2026-11-25T22:00:00.000Z', { rich: true, lr: 0.0003, seed: 9 });
    if (long.hyper)
      long.hyper = {
        ...long.hyper,
        model: ['ResidualAttentionNet'],
        data: 'embedded MNIST (8,000 train / 2,000 test)',
        backend: 'pytorch',
        device: 'cuda:0 (NVIDIA GeForce RTX 4090)',
        optimizer: 'AdamW',
        processes: 4,
      };
    await h.send({ ...init, runs: [...(init.type === 'init' ? init.runs : []), long] });
    await settle(h.page);
    const page = h.page;
    // The wide panel fits the runs table without a sideways scroll bar of its own.
    const box = await page
      .locator('.table-scroll')
      .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
    assert.ok(box.scroll <= box.client, `runs table ${box.scroll}px in a ${box.client}px box`);
    await page.locator('.table-scroll').screenshot({ path: '/tmp/tl-runs-1100.png' });
    // As in the side bar: nothing makes the page scroll sideways, the runs table included.
    const overflow = await page.evaluate(() => {
      const d = document.documentElement;
      const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > d.clientWidth + 0.5)
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
        .slice(0, 5);
      return { by: d.scrollWidth - d.clientWidth, wide };
    });
    assert.ok(overflow.by <= 0, `page overflows by ${overflow.by}px: ${overflow.wide.join(', ')}`);
    assert.ok((await canvasInk(h, 'canvas[aria-label="confusion matrix"]')) > 2000);
    assert.ok((await canvasInk(h, 'canvas[aria-label="test accuracy per class"]')) > 300);
    // The wide layout puts the heat map and the bars side by side with the mistakes.
    const cols = await page
      .locator('.eval-body')
      .evaluate((el) => getComputedStyle(el).gridTemplateColumns.split(' ').length);
    assert.equal(cols, 2);
    // Every slider's filled part (its accent colour) stands out from the page: WCAG's 3:1 for the
    // parts of a control. The smoothing slider once took the button colour, black in this theme.
    const sliders = await page.evaluate(() => {
      const probe = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
      const rgb = (c: string): number[] => {
        if (!probe) return [];
        probe.clearRect(0, 0, 1, 1);
        probe.fillStyle = c;
        probe.fillRect(0, 0, 1, 1);
        return [...probe.getImageData(0, 0, 1, 1).data.slice(0, 3)];
      };
      const lum = (c: number[]): number => {
        const [r, g, b] = c.map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const bg = rgb(getComputedStyle(document.body).backgroundColor);
      return [...document.querySelectorAll<HTMLInputElement>('input[type="range"]')].map((el) => {
        const accent = getComputedStyle(el).accentColor;
        const [a, b] = [lum(rgb(accent)), lum(bg)].sort((x, y) => y - x);
        return { label: el.getAttribute('aria-label'), accent, ratio: (a + 0.05) / (b + 0.05) };
      });
    });
    assert.equal(sliders.length, 2, JSON.stringify(sliders));
    for (const sl of sliders)
      assert.ok(sl.accent !== 'auto' && sl.ratio >= 3, `slider ${JSON.stringify(sl)}`);
    await page.screenshot({ path: '/tmp/tl-training-hc.png', fullPage: true });
    assert.deepEqual(h.problems, []);
  } finally {
    await h.close();
  }
});
