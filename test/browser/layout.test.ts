// The side bar at 300 px, every tab with content (a live run, the runs table, the diff, Evaluation,
// sampling results, the playground with a recorded chain), in headless Chromium under the page's CSP:
// no control, heading or picker runs past its container (scrollWidth ≤ clientWidth + 1, and nothing
// past the page's right edge) except inside the boxes meant to scroll sideways (the runs table);
// every heading fits on at most two lines without being cut; a picker is as wide as its longest
// choice; nothing marked hidden is shown. Saves a screenshot of each tab at 300 px and in the 1100 px editor tab to look at.
// Skips when Debian's /usr/bin/chromium is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostToWebview, SampleRequestParams } from '../../src/common/messages';
import { traceSteps } from '../../src/sampling/steps';
import { sampleResult1d, sampleResult2d, storedRun, trainStream } from '../unit/panel/fixtures';
import { browserSkip, useBrowser, openHarness, settle, type Harness } from './harness';

const skip = browserSkip;
const browser = useBrowser();
const SHOTS = process.env.TL_SCREENSHOTS ?? join(tmpdir(), 'tensor-lens-layout');

const EXPR = 'exp(-x^2/2) * (1 + sin(3x)^2)';
const init: HostToWebview = {
  type: 'init',
  runs: [
    storedRun('run-a', '2026-11-25T20:00:00.000Z', { rich: true }),
    storedRun('run-b', '2026-11-26T20:00:00.000Z', { rich: true, lr: 0.01 }),
  ],
  samples: [sampleResult1d('s1', 'mh'), sampleResult1d('s2', 'nuts'), sampleResult2d('s3')],
  summary: null,
  defaults: { sampler: 'nuts', n: 5000, chains: 4, seed: 42, expr: EXPR, epochs: 3, limit: 0 },
};

/** What is wrong with the visible part of the page's layout, one line per problem. */
async function layoutProblems(h: Harness): Promise<string[]> {
  return h.page.evaluate(() => {
    const out: string[] = [];
    const name = (el: Element): string => {
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      return `<${el.tagName.toLowerCase()}${el.className ? ` class="${String(el.className)}"` : ''}> "${text}"`;
    };
    const visible = (el: HTMLElement): boolean => el.getClientRects().length > 0;
    // Boxes meant to scroll sideways: what is inside them may be wider than the page.
    const scrolls = (el: Element): boolean => {
      for (let a = el.parentElement; a; a = a.parentElement) {
        const o = getComputedStyle(a).overflowX;
        if (o === 'auto' || o === 'scroll') return true;
      }
      return false;
    };
    // An element marked hidden is not drawn, whatever display a layout rule gives its class.
    for (const el of document.querySelectorAll<HTMLElement>('[hidden]'))
      if (el.getClientRects().length > 0 && el.parentElement?.closest('[hidden]') === null)
        out.push(`${name(el)} is marked hidden but shown`);
    const pageRight = document.documentElement.clientWidth;
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      if (!visible(el) || el instanceof HTMLCanvasElement || scrolls(el)) continue;
      const cs = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > pageRight + 1)
        out.push(`${name(el)} ends at ${Math.round(r.right)} px, past the page (${pageRight} px)`);
      // A cut text (ellipsis) is checked below for headings; a scrolling box is meant to scroll.
      if (cs.overflowX === 'auto' || cs.overflowX === 'scroll' || cs.textOverflow === 'ellipsis')
        continue;
      if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1)
        out.push(`${name(el)} overflows: scrollWidth ${el.scrollWidth} > ${el.clientWidth}`);
    }
    for (const el of document.querySelectorAll<HTMLElement>(
      '.chart-title > :first-child, .section-title > :first-child',
    )) {
      if (!visible(el)) continue;
      // A user's expression is cut with its whole text in the tooltip; a heading is never cut.
      if (!el.classList.contains('expr-title') && el.scrollWidth > el.clientWidth + 1)
        out.push(`${name(el)} is cut: scrollWidth ${el.scrollWidth} > ${el.clientWidth}`);
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = new Set([...range.getClientRects()].map((q) => Math.round(q.top)));
      if (tops.size > 2) out.push(`${name(el)} takes ${tops.size} lines`);
    }
    for (const s of document.querySelectorAll<HTMLSelectElement>('select')) {
      if (!visible(s)) continue;
      // The width the picker would take unconstrained: narrower than that, its text is cut.
      const free = s.cloneNode(true) as HTMLSelectElement;
      free.style.cssText = 'position:absolute;max-width:none;min-width:0;width:auto;flex:none';
      s.parentElement?.append(free);
      const need = free.getBoundingClientRect().width;
      free.remove();
      const has = s.getBoundingClientRect().width;
      if (has + 1 < need)
        out.push(`${name(s)} is ${Math.round(has)} px wide, its text needs ${Math.round(need)}`);
    }
    return out;
  });
}

