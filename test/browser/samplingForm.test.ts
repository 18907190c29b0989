// The Sampling form's tuning fields in headless Chromium under the extension's HTML and CSP, in
// the 300 px sidebar (dark and high-contrast): only the chosen sampler's fields show, each with its
// default; the settings' values show only as placeholders, and the request carries only what was
// typed (the host fills the rest from the settings); "Run all six" gives each sampler only its own
// tuning and warm-up; a bad value is named and Run is
// disabled; nothing overflows the width; no console error or CSP violation. Saves a screenshot of
// the form per theme to look at.
// Skips when Debian's /usr/bin/chromium is not installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import type { HostToWebview, SampleRequestParams } from '../../src/common/messages';
import {
  browserSkip,
  useBrowser,
  openHarness,
  settle,
  type Harness,
  type ThemeKind,
} from './harness';

const skip = browserSkip;
const browser = useBrowser();
const SHOTS = process.env.TL_SCREENSHOTS ?? join(tmpdir(), 'tensor-lens-sampling-form');

const EXPR = 'exp(-x^2/2)';
const init: HostToWebview = {
  type: 'init',
  runs: [],
  samples: [],
  summary: null,
  defaults: {
    sampler: 'nuts',
    n: 1000,
    chains: 2,
    seed: 7,
    expr: EXPR,
    tuning: { stepSize: 0.2 },
  },
};

/** The inner input of the form's text field with this aria-label. */
const field = (h: Harness, label: string): Locator =>
  h.page.locator(`.sample-form vscode-textfield[aria-label="${label}"]`);

async function runRequests(h: Harness): Promise<SampleRequestParams[]> {
  return (await h.posted())
    .filter(
      (m): m is { type: 'runSample'; params: SampleRequestParams } =>
        typeof m === 'object' && m !== null && (m as { type?: string }).type === 'runSample',
    )
    .map((m) => m.params);
}

for (const theme of ['dark', 'high-contrast'] as ThemeKind[]) {
  test(`the sampling form's tuning fields at 300 px (${theme})`, { skip }, async () => {
    const h = await openHarness(browser(), { theme, width: 300, height: 900 });
    try {
      await h.send(init);
      await h.send({ type: 'showTab', tab: 'sampling' });
      await h.send({ type: 'exprCheck', expr: EXPR, result: { ok: true, dims: 1 } });
      await settle(h.page);
      // NUTS: step size (the setting shown), target acceptance, max depth, warm-up; not MH's.
      assert.ok(await field(h, 'step size (sampling form)').isVisible());
      assert.ok(await field(h, 'max depth (sampling form)').isVisible());
      assert.ok(await field(h, 'warm-up per chain').isVisible());
      assert.equal(await field(h, 'MH scale (sampling form)').isVisible(), false);
      assert.equal(await field(h, 'leapfrog steps (sampling form)').isVisible(), false);
      assert.equal(
        await field(h, 'step size (sampling form)').getAttribute('placeholder'),
        'auto (setting: 0.2)',
      );
      const note = (await h.page.locator('.tuning-note').textContent()) ?? '';
      assert.match(note, /step size 0\.2 from the settings/);
      assert.match(note, /max depth auto \(10\)/);
      assert.match(note, /warm-up auto/);
      // A bad value is named and disables Run.
      await field(h, 'max depth (sampling form)').locator('input').fill('deep');
      await settle(h.page);
      assert.match(
        (await h.page.locator('.sample-form .field-error').textContent()) ?? '',
        /max depth: a number, or auto/,
      );
      const run = h.page.locator('.sample-form vscode-button', { hasText: /^\s*Run\s*$/ });
      assert.equal(await run.getAttribute('disabled'), '');
      await field(h, 'max depth (sampling form)').locator('input').fill('6');
      await field(h, 'warm-up per chain').locator('input').fill('300');
      await settle(h.page);
      await run.click();
      let sent = await runRequests(h);
      assert.equal(sent.length, 1);
      // The form's max depth and warm-up only: the host puts the step size setting under them.
      assert.deepEqual(sent[0].tuning, { maxDepth: 6 });
      assert.equal(sent[0].warmup, 300);
      // MH: its own field appears; typing a scale there and running all six gives each sampler
      // only its own tuning, and the i.i.d. samplers no warm-up.
      // The dropdown's list lives in the component's shadow DOM: choose as its change event does.
      await h.page.locator('.sample-form vscode-single-select').evaluate((el) => {
        (el as HTMLElement & { value: string }).value = 'mh';
        el.dispatchEvent(new Event('change'));
      });
      await settle(h.page);
      assert.ok(await field(h, 'MH scale (sampling form)').isVisible());
      assert.equal(await field(h, 'max depth (sampling form)').isVisible(), false);
      await field(h, 'MH scale (sampling form)').locator('input').fill('0.8');
      await settle(h.page);
      await h.page.locator('.sample-form vscode-button', { hasText: 'Run all' }).click();
      sent = (await runRequests(h)).slice(1);
      const by = new Map(sent.map((p) => [p.sampler, p]));
      assert.deepEqual(by.get('mh')?.tuning, { mhScale: 0.8 });
      assert.equal(by.get('mh')?.warmup, 300);
      assert.deepEqual(by.get('nuts')?.tuning, { maxDepth: 6 });
      assert.equal(by.get('hmc')?.tuning, undefined);
      assert.equal(by.get('slice')?.tuning, undefined);
      assert.equal(by.get('rejection')?.tuning, undefined);
      assert.equal(by.get('rejection')?.warmup, undefined);
      mkdirSync(SHOTS, { recursive: true });
      await h.page.locator('.sample-form').screenshot({ path: join(SHOTS, `form-${theme}.png`) });
      const width = await h.page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 300, `no horizontal overflow at 300 px (scrollWidth ${width})`);
      assert.deepEqual(h.problems, []);
    } finally {
      await h.close();
    }
  });
}
