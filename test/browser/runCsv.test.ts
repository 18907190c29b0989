// A run's CSV through the whole message path: the real page in headless Chromium under its CSP, its
// runs table's CSV button, the typed message to the real panel host (src/panel against the vscode
// stand-in), the save dialog, and the file written with every loss point of a 20,000-batch run,
// though the page holds only the capped curve it draws. Skips when /usr/bin/chromium is missing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createContext, FakeMemento, installFakeVscode, state, Uri } from '../support/vscode';
import { trainStream } from '../unit/panel/fixtures';
import { browserSkip, useBrowser, openHarness, settle } from './harness';
import { BrowserWebview, quietLog, until } from './hostBridge';

installFakeVscode();
// Loaded after the stand-in so that its `import * as vscode` gets it.
const { createPanel } = require('../../src/panel') as typeof import('../../src/panel');

const skip = browserSkip;
const browser = useBrowser();

test(
  "the runs table's CSV button saves every loss point of a 20,000-batch run",
  { skip },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-runcsv-'));
    const context = createContext('/ext', join(dir, 'storage'), new FakeMemento());
    const panel = createPanel(context as never, {} as never, quietLog as never);
    const webview = new BrowserWebview();
    state.written = [];
    state.errors = [];
    const h = await openHarness(browser(), { theme: 'dark', width: 420 });
    try {
      // A followed run: 10,000 batches for each of two models, then their epochs and the done event.
      const events = trainStream('long', { trainSize: 640_000, batchSize: 64, epochs: 1 });
      for (const e of events) panel.showTrainEvent(e);
      state.viewProvider?.resolveWebviewView({ webview, show() {}, onDidDispose() {} });
      await webview.load(h);
      const row = h.page.locator('.runs-table tr[data-run="long"]').first();
      await row.waitFor();
      await webview.delivered();
      await settle(h.page);

      state.saveTo = Uri.file(join(dir, 'long.csv'));
      await row.locator('.link-button', { hasText: 'CSV' }).click();
      const posted = (await h.posted()) as { type: string; runId?: string }[];
      assert.deepEqual(posted[posted.length - 1], { type: 'saveRunCsv', runId: 'long' });
      assert.ok(!posted.some((m) => m.type === 'saveFile'), 'the page builds no CSV itself');
      await webview.forward();
      await until(() => state.written.length > 0, 'the file', 30_000);

      assert.equal(state.written[0].path, join(dir, 'long.csv'));
      const lines = Buffer.from(state.written[0].bytes).toString('utf8').trim().split('\n');
      assert.equal(
        lines[0],
        'model,kind,epoch,step,samplesSeen,seconds,loss,trainLoss,trainAcc,testLoss,testAcc,epochSeconds,samplesPerSec',
      );
      const kinds = lines.slice(1).map((l) => l.split(',').slice(0, 2).join(' '));
      assert.equal(kinds.filter((k) => k === 'mlp batch').length, 10_000);
      assert.equal(kinds.filter((k) => k === 'cnn batch').length, 10_000);
      assert.equal(kinds.filter((k) => k.endsWith(' epoch')).length, 2);
      assert.deepEqual(state.errors, []);
      assert.deepEqual(h.problems, []);
    } finally {
      state.saveTo = undefined;
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