async function tab(h: Harness, i: number): Promise<void> {
  await h.page.locator('vscode-tab-header').nth(i).click();
  await settle(h.page);
}

/** The page with every view filled: a live run on top of two stored ones, results, a chain. */
async function filled(h: Harness): Promise<void> {
  await h.send(init);
  const live = trainStream('run-live', { trainSize: 60000, epochs: 2, rich: true });
  await h.sendMany(
    live.filter((e) => e.event !== 'done').map((event) => ({ type: 'trainEvent', event })),
  );
  // Two runs ticked: the hyperparameter diff shows.
  await settle(h.page);
  await tab(h, 1);
  await h.send({ type: 'exprCheck', expr: EXPR, result: { ok: true, dims: 1 } });
  await h.page.locator('.pg-record').click();
  const asked = (await h.posted()).filter(
    (m): m is { type: 'traceSteps'; params: SampleRequestParams; steps: number } =>
      typeof m === 'object' && m !== null && (m as { type?: string }).type === 'traceSteps',
  );
  assert.equal(asked.length, 1);
  await h.send({
    type: 'stepTrace',
    trace: traceSteps({ ...asked[0].params, warmup: 200 }, asked[0].steps),
  });
  await settle(h.page);
  await tab(h, 0);
}

test(
  'the side bar at 300 px: nothing runs past its box, headings fit, pickers show their text',
  { skip },
  async () => {
    const h = await openHarness(browser(), { theme: 'dark', width: 300, height: 900 });
    try {
      await filled(h);
      mkdirSync(SHOTS, { recursive: true });
      // The diff of two runs and the Evaluation picker are part of what is checked.
      assert.ok(await h.page.locator('select[aria-label="evaluation to show"]').isVisible());
      assert.ok(await h.page.locator('.runs-table').isVisible());
      assert.deepEqual(await layoutProblems(h), [], 'Training tab');
      await h.page.screenshot({ path: join(SHOTS, 'training-300.png'), fullPage: true });
      await tab(h, 1);
      assert.ok(await h.page.locator('canvas.pg-canvas').isVisible());
      assert.deepEqual(await layoutProblems(h), [], 'Sampling tab and playground');
      await h.page.screenshot({ path: join(SHOTS, 'sampling-300.png'), fullPage: true });
      await h.page.locator('.playground').screenshot({ path: join(SHOTS, 'playground-300.png') });
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  },
);

test(
  'the editor tab at 1100 px before any evaluation or result: only the empty notes show',
  { skip },
  async () => {
    const h = await openHarness(browser(), {
      theme: 'dark',
      width: 1100,
      editor: true,
      height: 900,
    });
    try {
      // A run recorded before evaluations were sent, no sampling results, no recorded chain.
      await h.send({ ...init, runs: [storedRun('plain')], samples: [] });
      await settle(h.page);
      assert.ok(await h.page.getByText('After each epoch, the test set').isVisible());
      assert.equal(await h.page.locator('.eval-body').isVisible(), false);
      assert.deepEqual(await layoutProblems(h), [], 'Training tab');
      await tab(h, 1);
      assert.deepEqual(await layoutProblems(h), [], 'Sampling tab and playground');
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  },
);

test('the editor tab at 1100 px: the wide layout, nothing past its box', { skip }, async () => {
  const h = await openHarness(browser(), {
    theme: 'dark',
    width: 1100,
    editor: true,
    height: 900,
  });
  try {
    await filled(h);
    mkdirSync(SHOTS, { recursive: true });
    // The wide layout: Evaluation's heat map and per-class bars side by side.
    const cols = await h.page
      .locator('.eval-col')
      .evaluateAll((els) =>
        els.filter((e) => e.getClientRects().length).map((e) => e.getBoundingClientRect().top),
      );
    assert.ok(cols.length >= 2 && cols[0] === cols[1], `evaluation columns side by side: ${cols}`);
    assert.deepEqual(await layoutProblems(h), [], 'Training tab');
    await h.page.screenshot({ path: join(SHOTS, 'training-1100.png'), fullPage: true });
    await tab(h, 1);
    assert.deepEqual(await layoutProblems(h), [], 'Sampling tab and playground');
    await h.page.screenshot({ path: join(SHOTS, 'sampling-1100.png'), fullPage: true });
    await h.page.locator('.playground').screenshot({ path: join(SHOTS, 'playground-1100.png') });
    assert.deepEqual(h.problems, []);
  } finally {
    await h.close();
  }
});
