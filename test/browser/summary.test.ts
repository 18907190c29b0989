// The Summary tab's module tree in headless Chromium under the extension's exact HTML and CSP, on the
// engine's real analysis of a ResNet: repeated blocks folded, the Depth select changing the rows, and
// a click on a row asking the host to open its line. Skips when /usr/bin/chromium is not installed.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { moduleRows } from '../../src/common/moduleSummary';
import { analyze } from '../../src/shapes';
import { chromiumAvailable, launch, openHarness, settle, type Harness } from './harness';

const skip = chromiumAvailable() ? false : 'needs /usr/bin/chromium (Debian package chromium)';
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
      summary: resnet,
      summaryFile: '/ws/resnet18.py',
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
    await select.selectOption('1');
    await settle(h.page);
    const top = await rowTexts(h);
    assert.deepEqual(
      top,
      moduleRows(resnet, 1).map(
        (r) =>
          `${r.name}${r.folded ? ' …' : ''}${r.repeat > 1 ? `${r.type} ×${r.repeat}` : r.type === r.name ? '' : r.type}`,
      ),
    );
    assert.ok(top.includes('layer1 …BasicBlock ×2'), top.join(' | '));
    // The select keeps its choice across a redraw.
    assert.equal(await select.inputValue(), '1');
    const row = h.page.locator('.summary-table tbody tr', { hasText: 'BasicBlock ×2' });
    const line = Number(await row.getAttribute('data-line'));
    assert.equal(line, moduleRows(resnet, 1).find((r) => r.name === 'layer1')?.line);
    await row.click();
    await settle(h.page);
    const posted = await h.posted();
    assert.deepEqual(posted[posted.length - 1], { type: 'openSource', line });
    await select.selectOption('4');
    await settle(h.page);
    assert.equal(
      await h.page.locator('.summary-table tbody tr').count(),
      moduleRows(resnet, 4).length,
    );
    const out = join(ROOT, 'test-results', 'browser');
    mkdirSync(out, { recursive: true });
    await select.selectOption('2');
    await settle(h.page);
    await h.page.screenshot({ path: join(out, 'summary-depth-2.png'), fullPage: true });
    assert.deepEqual(h.problems, []);
  },
);
