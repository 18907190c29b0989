// The real panel host (src/panel, against the vscode stand-in) wired to the real page in headless
// Chromium under its CSP: a page created, or hidden and shown again (VS Code reloads it), while a
// sampling job or a training run streams must draw it as far as it has got, each event once, not
// only the events after its init. Skips when /usr/bin/chromium is not installed.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SampleProgressEvent, SampleRequestParams } from '../../src/sampling/types';
import type { TrainEvent, TrainRequestParams } from '../../src/training/types';
import { createContext, FakeMemento, installFakeVscode, state } from '../support/vscode';
import { sampleResult1d } from '../unit/panel/fixtures';
import { browserSkip, useBrowser, openHarness, settle, type Harness } from './harness';
import { BrowserWebview, quietLog, until } from './hostBridge';

installFakeVscode();
// Loaded after the stand-in so that its `import * as vscode` gets it.
const { createPanel } = require('../../src/panel') as typeof import('../../src/panel');

const skip = browserSkip;
const browser = useBrowser();

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

/** The worker's training, held until the test releases it; `send` passes the test's events on. */
class HeldTrainer {
  send: ((e: TrainEvent) => void) | undefined;
  runId = '';
  release: () => void = () => undefined;
  request(method: string, params: never, onEvent: (e: TrainEvent) => void): Promise<unknown> {
    if (method !== 'train') return Promise.reject(new Error(`no ${method} here`));
    const p: TrainRequestParams = params;
    this.runId = p.runId ?? '';
    this.send = onEvent;
    return new Promise<void>((r) => (this.release = r)).then(() => ({
      event: 'done',
      runId: this.runId,
      backend: 'wasm',
      models: [],
      cancelled: true,
    }));
  }
}

test(
  'a page created, then hidden and shown, while a sampling job streams draws it as far as it got',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-midrun-'));
    const engine = new HeldEngine();
    const context = createContext('/ext', join(dir, 'storage'), new FakeMemento());
    const panel = createPanel(context as never, engine as never, quietLog as never);
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
      const first = await openHarness(browser(), { theme: 'dark', width: 420 });
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
      const second = await openHarness(browser(), { theme: 'dark', width: 420 });
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

test(
  'a page created, then hidden and shown, while a training run streams shows its progress line and curves at once',
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-midrun-'));
    const engine = new HeldTrainer();
    const context = createContext('/ext', join(dir, 'storage'), new FakeMemento());
    const panel = createPanel(context as never, engine as never, quietLog as never);
    const webview = new BrowserWebview();
    const pages: Harness[] = [];
    try {
      // MLP then CNN, 2 epochs of 10 batches of 64 each: 2,560 samples in all.
      void panel.compare({ epochs: 2, limit: 640 });
      await until(() => engine.send !== undefined, 'the run going');
      const send = (e: TrainEvent): void => (engine.send as (e: TrainEvent) => void)(e);
      const runId = engine.runId;
      send({
        event: 'start',
        runId,
        backend: 'wasm',
        models: [
          { model: 'mlp', params: 535818 },
          { model: 'cnn', params: 225034 },
        ],
        trainSize: 640,
        testSize: 100,
        epochs: 2,
        batchSize: 64,
      });
      let seen = 0;
      const batch = (epoch: number, b: number): void => {
        seen += 64;
        send({
          event: 'batch',
          runId,
          model: 'mlp',
          epoch,
          batch: b,
          batches: 10,
          samplesSeen: seen,
          loss: 2 / (1 + seen / 640),
        });
      };
      // The host times each batch as it arrives: a few ms apart, so the run has a rate.
      const pause = (): Promise<void> => new Promise((r) => setTimeout(r, 5));
      for (let b = 1; b <= 10; b++) {
        batch(1, b);
        await pause();
      }
      send({
        event: 'epoch',
        runId,
        model: 'mlp',
        epoch: 1,
        trainLoss: 0.9,
        trainAcc: 0.7,
        testLoss: 0.8,
        testAcc: 0.75,
        seconds: 1,
        samplesPerSec: 640,
      });
      for (let b = 1; b <= 3; b++) {
        await pause();
        batch(2, b);
      }

      /** The header as it reads once the host's posts have arrived and the page has drawn them. */
      const header = async (h: Harness, want: RegExp): Promise<string> => {
        let text = '';
        const t0 = Date.now();
        while (Date.now() - t0 < 15_000) {
          await webview.delivered();
          await settle(h.page);
          text = (await h.page.locator('.status-text').textContent()) ?? '';
          if (want.test(text)) return text;
        }
        assert.match(text, want);
        return text;
      };
      const metric = async (h: Harness, title: string): Promise<string> =>
        (await h.page.locator(`.metric[title="${title}"]`).textContent()) ?? '';
      const progress = (h: Harness): Promise<number> =>
        h.page.locator('progress.run-progress').evaluate((p) => (p as HTMLProgressElement).value);
      /** Points per line of a chart, as its SVG export draws them (few points: none decimated). */
      const points = async (h: Harness, chart: string): Promise<number[]> => {
        await h.page.locator('.chart-title', { hasText: chart }).getByText('SVG').click();
        const posted = (await h.posted()) as { type: string; data?: string }[];
        const svg = posted.filter((m) => m.type === 'saveFile').pop()?.data ?? '';
        return [...svg.matchAll(/<path d="([^"]*)"/g)].map(
          (m) => (m[1].match(/[ML]/g) ?? []).length,
        );
      };

      // The view is opened now: its page loads and says ready.
      state.viewProvider?.resolveWebviewView({ webview, show() {}, onDidDispose() {} });
      const first = await openHarness(browser(), { theme: 'dark', width: 420 });
      pages.push(first);
      await webview.load(first);
      // Before any further event: where the run is, its rate and time left, and its curves so far
      // (13 losses, drawn raw and smoothed; one test accuracy).
      await header(first, /^mlp · epoch 2\/2 · batch 3\/10$/);
      assert.match(await metric(first, 'samples per second'), /samples\/s$/);
      assert.match(await metric(first, 'time left'), /left$/);
      assert.equal(await progress(first), (640 + 3 * 64) / 2560);
      assert.deepEqual(await points(first, 'Loss per batch'), [13, 13]);
      assert.deepEqual(await points(first, 'Test accuracy per epoch'), [1]);
      // The next batch joins the curve once.
      batch(2, 4);
      await header(first, /batch 4\/10$/);
      assert.deepEqual(await points(first, 'Loss per batch'), [14, 14]);

      // Hidden: VS Code drops its page, and what is posted meanwhile goes nowhere.
      webview.page = undefined;
      batch(2, 5);
      // Shown again: a new page behind the same webview says ready.
      const second = await openHarness(browser(), { theme: 'dark', width: 420 });
      pages.push(second);
      await webview.load(second);
      await header(second, /^mlp · epoch 2\/2 · batch 5\/10$/);
      assert.match(await metric(second, 'samples per second'), /samples\/s$/);
      assert.match(await metric(second, 'time left'), /left$/);
      assert.equal(await progress(second), (640 + 5 * 64) / 2560);
      assert.deepEqual(await points(second, 'Loss per batch'), [15, 15]);
      batch(2, 6);
      await header(second, /batch 6\/10$/);
      assert.deepEqual(await points(second, 'Loss per batch'), [16, 16]);
      assert.equal(await progress(second), (640 + 6 * 64) / 2560);
      engine.release();
      assert.deepEqual(first.problems, []);
      assert.deepEqual(second.problems, []);
    } finally {
      engine.release();
      for (const p of pages) await p.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
