// Host-side pure parts: the run store (accumulate, subsample, save, reload, a live run's progress for
// a page opened mid-run), webview → host message checks, data-folder detection, save-file decoding
// and the page's CSP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../../src/panel/html';
import { decodeSaveFile, resolveDataPath, safeSaveName } from '../../../src/panel/hostMessages';
import { compactSample, NO_DONE_EVENT, RunStore } from '../../../src/panel/runStore';
import { runRows, showCell } from '../../../webview/runsData';
import type { TrainEvent, TrainRequestParams } from '../../../src/training/types';
import { isHostToWebview, isWebviewToHost } from '../../../src/common/guards';
import type { HostToWebview } from '../../../src/common/messages';
import { applyMessage, emptyModel } from '../../../webview/store';
import { sampleResult1d, sampleResult2d, storedRun, trainStream } from './fixtures';

const params: TrainRequestParams = {
  models: [
    { kind: 'builtin', name: 'mlp' },
    { kind: 'builtin', name: 'cnn' },
  ],
  epochs: 3,
  batchSize: 64,
  limit: 0,
  dataPath: '',
  seed: 42,
  backend: 'auto',
  runId: 'r1',
};

test('the store keeps a full 60,000-image, 3-epoch comparison small and reloads it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-store-'));
  try {
    const s = new RunStore(dir, { maxLossPoints: 500 });
    s.expect('r1', params);
    for (const e of trainStream('r1', { trainSize: 60000, epochs: 3 }))
      s.onTrainEvent(e, new Date('2026-11-25T21:00:00Z'));
    const run = s.runs()[0];
    assert.equal(run.params.seed, 42);
    assert.equal(run.trainSize, 60000);
    assert.ok(run.batches.mlp.length <= 500 && run.batches.mlp.length > 250);
    assert.equal(run.batches.mlp[run.batches.mlp.length - 1][0], 180000, 'the last point is kept');
    assert.equal(run.epochs.length, 6);
    assert.ok(run.done);
    await s.flush();
    const bytes = statSync(join(dir, 'runs.json')).size;
    assert.ok(bytes < 60_000, `runs.json is ${bytes} bytes`);
    const again = new RunStore(dir);
    await again.load();
    assert.deepEqual(again.runs(), s.runs());
    // What the host replays is what the webview accepts.
    assert.ok(
      isHostToWebview({
        type: 'init',
        runs: again.runs(),
        samples: [],
        summary: null,
        defaults: { sampler: 'nuts', n: 1, chains: 1, seed: 1, expr: 'x' },
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run cut off mid-way is closed as cancelled on reload; damaged files are ignored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-store-'));
  try {
    const s = new RunStore(dir);
    const events = trainStream('r2', { trainSize: 640, epochs: 2 });
    for (const e of events.slice(0, 15)) s.onTrainEvent(e);
    await s.flush();
    const again = new RunStore(dir);
    await again.load();
    const run = again.runs()[0];
    assert.equal(run.done?.cancelled, true);
    assert.ok(
      isHostToWebview({
        type: 'init',
        runs: again.runs(),
        samples: [],
        summary: null,
        defaults: { sampler: 'nuts', n: 1, chains: 1, seed: 1, expr: 'x' },
      }),
    );
    writeFileSync(join(dir, 'runs.json'), '{not json');
    const errors: string[] = [];
    const broken = new RunStore(dir, {}, (m) => errors.push(m));
    await broken.load();
    assert.deepEqual(broken.runs(), []);
    assert.equal(errors.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a run that ended without a done event shows its time and samples/s as unknown, not 0 or an epoch's", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-store-'));
  try {
    const s = new RunStore(dir);
    const events = trainStream('r3', { trainSize: 640, epochs: 3 });
    // Up to the first model's second epoch: an epoch event with its own seconds and samples/s exists.
    const cut = events.findIndex((e) => e.event === 'epoch' && e.epoch === 2);
    assert.ok(cut > 0);
    for (const e of events.slice(0, cut + 1)) s.onTrainEvent(e);
    await s.flush();
    const again = new RunStore(dir);
    await again.load();
    const run = again.runs()[0];
    const done = run.done;
    assert.ok(done);
    assert.equal(done.cancelled, true);
    assert.equal(done.incomplete, NO_DONE_EVENT);
    for (const m of done.models) {
      assert.equal(m.seconds, null, `${m.model}: time unknown`);
      assert.equal(m.samplesPerSec, null, `${m.model}: throughput unknown`);
    }
    // The accuracy reached is known: the last epoch's.
    const last = [...run.epochs].reverse().find((e) => e.model === 'mlp');
    assert.equal(done.models.find((m) => m.model === 'mlp')?.finalTestAcc, last?.testAcc);
    const rows = runRows(run, false, false);
    for (const r of rows) {
      assert.equal(r.values.time, null);
      assert.equal(r.values.rate, null);
      assert.equal(showCell('time', r.values.time), '—');
      assert.equal(r.notes?.time, NO_DONE_EVENT);
      assert.equal(r.notes?.rate, NO_DONE_EVENT);
    }
    // The host sends this done event to the page when a run is stopped before its own: it passes.
    assert.ok(isHostToWebview({ type: 'trainEvent', event: done }));
    // fail() (a run that errored or was stopped before the engine's done) closes it the same way.
    const live = new RunStore(undefined);
    for (const e of events.slice(0, cut + 1)) live.onTrainEvent(e);
    live.fail('r3');
    assert.deepEqual(
      live.runs()[0].done?.models.map((m) => [m.seconds, m.samplesPerSec]),
      [
        [null, null],
        [null, null],
      ],
    );
    // A run that did end with its engine's done event keeps the engine's numbers.
    const whole = new RunStore(undefined);
    for (const e of events) whole.onTrainEvent(e);
    const fin = whole.runs()[0];
    assert.equal(fin.done?.incomplete, undefined);
    assert.ok(
      runRows(fin, false, false).every(
        (r) => typeof r.values.time === 'number' && r.values.time > 0,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a diverged run (NaN losses) and one stopped before an epoch still reload into the webview', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-store-'));
  try {
    const s = new RunStore(dir);
    const [start] = trainStream('nan', { trainSize: 640, epochs: 1 });
    s.onTrainEvent(start);
    s.onTrainEvent({
      event: 'batch',
      runId: 'nan',
      model: 'mlp',
      epoch: 1,
      batch: 1,
      batches: 10,
      samplesSeen: 64,
      loss: 2.3,
    });
    s.onTrainEvent({
      event: 'batch',
      runId: 'nan',
      model: 'mlp',
      epoch: 1,
      batch: 2,
      batches: 10,
      samplesSeen: 128,
      loss: NaN,
    });
    s.onTrainEvent({
      event: 'epoch',
      runId: 'nan',
      model: 'mlp',
      epoch: 1,
      trainLoss: NaN,
      trainAcc: 0.1,
      testLoss: NaN,
      testAcc: 0.1,
      seconds: 1,
      samplesPerSec: 640,
    });
    // Stopped during the second model's first epoch: no accuracy for it.
    s.fail('nan');
    await s.flush();
    const again = new RunStore(dir);
    await again.load();
    const msg = JSON.parse(
      JSON.stringify({
        type: 'init',
        runs: again.runs(),
        samples: [],
        summary: null,
        defaults: { sampler: 'nuts', n: 1, chains: 1, seed: 1, expr: 'x' },
      }),
    ) as unknown;
    assert.ok(isHostToWebview(msg), JSON.stringify(again.runs()[0]).slice(0, 400));
    assert.deepEqual(
      again.runs()[0].batches.mlp.map((p) => p[1]),
      [2.3],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a live run’s progress: a page opened mid-run has its line at once, and the next batch lands where the host’s would', () => {
  // A stream that counts samples per epoch (the axis adds the last epoch's count): 2 epochs of 5.
  const batch = (epoch: number, b: number): TrainEvent => ({
    event: 'batch',
    runId: 'r',
    model: 'mlp',
    epoch,
    batch: b,
    batches: 5,
    samplesSeen: 64 * b,
    loss: 1 / (epoch * 5 + b),
  });
  const [start] = trainStream('r', { trainSize: 320, epochs: 2 });
  const events = [start, ...[1, 2, 3, 4, 5].map((b) => batch(1, b)), batch(2, 1), batch(2, 2)];
  const msg = (event: TrainEvent): HostToWebview => ({ type: 'trainEvent', event });
  // A page that watched from the start, events 100 ms apart.
  const watched = emptyModel();
  events.forEach((e, i) => applyMessage(watched, msg(e), 1000 + 100 * i));
  const want = watched.runs[0];
  // The host got the same events on a clock 5 s ahead; a page opens at the page's 1750.
  const store = new RunStore(undefined);
  events.forEach((e, i) => store.onTrainEvent(e, new Date(6000 + 100 * i)));
  const progress = store.liveProgress(6750);
  assert.equal(progress.length, 1);
  const joined = emptyModel();
  const wire = (m: HostToWebview): HostToWebview => {
    const copy: unknown = JSON.parse(JSON.stringify(m));
    assert.ok(isHostToWebview(copy));
    return copy;
  };
  const init: HostToWebview = {
    type: 'init',
    runs: [storedRun('old'), ...store.runs()],
    samples: [],
    summary: null,
    defaults: { sampler: 'nuts', n: 1, chains: 1, seed: 1, expr: 'x' },
  };
  applyMessage(joined, wire(init), 1750);
  const dirty = applyMessage(joined, wire({ type: 'trainProgress', progress: progress[0] }), 1750);
  assert.ok(dirty.has('training'));
  const got = joined.runs.find((r) => r.run.runId === 'r');
  assert.ok(got?.live);
  assert.deepEqual(got.current, want.current);
  assert.deepEqual(got.history, want.history);
  assert.equal(got.axis.total(), 320 + 128);
  // The next batch continues both curves at the same x: 320 + 192, not 448 + 192.
  for (const m of [watched, joined]) applyMessage(m, msg(batch(2, 3)), 1800);
  assert.deepEqual(got.run.batches.mlp, want.run.batches.mlp);
  assert.equal(got.run.batches.mlp[got.run.batches.mlp.length - 1][0], 320 + 192);
  // Progress for a run the page does not have, or has as ended, changes nothing.
  for (const runId of ['nope', 'old']) {
    const d = applyMessage(
      joined,
      { type: 'trainProgress', progress: { ...progress[0], runId } },
      0,
    );
    assert.equal(d.size, 0);
  }
  assert.equal(joined.runs.find((r) => r.run.runId === 'old')?.live, false);
  // A run that ended, failed or was never started has none.
  store.onTrainEvent({ event: 'done', runId: 'r', backend: 'wasm', models: [], cancelled: false });
  assert.deepEqual(store.liveProgress(), []);
  store.onTrainEvent({ ...start, runId: 'f' });
  assert.equal(store.liveProgress().length, 1);
  store.fail('f');
  assert.deepEqual(store.liveProgress(), []);
});

test("the user's Python source is not kept in the stored run", () => {
  const s = new RunStore(undefined);
  s.expect('src', {
    ...params,
    models: [{ kind: 'source', file: '/w/net.py', source: 'class Net: ...', className: 'Net' }],
    runId: 'src',
  });
  s.onTrainEvent({
    event: 'start',
    runId: 'src',
    backend: 'cpu',
    models: [{ model: 'Net', params: 10 }],
    trainSize: 64,
    testSize: 10,
    epochs: 1,
    batchSize: 64,
  });
  assert.deepEqual(s.runs()[0].params.models, [
    { kind: 'source', file: '/w/net.py', source: '', className: 'Net' },
  ]);
});

test('clearRuns keeps the live run; samples are capped, compacted and removable', async () => {
  const s = new RunStore(undefined, { maxSamples: 3, maxTracePoints: 100 });
  for (const e of trainStream('done', { trainSize: 640 })) s.onTrainEvent(e);
  for (const e of trainStream('live', { trainSize: 640 }).slice(0, 3)) s.onTrainEvent(e);
  s.clearRuns();
  assert.deepEqual(
    s.runs().map((r) => r.runId),
    ['live'],
  );
  for (let i = 0; i < 5; i++) s.addSample(sampleResult1d(`s${i}`, 'mh', { n: 2000 }));
  assert.deepEqual(
    s.samples().map((r) => r.runId),
    ['s2', 's3', 's4'],
  );
  assert.ok(s.samples().every((r) => r.traces.every((t) => t.length <= 100)));
  s.removeSample('s3');
  assert.deepEqual(
    s.samples().map((r) => r.runId),
    ['s2', 's4'],
  );
  s.clearSamples();
  assert.deepEqual(s.samples(), []);
  const c = compactSample(sampleResult2d('z'), 50);
  assert.equal(c.scatter?.x.length, 50);
  assert.equal(c.scatter?.y.length, 50);
  assert.ok(isHostToWebview({ type: 'sampleResult', result: c }));
});

test('webview → host messages are validated', () => {
  const good = [
    { type: 'ready' },
    { type: 'stop' },
    { type: 'clearRuns' },
    { type: 'clearSamples' },
    { type: 'removeSample', runId: 'x' },
    { type: 'runSample', params: { expr: 'x', sampler: 'nuts', n: 10, chains: 1, seed: 1 } },
    { type: 'checkExpr', expr: 'x^2' },
    { type: 'compare', epochs: 1, limit: 0 },
    { type: 'saveFile', name: 'a.csv', mime: 'text/csv', data: 'a\n' },
    { type: 'saveDraws', runId: 'sample-1' },
    { type: 'saveRunCsv', runId: 'train-1' },
    { type: 'summaryView', depth: 2, limit: 400, open: ['layers.0–19999'] },
    { type: 'saveSummaryCsv' },
  ];
  for (const m of good) assert.ok(isWebviewToHost(m), JSON.stringify(m));
  const bad = [
    {},
    { type: 'eval' },
    { type: 'compare', epochs: '3', limit: 0 },
    { type: 'saveFile', name: 'a', mime: 'text/html', data: '' },
    { type: 'runSample', params: { expr: 'x', sampler: 'gibbs', n: 10, chains: 1, seed: 1 } },
    { type: 'checkExpr', expr: 'x'.repeat(5000) },
    { type: 'saveDraws' },
    { type: 'saveDraws', runId: 3 },
    { type: 'saveRunCsv' },
    { type: 'saveRunCsv', runId: null },
    // The page asks for a bounded view: whole counts in range, a short list of short names.
    { type: 'summaryView', depth: 0, limit: 200, open: [] },
    { type: 'summaryView', depth: 2.5, limit: 200, open: [] },
    { type: 'summaryView', depth: 2, limit: 1e9, open: [] },
    { type: 'summaryView', depth: 2, limit: 200, open: Array(10_000).fill('a') },
    { type: 'summaryView', depth: 2, limit: 200, open: ['a'.repeat(5000)] },
    { type: 'summaryView', depth: 2, limit: 200 },
  ];
  for (const m of bad) assert.equal(isWebviewToHost(m), false, JSON.stringify(m).slice(0, 80));
});

test('data path: the setting, else data/MNIST/raw or data/FashionMNIST/raw in a workspace folder, else embedded', () => {
  const root = mkdtempSync(join(tmpdir(), 'tl-ws-'));
  try {
    const isDir = (p: string): boolean => {
      try {
        return statSync(p).isDirectory();
      } catch {
        return false;
      }
    };
    assert.equal(resolveDataPath('', [root], isDir), '');
    mkdirSync(join(root, 'data', 'FashionMNIST', 'raw'), { recursive: true });
    assert.equal(resolveDataPath('', [root], isDir), join(root, 'data', 'FashionMNIST', 'raw'));
    mkdirSync(join(root, 'data', 'MNIST', 'raw'), { recursive: true });
    assert.equal(
      resolveDataPath('', ['/nonexistent', root], isDir),
      join(root, 'data', 'MNIST', 'raw'),
    );
    assert.equal(resolveDataPath(' /my/data ', [root], isDir), '/my/data');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('save files: CSV text, PNG data URLs checked by signature, plain names only', () => {
  assert.deepEqual([...(decodeSaveFile('text/csv', 'a,b\n') as Uint8Array)], [97, 44, 98, 10]);
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2]);
  const ok = decodeSaveFile('image/png', `data:image/png;base64,${png.toString('base64')}`);
  assert.ok(ok instanceof Uint8Array && ok.length === 10);
  assert.equal(typeof decodeSaveFile('image/png', 'data:text/html;base64,AAAA'), 'string');
  assert.equal(
    typeof decodeSaveFile(
      'image/png',
      `data:image/png;base64,${Buffer.from('GIF89a..').toString('base64')}`,
    ),
    'string',
  );
  assert.equal(safeSaveName('../../x/loss.png', 'image/png'), 'loss.png');
  assert.equal(safeSaveName('C:\\a\\b.csv', 'text/csv'), 'b.csv');
  assert.equal(safeSaveName('metrics', 'text/csv'), 'metrics.csv');
  assert.equal(safeSaveName('.bashrc', 'text/csv'), 'tensor-lens.bashrc.csv');
});

test('the page: strict CSP with a nonce, no inline styles or scripts without it', () => {
  const nonce = makeNonce();
  assert.match(nonce, /^[A-Za-z0-9_-]{20,}$/);
  assert.notEqual(makeNonce(), nonce);
  const csp = contentSecurityPolicy('vscode-resource:', nonce);
  assert.equal(
    csp,
    `default-src 'none'; img-src vscode-resource: data:; script-src 'nonce-${nonce}'; style-src vscode-resource:; font-src vscode-resource:;`,
  );
  const html = panelHtml({
    cspSource: 'https://x.test',
    nonce,
    scriptUri: 'https://x.test/dist/webview.js',
    styleUri: 'https://x.test/media/panel.css',
    editor: true,
  });
  assert.ok(!html.includes('unsafe-'));
  assert.ok(!/style=/.test(html));
  assert.ok(!/<style/.test(html));
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.ok(scripts[0].includes(`nonce="${nonce}"`));
  assert.match(html, /<body class="tl-editor">/);
  assert.ok(readFileSync(join(__dirname, '../../../media/panel.css'), 'utf8').length > 0);
});
