// The Summary tab's module tree in headless Chromium under the extension's exact HTML and CSP, on the
// engine's real analyses of a ResNet and of 20,000-module models: repeated blocks folded, the Depth
// select, a row's open button and "more" asking the host (played here by the same page builder the
// host uses) for another view, and a click on a row asking the host to open its line. Skips when
// /usr/bin/chromium is not installed.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { moduleRows } from '../../src/common/moduleSummary';
import {
  DEFAULT_SUMMARY_VIEW,
  summaryPage,
  type SummaryViewState,
} from '../../src/common/summaryTable';
import type { ModelResult } from '../../src/shapes/types';
import { analyze } from '../../src/shapes';
import { alternating, hugeModuleList } from '../unit/panel/bigModels';
import { browserSkip, launch, openHarness, settle, type Harness } from './harness';

const skip = browserSkip;
const ROOT = join(__dirname, '..', '..');
const FILE = 'test/fixtures/shapes/resnet18.py';
const resnet = analyze(readFileSync(join(ROOT, FILE), 'utf8'), { file: FILE }).models.find(
  (m) => m.name === 'ResNet18',
);
let browser: Browser | undefined;
let hz: Harness | undefined;

before(async () => {
  if (skip) return;
  browser = await launch();
  hz = await openHarness(browser, { theme: 'dark', width: 420, height: 900 });
});

after(async () => {
  await hz?.close();
  await browser?.close();
});

/**
 * Plays the host: waits for the page's next `summaryView` request (after `seen` posted messages) and
 * answers it as src/panel/summaryState.ts does. Returns the view asked for.
 */
async function answerView(
  h: Harness,
  model: ModelResult,
  file: string,
  seen: number,
): Promise<SummaryViewState> {
  await h.page.waitForFunction(
    (n) => ((window as unknown as { __tlPosted: unknown[] }).__tlPosted ?? []).length > n,
    seen,
  );
  const posted = await h.posted();
  const ask = posted[posted.length - 1] as { type: string } & SummaryViewState;
  assert.equal(ask.type, 'summaryView', JSON.stringify(ask));
  const view = { depth: ask.depth, limit: ask.limit, open: ask.open };
  await h.send({ type: 'summary', page: summaryPage(model, file, view) });
  await settle(h.page);
  return view;
}

const rowTexts = (h: Harness): Promise<string[]> =>
  h.page
    .locator('.summary-table tbody tr td.layer')
    .evaluateAll((tds) => tds.map((td) => td.textContent ?? ''));

test(
  'the Summary folds repeated blocks, follows its Depth select and links rows to their line',
  { skip },
  async () => {
    const h = hz as Harness;
    assert.ok(resnet?.modules, 'the engine gave ResNet18 a module tree');
    await h.send({
      type: 'init',
      runs: [],
      samples: [],
      summary: summaryPage(resnet, '/ws/resnet18.py', DEFAULT_SUMMARY_VIEW),
      defaults: { sampler: 'nuts', n: 1000, chains: 2, seed: 1, expr: 'exp(-x^2/2)' },
    });
    await h.send({ type: 'showTab', tab: 'summary' });
    await settle(h.page);
    // The default depth shows as many rows as the shared row builder gives at that depth.
    assert.equal(
      await h.page.locator('.summary-table tbody tr').count(),
      moduleRows(resnet).length,
    );
    const select = h.page.locator('select.summary-depth');
    assert.deepEqual(await select.locator('option').allTextContents(), ['1', '2', '3', '4 (all)']);
    let seen = (await h.posted()).length;
    await select.selectOption('1');
    assert.deepEqual(await answerView(h, resnet, '/ws/resnet18.py', seen), {
      depth: 1,
      limit: 200,
      open: [],
    });
    const top = await rowTexts(h);
    // A folded row carries its open button (▸) before its name.
    assert.deepEqual(
      top,
      moduleRows(resnet, 1).map(
        (r) =>
          `${r.folded ? '▸' : ''}${r.name}${r.repeat > 1 ? `${r.type} ×${r.repeat}` : r.type === r.name ? '' : r.type}`,
      ),
    );
    assert.ok(top.includes('▸layer1BasicBlock ×2'), top.join(' | '));
    // The select keeps its choice across a redraw.
    assert.equal(await select.inputValue(), '1');
    const row = h.page.locator('.summary-table tbody tr', { hasText: 'BasicBlock ×2' });
    const line = Number(await row.getAttribute('data-line'));
    assert.equal(line, moduleRows(resnet, 1).find((r) => r.name === 'layer1')?.line);
    await row.click();
    await settle(h.page);
    const posted = await h.posted();
    assert.deepEqual(posted[posted.length - 1], { type: 'openSource', line });
    // Opening layer1 asks for its rows below the depth; the row button does not open the source.
    seen = (await h.posted()).length;
    await row.locator('button.summary-toggle').click();
    assert.deepEqual((await answerView(h, resnet, '/ws/resnet18.py', seen)).open, ['layer1']);
    assert.equal(
      await h.page.locator('.summary-table tbody tr').count(),
      moduleRows(resnet, 1, new Set(['layer1'])).length,
    );
    assert.equal(
      await h.page
        .locator('.summary-table tbody tr', { hasText: 'BasicBlock ×2' })
        .locator('button.summary-toggle')
        .getAttribute('aria-expanded'),
      'true',
    );
    seen = (await h.posted()).length;
    await select.selectOption('4');
    await answerView(h, resnet, '/ws/resnet18.py', seen);
    assert.equal(
      await h.page.locator('.summary-table tbody tr').count(),
      moduleRows(resnet, 4).length,
    );
    const out = join(ROOT, 'test-results', 'browser');
    mkdirSync(out, { recursive: true });
    seen = (await h.posted()).length;
    await select.selectOption('2');
    await answerView(h, resnet, '/ws/resnet18.py', seen);
    await h.page.screenshot({ path: join(out, 'summary-depth-2.png'), fullPage: true });
    assert.deepEqual(h.problems, []);
  },
);

