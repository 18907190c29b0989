// The sampling diagnostics views in headless Chromium under the extension's exact HTML and CSP, fed
// with real engine results: the flags with what to change, the table (R-hat bulk/tail, MCSE of the
// quantiles, E-BFMI, tree depth), the KS note, rank plots, the energy plot for NUTS, the PIT
// histogram, a trace with divergences (where marks land: test/unit/panel/diagnosticsData.test.ts),
// each chart saved as SVG.
// No console error, no CSP violation; at 320 px in a high-contrast theme.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { HostToWebview, SampleResult } from '../../src/common/messages';
import { decodeSaveFile } from '../../src/panel/hostMessages';
import { runSampler } from '../../src/sampling';
import { canvasInk, browserSkip, launch, openHarness, settle, type Harness } from './harness';

const skip = browserSkip;
let browser: Browser | undefined;
let hz: Harness | undefined;

async function run(p: Parameters<typeof runSampler>[0]): Promise<SampleResult> {
  return runSampler(p, { onProgress: () => undefined });
}

before(async () => {
  if (skip) return;
  browser = await launch();
  hz = await openHarness(browser, { theme: 'high-contrast', width: 320, height: 1400 });
});

after(async () => {
  await hz?.close();
  await browser?.close();
});

test(
  'diagnostics: flags, table, rank, energy and PIT plots, divergences on the trace',
  { skip },
  async () => {
    const h = hz as Harness;
    const nuts = await run({
      expr: 'exp(-x^2/2) * (1 + sin(3x)^2)',
      sampler: 'nuts',
      n: 400,
      chains: 2,
      seed: 5,
      runId: 'd-nuts',
    });
    // Too short a run for 4 chains: the ESS and R-hat flags must show, with what to change.
    const mh = await run({
      expr: 'exp(-x^2/2)',
      sampler: 'mh',
      n: 120,
      chains: 4,
      seed: 2,
      warmup: 5,
      runId: 'd-mh',
    });
    assert.ok(mh.report && mh.report.flags.length > 0, 'the short MH run is flagged by the engine');
    assert.ok(nuts.report?.energy, 'NUTS reports an energy plot');
    // Divergences are rare on this density: plant two marks to see them drawn (the engine's
    // recording of them is tested in test/unit/sampling).
    const withDiv: SampleResult = {
      ...nuts,
      divergences: 2,
      report: { ...nuts.report, divergentDraws: [[10, 200], []] },
    };
    const init: HostToWebview = {
      type: 'init',
      runs: [],
      samples: [withDiv, mh],
      summary: null,
      defaults: {
        sampler: 'nuts',
        n: 5000,
        chains: 4,
        seed: 42,
        expr: 'exp(-x^2/2)',
        epochs: 3,
        limit: 0,
      },
    };
    await h.send(JSON.parse(JSON.stringify(init)) as HostToWebview);
    await h.page.locator('vscode-tab-header', { hasText: 'Sampling' }).click();
    await settle(h.page);
    assert.deepEqual(h.problems, []);
    assert.equal(await h.page.locator('.card').count(), 2);
    const flags = await h.page.locator('ul.diag-flags li').allTextContents();
    // The panel names its fields (draws, warm-up), not the CLI's flags.
    assert.ok(
      flags.some((f) => /ESS .* < 100 per chain .* Try: .*more draws/.test(f)),
      flags.join('\n'),
    );
    assert.ok(!flags.some((f) => f.includes('--')), flags.join('\n'));
    const table = (await h.page.locator('table.diag').allTextContents()).join('\n');
    assert.match(table, /R-hat bulk \/ tail/);
    assert.match(table, /q5 % ± MCSE/);
    assert.match(table, /E-BFMI\d\.\d\d · \d\.\d\d/);
    assert.match(table, /max tree depth hit/);
    assert.match(table, /divergences2 ⚠/);
    const notes = await h.page.locator('.ks-note').allTextContents();
    assert.ok(
      notes.some((n) => /every \d+(st|nd|rd|th): KS assumes independent draws/.test(n)),
      notes.join('\n'),
    );
    for (const label of [
      'Rank plot per chain',
      'Energy: marginal vs transition',
      'PIT vs numeric CDF',
    ])
      assert.ok(
        (await canvasInk(h, `canvas[aria-label^="${label}"][aria-label$="(nuts)"]`)) > 300,
        `${label} drawn`,
      );
    assert.equal(
      await h.page.locator('canvas[aria-label^="Energy: marginal vs transition (mh)"]').count(),
      0,
      'no energy plot for MH',
    );
    // Every card chart saves as SVG too: the trace with its two divergences as dots, the
    // histogram with its filled outline.
    const card = h.page.locator('.card', { hasText: 'NUTS' });
    const svgOf = async (title: string): Promise<string> => {
      await card.locator('.chart-title', { hasText: title }).getByText('SVG').click();
      const posted = (await h.posted()) as { type: string; mime?: string; data?: string }[];
      const saved = posted.filter((m) => m.type === 'saveFile').pop();
      assert.equal(saved?.mime, 'image/svg+xml', title);
      assert.ok(decodeSaveFile('image/svg+xml', saved?.data ?? '') instanceof Uint8Array, title);
      return saved?.data ?? '';
    };
    assert.equal(((await svgOf('Trace per chain')).match(/<circle /g) ?? []).length, 2);
    assert.match(await svgOf('Histogram vs true density'), /<path d="M[^"]+Z" fill="rgba\(/);
    for (const title of ['Autocorrelation', 'Rank plot per chain', 'Energy', 'PIT'])
      assert.match(await svgOf(title), /<path d="M[\d.]+ [\d.]+L/, title);
    assert.deepEqual(h.problems, []);
  },
);
