// The real panel host (src/panel, against the vscode stand-in) wired to the real page in headless
// Chromium under its CSP: a page created, or hidden and shown again (VS Code reloads it), while a
// sampling job streams must draw the job as far as it has got, each event once, not only the events
// after its init. Skips when /usr/bin/chromium is not installed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { SampleProgressEvent, SampleRequestParams } from '../../src/sampling/types';
import { createContext, FakeMemento, installFakeVscode, state } from '../support/vscode';
import { sampleResult1d } from '../unit/panel/fixtures';
import { chromiumAvailable, launch, openHarness, settle, type Harness } from './harness';

installFakeVscode();
// Loaded after the stand-in so that its `import * as vscode` gets it.
const { createPanel } = require('../../src/panel') as typeof import('../../src/panel');

const skip = chromiumAvailable() ? false : 'needs /usr/bin/chromium (Debian package chromium)';
let browser: Browser | undefined;

before(async () => {
  if (!skip) browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A webview whose content is a harness page; VS Code reloading it is a new page behind it. */
class BrowserWebview {
  options: unknown;
  html = '';
  readonly cspSource = 'vscode-webview://fake';
  page: Harness | undefined;
  private listener: ((m: unknown) => void) | undefined;
  private sending: Promise<void> = Promise.resolve();
  asWebviewUri<T>(u: T): T {
    return u;
  }
  postMessage(m: unknown): Promise<boolean> {
    const page = this.page;
    // A hidden page is gone: VS Code drops what is posted to it.
    if (!page) return Promise.resolve(false);
    const copy: unknown = JSON.parse(JSON.stringify(m));
    this.sending = this.sending.then(() => page.send(copy as never));
    return this.sending.then(() => true);
  }
  onDidReceiveMessage(l: (m: unknown) => void): { dispose(): void } {
    this.listener = l;
    return { dispose: () => (this.listener = undefined) };
  }
  /** The page's `ready` (and whatever else it posted) reaches the host. */
  async load(page: Harness): Promise<void> {
    this.page = page;
    for (const m of await page.posted()) this.listener?.(m);
  }
  delivered(): Promise<void> {
    return this.sending;
  }
}

/** The worker's sampling, held after each event until the test sends the next. */
class HeldEngine {
  progress: ((e: SampleProgressEvent) => void) | undefined;
  runId = '';
  release: () => void = () => undefined;
  request(method: string, params: never, onEvent: (e: unknown) => void): Promise<unknown> {
    if (method !== 'sample') return Promise.reject(new Error(`no ${method} here`));
    const p: SampleRequestParams = params;
    this.runId = p.runId ?? '';
    this.progress = onEvent;
    return new Promise<void>((r) => (this.release = r)).then(() =>
      sampleResult1d(p.runId ?? '', p.sampler, { n: p.n }),
    );
  }
}

const log = { info() {}, warn() {}, error() {}, debug() {}, trace() {} };

async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 10_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test(
  'a page created, then hidden and shown, while a sampling job streams draws it as far as it got',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-midrun-'));
    const engine = new HeldEngine();
    const context = createContext('/ext', join(dir, 'storage'), new FakeMemento());
    const panel = createPanel(context as never, engine as never, log as never);
    const webview = new BrowserWebview();
    const pages: Harness[] = [];
    try {
      // The job starts before the view exists: 2 chains of 10 draws.
      await panel.sample({ expr: 'exp(-x^2/2)', sampler: 'mh', n: 10, chains: 2, seed: 1 });
      await until(() => engine.progress !== undefined, 'the job running');
      const send = (chain: number, x: number[], done: number): void =>
        (engine.progress as (e: SampleProgressEvent) => void)({
          event: 'progress',
          runId: engine.runId,
          chain,
          start: 0,
          x,
          done,
          total: 10,
          phase: 'sampling',
        });
      send(0, [0.1, 0.2], 2);
      send(1, [1, 0.5, -0.5, 0.25, 0], 5);
      // The host posts when its own work is done (the init waits for past runs to load): poll the
      // card until it reads `want`, and fail with what it read last.
      const label = async (h: Harness, want: RegExp): Promise<void> => {
        let text = '';
        const t0 = Date.now();
        while (Date.now() - t0 < 15_000) {
          await webview.delivered();
          await settle(h.page);
          text = (await h.page.locator('.pending-item span').textContent()) ?? '';
          if (want.test(text)) return;
        }
        assert.match(text, want);
      };
      const traces = (h: Harness): Promise<number> =>
        h.page.locator('.pending-item canvas[aria-label="live trace"]').count();

      // The view is opened now: its page loads and says ready.
      state.viewProvider?.resolveWebviewView({ webview, show() {}, onDidDispose() {} });
      const first = await openHarness(browser as Browser, { theme: 'dark', width: 420 });
      pages.push(first);
      await first.send({ type: 'showTab', tab: 'sampling' });
      await webview.load(first);
      // (2 + 5) of 2 × 10 draws: 35 %, with the trace so far.
      await label(first, /— 35 %$/);
      assert.equal(await traces(first), 1);
      send(0, [0.3], 3);
      await label(first, /— 40 %$/);

      // Hidden: VS Code drops its page, and what is posted meanwhile goes nowhere.
      webview.page = undefined;
      send(1, [0.125], 6);
      // Shown again: a new page behind the same webview says ready.
      const second = await openHarness(browser as Browser, { theme: 'dark', width: 420 });
      pages.push(second);
      await second.send({ type: 'showTab', tab: 'sampling' });
      await webview.load(second);
      await label(second, /— 45 %$/);
      send(0, [0.4], 4);
      // 4 + 6 of 20 draws (panelHost.test.ts checks the traces point by point: no event twice).
      await label(second, /— 50 %$/);
      assert.equal(await traces(second), 1);
      engine.release();
      assert.deepEqual(first.problems, []);
      assert.deepEqual(second.problems, []);
    } finally {
      for (const p of pages) await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