test(
  'a 20,000-module Summary draws the rows in view, asks for more, and a kept page says it cannot change',
  { skip },
  async () => {
    const h = await openHarness(browser as Browser, { theme: 'dark', width: 420, height: 900 });
    try {
      const model = alternating();
      const file = '/ws/alternating.py';
      const defaults = {
        sampler: 'nuts',
        n: 1000,
        chains: 2,
        seed: 1,
        expr: 'exp(-x^2/2)',
      } as const;
      await h.send({
        type: 'init',
        runs: [],
        samples: [],
        summary: summaryPage(model, file, DEFAULT_SUMMARY_VIEW),
        defaults,
      });
      await h.send({ type: 'showTab', tab: 'summary' });
      await settle(h.page);
      const rows = h.page.locator('.summary-table tbody tr');
      // 200 rows and the "more" row, of 20,001.
      assert.equal(await rows.count(), 201);
      const more = h.page.locator('button.summary-more');
      assert.equal(await more.textContent(), '… 19,801 more rows: show 200 more');
      const out = join(ROOT, 'test-results', 'browser');
      mkdirSync(out, { recursive: true });
      await h.page.screenshot({ path: join(out, 'summary-20000.png') });
      const seen = (await h.posted()).length;
      await more.click();
      // The tree is two levels deep: the page shows (and asks for) depth 2.
      assert.deepEqual(await answerView(h, model, file, seen), {
        depth: 2,
        limit: 400,
        open: [],
      });
      assert.equal(await rows.count(), 401);
      assert.match((await rows.nth(399).textContent()) ?? '', /^398Linear\[1, 10\]110100$/);

      // At the cap the page stops offering more and says what to do instead.
      await h.send({
        type: 'summary',
        page: summaryPage(model, file, { depth: 2, limit: 1000, open: [] }),
      });
      await settle(h.page);
      assert.equal(await rows.count(), 1001);
      assert.equal(await h.page.locator('button.summary-more').count(), 0);
      assert.match(
        (await h.page.locator('.summary-more-cap').textContent()) ?? '',
        /^… 19,001 more rows \(the Summary shows 1,000 at most\): pick a smaller depth, or save the CSV$/,
      );

      // Depth 1 folds the 20,000 rows into one; its ▸ opens them again, 200 at a time; ▾ closes.
      let asked = (await h.posted()).length;
      await h.page.locator('select.summary-depth').selectOption('1');
      assert.deepEqual(await answerView(h, model, file, asked), { depth: 1, limit: 200, open: [] });
      assert.deepEqual(await rowTexts(h), ['▸bodySequential']);
      asked = (await h.posted()).length;
      await h.page.locator('button.summary-toggle').click();
      assert.deepEqual((await answerView(h, model, file, asked)).open, ['body']);
      assert.equal(await rows.count(), 201);
      assert.equal(await h.page.locator('button.summary-toggle').textContent(), '▾');
      asked = (await h.posted()).length;
      await h.page.locator('button.summary-toggle').click();
      assert.deepEqual((await answerView(h, model, file, asked)).open, []);
      assert.equal(await rows.count(), 1);
      // The page stayed responsive throughout: a script runs at once.
      assert.equal(await h.page.evaluate(() => 1 + 1), 2);

      // The ModuleList of 20,000 Linear is one row.
      await h.send({
        type: 'summary',
        page: summaryPage(hugeModuleList(), '/ws/huge_modulelist.py', DEFAULT_SUMMARY_VIEW),
      });
      await settle(h.page);
      assert.deepEqual(await rowTexts(h), ['layersLinear ×20000', 'headLinear']);
      assert.match((await rows.first().textContent()) ?? '', /not called2\u202f200\u202f000/);

      // A page kept from an earlier session: nothing that would ask the host for another view.
      await h.send({
        type: 'summary',
        page: { ...summaryPage(model, file, { depth: 1, limit: 200, open: [] }), live: false },
      });
      await settle(h.page);
      assert.equal(await h.page.locator('select.summary-depth').isDisabled(), true);
      assert.equal(await h.page.locator('button.summary-toggle').count(), 0);
      assert.match(
        (await h.page.locator('.summary-stale').textContent()) ?? '',
        /run "Show Model Summary" again/,
      );
      assert.equal(
        await h.page.locator('.summary .section-title button', { hasText: 'CSV' }).isDisabled(),
        true,
      );
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  },
);
