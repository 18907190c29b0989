// createPanel against a small fake of the vscode API and a fake engine: the page it serves, the
// replay on `ready`, sampling and training jobs forwarded to the page, Stop, saveFile, and that every
// message it posts passes the webview's own validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  ExprCheck,
  SampleProgressEvent,
  SampleRequestParams,
  SampleResult,
} from '../../../src/sampling/types';
import type { TrainDoneEvent, TrainEvent, TrainRequestParams } from '../../../src/training/types';
import { isHostToWebview } from '../../../src/common/guards';
import { sampleResult1d, storedRun, trainStream } from './fixtures';
import { alternating, hugeModuleList } from './bigModels';
import { applyMessage, emptyModel, type PanelModel } from '../../../webview/store';
import type { HostToWebview } from '../../../src/common/messages';
import {
  createContext,
  FakeMemento,
  installFakeVscode,
  openDocument,
  state,
  Uri,
} from '../../support/vscode';

// ── the vscode stand-in, and a webview for the panel to serve ──
installFakeVscode();
type FakeUri = Uri;
type Listener = (m: unknown) => void;

/** The tensorLens settings for the next panel (every other setting at its default). */
function configure(values: Record<string, unknown>): void {
  state.config.clear();
  for (const [k, v] of Object.entries(values)) state.config.set(`tensorLens.${k}`, v);
}

class FakeWebview {
  options: unknown;
  html = '';
  readonly cspSource = 'vscode-webview://fake';
  readonly posted: unknown[] = [];
  private listener: Listener | undefined;
  asWebviewUri(u: FakeUri): FakeUri {
    return u;
  }
  postMessage(m: unknown): Promise<boolean> {
    this.posted.push(JSON.parse(JSON.stringify(m)));
    return Promise.resolve(true);
  }
  onDidReceiveMessage(l: Listener): { dispose(): void } {
    this.listener = l;
    return { dispose: () => (this.listener = undefined) };
  }
  /** Simulates the page posting to the host. */
  receive(m: unknown): void {
    this.listener?.(m);
  }
}

// Loaded after the hook so its `import * as vscode` gets the fake.
const { createPanel } = require('../../../src/panel') as typeof import('../../../src/panel');
const { EngineError } =
  require('../../../src/worker/client') as typeof import('../../../src/worker/client');

// ── a fake engine ──
class FakeEngine {
  trains: TrainRequestParams[] = [];
  samples: SampleRequestParams[] = [];
  /** When set, training waits here until released or aborted. */
  hold: Promise<void> | undefined;
  /**
   * With `hold`: training sends only this many of its events before it waits, and `trainSend`
   * passes on what the test sends meanwhile (the rest of `trainEvents`).
   */
  trainFirst: number | undefined;
  trainSend: ((e: TrainEvent) => void) | undefined;
  trainEvents: TrainEvent[] = [];
  async train(
    params: TrainRequestParams,
    onEvent: (e: TrainEvent) => void,
    signal?: AbortSignal,
  ): Promise<TrainDoneEvent> {
    this.trains.push(params);
    const events = trainStream(params.runId ?? 'r', { trainSize: 640, epochs: params.epochs });
    this.trainEvents = events;
    this.trainSend = onEvent;
    for (const e of events.slice(0, this.trainFirst ?? -1)) onEvent(e);
    if (this.hold) {
      if (signal?.aborted) throw new EngineError('cancelled', undefined, true);
      await Promise.race([
        this.hold,
        new Promise((_, rej) =>
          signal?.addEventListener('abort', () =>
            rej(new EngineError('cancelled', undefined, true)),
          ),
        ),
      ]);
    }
    const done = events[events.length - 1] as TrainDoneEvent;
    onEvent(done);
    return done;
  }
  /** When set, sampling waits here after its first event; `progress` sends more meanwhile. */
  sampleHold: Promise<void> | undefined;
  progress: ((e: SampleProgressEvent) => void) | undefined;
  async sample(
    params: SampleRequestParams,
    onProgress: (e: SampleProgressEvent) => void,
  ): Promise<SampleResult> {
    this.samples.push(params);
    if (params.expr === 'bad(') throw new EngineError('cannot parse bad(');
    const runId = params.runId ?? 'sample';
    onProgress({
      event: 'progress',
      runId,
      chain: 0,
      start: 0,
      x: [0.1, 0.2],
      done: 2,
      total: 10,
      phase: 'sampling',
      stride: 1,
    });
    if (this.sampleHold) {
      this.progress = onProgress;
      await this.sampleHold;
    }
    return { ...sampleResult1d(runId, params.sampler, { n: 2000 }), expr: params.expr };
  }
  draws: { params: SampleRequestParams; file: string }[] = [];
  async sampleDraws(
    params: SampleRequestParams,
    file: string,
  ): Promise<{ draws: number; bytes: number }> {
    this.draws.push({ params, file });
    return { draws: params.n * params.chains, bytes: 1234 };
  }
  async checkExpr(expr: string): Promise<ExprCheck> {
    return expr.includes('(') && !expr.includes(')')
      ? { ok: false, error: 'missing )', column: expr.length }
      : { ok: true, dims: 1 };
  }
  cancelAll(): void {}
  /** The client's one entry point, dispatched to the fakes above. */
  request(
    method: string,
    params: never,
    onProgress: (e: unknown) => void = () => undefined,
    signal?: AbortSignal,
  ): Promise<unknown> {
    switch (method) {
      case 'train':
        return this.train(params, onProgress, signal);
      case 'sample':
        return this.sample(params, onProgress);
      case 'sampleDraws': {
        const p: { request: SampleRequestParams; file: string } = params;
        return this.sampleDraws(p.request, p.file);
      }
      case 'checkExpr':
        return this.checkExpr((params as { expr: string }).expr);
      default:
        return Promise.reject(new Error(`the fake engine has no ${method}`));
    }
  }
}

const logLines: string[] = [];
const log = {
  info: (m: string) => logLines.push(m),
  warn: (m: string) => logLines.push(`W ${m}`),
  error: (m: string) => logLines.push(`E ${m}`),
  debug() {},
  trace() {},
};

function setup(workspaceState = new FakeMemento()): {
  dir: string;
  engine: FakeEngine;
  panel: ReturnType<typeof createPanel>;
  page: FakeWebview;
  view: { webview: FakeWebview };
} {
  const dir = mkdtempSync(join(tmpdir(), 'tl-panel-'));
  const engine = new FakeEngine();
  const context = createContext('/ext', join(dir, 'storage'), workspaceState);
  const panel = createPanel(context as never, engine as never, log as never);
  const page = new FakeWebview();
  const view = { webview: page, show() {}, onDidDispose() {} };
  state.viewProvider?.resolveWebviewView(view);
  return { dir, engine, panel, page, view };
}

const tick = (ms = 10): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** Polls until `cond` holds (the machine may be busy; fixed sleeps would be flaky). */
async function until(cond: () => boolean, what: string, timeout = 5000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > timeout) throw new Error(`timed out waiting for ${what}`);
    await tick(5);
  }
}
const types = (p: FakeWebview): string[] => p.posted.map((m) => (m as { type: string }).type);

test('serves the page under the CSP with only dist/ and media/ readable, and replays on ready', async () => {
  configure({ 'sampling.sampler': 'mh', 'sampling.draws': 1000, seed: 7 });
  const { dir, page } = setup();
  try {
    const opts = page.options as { enableScripts: boolean; localResourceRoots: FakeUri[] };
    assert.equal(opts.enableScripts, true);
    assert.deepEqual(
      opts.localResourceRoots.map((u) => u.fsPath),
      ['/ext/dist', '/ext/media'],
    );
    assert.match(
      page.html,
      /Content-Security-Policy" content="default-src 'none'; img-src vscode-webview:\/\/fake data:; script-src 'nonce-[^']+'; style-src vscode-webview:\/\/fake; font-src vscode-webview:\/\/fake;"/,
    );
    assert.match(page.html, /src="file:\/\/\/ext\/dist\/webview.js"/);
    page.receive({ type: 'ready' });
    await until(() => page.posted.length > 0, 'init');
    const init = page.posted[0] as {
      type: string;
      defaults: { sampler: string; n: number; seed: number };
    };
    assert.equal(init.type, 'init');
    assert.equal(init.defaults.sampler, 'mh');
    assert.equal(init.defaults.n, 1000);
    assert.equal(init.defaults.seed, 7);
    assert.ok(page.posted.every(isHostToWebview));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a sampling request runs in the engine and comes back as start → progress → result, then is replayed', async () => {
  configure({});
  const { dir, engine, page } = setup();
  try {
    page.receive({ type: 'ready' });
    await until(() => page.posted.length > 0, 'init');
    page.receive({
      type: 'runSample',
      params: { expr: 'exp(-x^2)', sampler: 'slice', n: 2000, chains: 4, seed: 1 },
    });
    page.receive({
      type: 'runSample',
      params: { expr: 'bad(', sampler: 'mh', n: 2000, chains: 4, seed: 1 },
    });
    page.receive({ type: 'checkExpr', expr: 'sin(' });
    page.receive({
      type: 'runSample',
      params: { expr: 'x', sampler: 'nope', n: 1, chains: 1, seed: 1 },
    });
    await until(
      () =>
        types(page).includes('sampleError') &&
        types(page).includes('init') &&
        types(page).includes('exprCheck'),
      'both jobs',
    );
    const t = types(page);
    assert.equal(t[0], 'init');
    // Jobs run one at a time: the first one's progress may come before the second one is queued.
    assert.equal(t.filter((x) => x === 'sampleStart').length, 2, t.join());
    assert.ok(
      t.indexOf('sampleProgress') < t.indexOf('sampleResult') &&
        t.indexOf('sampleResult') < t.indexOf('sampleError'),
      t.join(),
    );
    const start = page.posted[t.indexOf('sampleStart')] as { params: SampleRequestParams };
    const result = page.posted[t.indexOf('sampleResult')] as { result: SampleResult };
    assert.ok(start.params.runId);
    assert.equal(result.result.runId, start.params.runId);
    assert.equal(engine.samples.length, 2, 'the malformed request never reached the engine');
    assert.ok(logLines.some((l) => l.startsWith('W panel: ignored a malformed message')));
    assert.ok(page.posted.every(isHostToWebview), 'everything posted passes the webview guard');
    const n = page.posted.length;
    page.receive({ type: 'ready' });
    await until(() => page.posted.length > n, 'the second init');
    const init = page.posted[n] as { type: string; samples: SampleResult[] };
    assert.equal(init.type, 'init');
    assert.equal(init.samples.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the tuning settings fill the fields a sampling request left on auto, one by one', async () => {
  configure({ 'sampling.stepSize': '0.1', 'sampling.maxDepth': '8', 'sampling.warmup': '300' });
  const { dir, engine, page } = setup();
  try {
    page.receive({ type: 'ready' });
    await until(() => page.posted.length > 0, 'init');
    page.receive({
      type: 'runSample',
      params: {
        expr: 'exp(-x^2)',
        sampler: 'nuts',
        n: 500,
        chains: 1,
        seed: 1,
        tuning: { maxDepth: 4 },
      },
    });
    await until(() => engine.samples.length > 0, 'the engine request');
    assert.deepEqual(engine.samples[0].tuning, { stepSize: 0.1, maxDepth: 4 });
    assert.equal(engine.samples[0].warmup, 300);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('compare trains MLP + CNN with the settings, forwards every event and stores the run', async () => {
  configure({ 'training.epochs': 2, 'training.batchSize': 32, backend: 'wasm' });
  const { dir, engine, page, panel } = setup();
  try {
    page.receive({ type: 'ready' });
    await until(() => page.posted.length > 0, 'init');
    await panel.compare({ limit: 640 });
    const p = engine.trains[0];
    assert.deepEqual(p.models, [
      { kind: 'builtin', name: 'mlp' },
      { kind: 'builtin', name: 'cnn' },
    ]);
    assert.equal(p.epochs, 2);
    assert.equal(p.batchSize, 32);
    assert.equal(p.limit, 640);
    assert.equal(p.backend, 'wasm');
    assert.equal(p.dataPath, '');
    const events = page.posted.filter((m) => (m as { type: string }).type === 'trainEvent') as {
      event: TrainEvent;
    }[];
    assert.equal(events[0].event.event, 'start');
    assert.equal(events[events.length - 1].event.event, 'done');
    assert.ok(page.posted.every(isHostToWebview));
    // Every event reaches the page once and in order; the batch events of a burst share a message.
    const sent = trainStream(p.runId ?? 'r', { trainSize: 640, epochs: 2 });
    const messages = page.posted.filter((m) =>
      ['trainEvent', 'trainBatches'].includes((m as { type: string }).type),
    ) as (
      { type: 'trainEvent'; event: TrainEvent } | { type: 'trainBatches'; events: TrainEvent[] }
    )[];
    assert.deepEqual(
      messages.flatMap((m) => (m.type === 'trainEvent' ? [m.event] : m.events)),
      sent,
    );
    assert.ok(
      messages.length < sent.length / 2,
      `${sent.length} events in ${messages.length} messages`,
    );
    await until(() => {
      try {
        return readFileSync(join(dir, 'storage', 'runs.json'), 'utf8').includes('"done"');
      } catch {
        return false;
      }
    }, 'runs.json');
    const saved = JSON.parse(readFileSync(join(dir, 'storage', 'runs.json'), 'utf8')) as {
      runId: string;
      params: TrainRequestParams;
    }[];
    assert.equal(saved.length, 1);
    assert.equal(saved[0].params.limit, 640);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Stop ends a running training as cancelled, without an error message', async () => {
  configure({});
  state.errors = [];
  const { dir, engine, page, panel } = setup();
  try {
    page.receive({ type: 'ready' });
    engine.hold = new Promise(() => undefined);
    const run = panel.compare();
    await until(() => engine.trains.length > 0, 'training to start');
    page.receive({ type: 'stop' });
    await run;
    const last = page.posted[page.posted.length - 1] as { type: string; event: TrainDoneEvent };
    assert.equal(last.type, 'trainEvent');
    assert.equal(last.event.event, 'done');
    assert.equal(last.event.cancelled, true);
    assert.deepEqual(state.errors, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('saveFile writes CSV text and PNG bytes where the user chose', async () => {
  configure({});
  const { dir, page } = setup();
  try {
    state.saveTo = Uri.file(join(dir, 'out.csv'));
    page.receive({ type: 'saveFile', name: 'm.csv', mime: 'text/csv', data: 'a,b\n1,2\n' });
    await until(() => state.written.length > 0, 'the CSV');
    assert.equal(
      Buffer.from(state.written[state.written.length - 1].bytes).toString(),
      'a,b\n1,2\n',
    );
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    page.receive({
      type: 'saveFile',
      name: 'c.png',
      mime: 'image/png',
      data: `data:image/png;base64,${png.toString('base64')}`,
    });
    await until(() => state.written.length > 1, 'the PNG');
    assert.deepEqual([...state.written[state.written.length - 1].bytes], [...png]);
    state.saveTo = undefined;
    const before = state.written.length;
    page.receive({ type: 'saveFile', name: 'c.csv', mime: 'text/csv', data: 'x' });
    await tick(100);
    assert.equal(state.written.length, before, 'cancelled dialog writes nothing');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reveal before any page exists opens the view and sends the tab after init', async () => {
  configure({});
  state.executed = [];
  const dir = mkdtempSync(join(tmpdir(), 'tl-panel-'));
  try {
    state.viewProvider = undefined;
    const context = createContext('/ext', join(dir, 's'));
    const panel = createPanel(context as never, new FakeEngine() as never, log as never);
    panel.reveal('sampling');
    assert.deepEqual(state.executed, ['tensorLens.panel.focus']);
    const page = new FakeWebview();
    // Read through a function: TypeScript would keep the `undefined` narrowing from above.
    type Provider = { resolveWebviewView(v: unknown): void } | undefined;
    const provider = (): Provider => state.viewProvider as Provider;
    provider()?.resolveWebviewView({ webview: page, show() {}, onDidDispose() {} });
    page.receive({ type: 'ready' });
    await until(() => page.posted.length >= 2, 'init and showTab');
    assert.deepEqual(types(page), ['init', 'showTab']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the model summary survives a window reload (a new host with the same workspace state)', async () => {
  configure({});
  const memento = new FakeMemento();
  const first = setup(memento);
  const model = {
    name: 'Net',
    line: 3,
    kind: 'module',
    input: [[1, 1, 28, 28]],
    inputSource: 'comment',
    output: [1, 10],
    params: 1199882,
    layers: [],
    variables: [],
    range: { line: 3, column: 7, endLine: 3, endColumn: 10 },
  } as const;
  try {
    first.panel.showSummary(structuredClone(model) as never, '/w/mnist_cnn.py');
    await until(() => memento.data.size > 0, 'the summary stored');
  } finally {
    rmSync(first.dir, { recursive: true, force: true });
  }
  const second = setup(memento);
  try {
    second.page.receive({ type: 'ready' });
    await until(() => second.page.posted.length > 0, 'init');
    const init = second.page.posted[0] as {
      type: string;
      summary: { name: string; totalParams: string; file: string; live: boolean } | null;
    };
    assert.equal(init.type, 'init');
    assert.equal(init.summary?.name, 'Net');
    assert.equal(init.summary?.totalParams, '1\u202f199\u202f882');
    assert.equal(init.summary?.file, '/w/mnist_cnn.py');
    // The model itself is not kept: the page says it cannot change its view until shown again.
    assert.equal(init.summary?.live, false);
    second.page.receive({ type: 'summaryView', depth: 2, limit: 200, open: [] });
    await until(() => second.page.posted.length > 1, 'the answer');
    assert.deepEqual(second.page.posted[1], { type: 'summary', page: init.summary });
  } finally {
    rmSync(second.dir, { recursive: true, force: true });
  }
});

test('a 20,000-module model: pages get the rows in view, workspace state the page, the CSV every call', async () => {
  configure({});
  const memento = new FakeMemento();
  const { dir, page, panel } = setup(memento);
  const lastSummary = (): { rows: Record<string, unknown>[]; more: number; [k: string]: unknown } =>
    (
      page.posted.filter((m) => (m as { type: string }).type === 'summary').pop() as never as {
        page: { rows: Record<string, unknown>[]; more: number };
      }
    ).page;
  const answered = async (n: number): Promise<void> =>
    until(() => types(page).filter((t) => t === 'summary').length >= n, `summary ${n}`);
  try {
    page.receive({ type: 'ready' });
    await until(() => types(page).includes('init'), 'init');
    const model = alternating();
    // 10,000 Linear(10, 10) and 10,000 ReLU: nothing folds, 20,001 rows at the default depth.
    panel.showSummary(model, '/w/alternating.py');
    await answered(1);
    const sent = JSON.stringify(page.posted[page.posted.length - 1]);
    assert.ok(sent.length < 100_000, `the summary message is ${sent.length} bytes`);
    assert.ok(JSON.stringify(model).length > 5_000_000, 'the model itself is megabytes');
    let p = lastSummary();
    assert.equal(p.rows.length, 200);
    assert.equal(p.more, 20_001 - 200);
    // 10,000 × (10·10 + 10) parameters; 10,000 × 100 multiply-adds at input (1, 10).
    assert.deepEqual(
      [p.rows[0].path, p.rows[0].type, p.rows[0].params, p.rows[0].macs],
      ['body', 'Sequential', '1\u202f100\u202f000', '1\u202f000\u202f000'],
    );
    assert.deepEqual(
      [p.rows[1].path, p.rows[1].type, p.rows[1].output, p.rows[1].params, p.rows[1].macs],
      ['body.0', 'Linear', '[1, 10]', '110', '100'],
    );
    assert.deepEqual([p.rows[2].type, p.rows[2].params], ['ReLU', '0']);
    await until(() => memento.data.size > 0, 'the page stored');
    const kept = JSON.stringify([...memento.data.values()]);
    assert.ok(kept.length < 100_000, `workspace state holds ${kept.length} bytes`);
    assert.doesNotMatch(kept, /"modules"|"layers"/);

    // Depth 1 folds the body; opening it shows its rows again, 200 at a time.
    page.receive({ type: 'summaryView', depth: 1, limit: 200, open: [] });
    await answered(2);
    p = lastSummary();
    assert.deepEqual(
      p.rows.map((r) => [r.path, r.folded]),
      [['body', true]],
    );
    page.receive({ type: 'summaryView', depth: 1, limit: 200, open: ['body'] });
    await answered(3);
    p = lastSummary();
    assert.equal(p.rows[0].opened, true);
    assert.equal(p.rows.length, 200);
    assert.equal(p.more, 20_001 - 200);
    page.receive({ type: 'summaryView', depth: 1, limit: 400, open: ['body'] });
    await answered(4);
    p = lastSummary();
    assert.equal(p.rows.length, 400);
    assert.equal(p.rows[399].path, 'body.398');

    // The CSV is every traced call, written by the host.
    state.saveTo = Uri.file(join(dir, 'summary.csv'));
    page.receive({ type: 'saveSummaryCsv' });
    await until(() => state.written.length > 0, 'the CSV');
    const csv = Buffer.from(state.written[state.written.length - 1].bytes).toString();
    assert.equal(csv.trim().split('\n').length, 1 + 20_000);

    // The ModuleList of 20,000 Linear reads as one row (2,200,033 parameters in PyTorch 1.13).
    panel.showSummary(hugeModuleList(), '/w/huge_modulelist.py');
    await answered(5);
    p = lastSummary();
    assert.deepEqual(
      p.rows.map((r) => [r.path, r.type, r.params]),
      [
        ['layers', 'Linear ×20000', '2\u202f200\u202f000'],
        ['head', 'Linear', '33'],
      ],
    );
    assert.equal(p.totalParams, '2\u202f200\u202f033');
    assert.equal(p.depth, 1, 'the depth in use, kept in range of the new tree');
    assert.ok(JSON.stringify(p).length < 5_000);
  } finally {
    state.saveTo = undefined;
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A page's model from the messages it got since its last init (what it draws). */
function pageModel(p: FakeWebview): PanelModel {
  const inits = p.posted.flatMap((m, i) => ((m as { type: string }).type === 'init' ? [i] : []));
  const from = inits[inits.length - 1] ?? 0;
  const m = emptyModel();
  for (const msg of p.posted.slice(from)) applyMessage(m, msg as HostToWebview, 0);
  return m;
}

test('a page that says ready while a followed run streams gets every event once', async () => {
  configure({});
  const { dir, page, panel } = setup();
  try {
    const events = trainStream('followed', { trainSize: 640, epochs: 2 });
    // Past runs load when the first page asks; the followed events wait on the same load.
    page.receive({ type: 'ready' });
    for (const e of events.slice(0, 5)) panel.showTrainEvent(e);
    await tick(0);
    for (const e of events.slice(5)) panel.showTrainEvent(e);
    await until(() => types(page).includes('init'), 'init');
    await tick(50);
    const run = pageModel(page).runs.find((r) => r.run.runId === 'followed');
    const epochs = events.filter((e) => e.event === 'epoch').length;
    assert.ok(run, 'the page has the followed run');
    assert.equal(run.run.epochs.length, epochs);
    assert.ok(run.run.done, 'and its end');
    assert.equal(run.live, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a page that reloads while a sampling job streams gets its progress so far, and no event twice', async () => {
  configure({});
  const { dir, engine, page, panel } = setup();
  let release = (): void => undefined;
  engine.sampleHold = new Promise((r) => (release = r));
  try {
    page.receive({ type: 'ready' });
    await until(() => types(page).includes('init'), 'init');
    void panel.sample({ expr: 'exp(-x^2/2)', sampler: 'mh', n: 10, chains: 2, seed: 1 });
    await until(() => engine.progress !== undefined, 'the job running');
    const send = engine.progress as (e: SampleProgressEvent) => void;
    const runId = engine.samples[0].runId ?? '';
    const ev = (chain: number, x: number[], done: number): SampleProgressEvent => ({
      event: 'progress',
      runId,
      chain,
      start: 0,
      x,
      done,
      total: 10,
      phase: 'sampling',
    });
    send(ev(1, [1, 2, 3], 3));
    // The page is hidden and shown again: VS Code reloads it and it says ready.
    page.receive({ type: 'ready' });
    await until(() => types(page).filter((t) => t === 'init').length === 2, 'the second init');
    send(ev(0, [0.3], 3));
    await tick(30);
    const card = pageModel(page).pending;
    assert.equal(card.length, 1);
    assert.equal(card[0].runId, runId);
    assert.deepEqual(
      [...card[0].chains].sort((a, b) => a[0] - b[0]),
      [
        [0, { done: 3, total: 10 }],
        [1, { done: 3, total: 10 }],
      ],
    );
    assert.deepEqual(
      [...card[0].trace].sort((a, b) => a[0] - b[0]),
      [
        [0, [0.1, 0.2, 0.3]],
        [1, [1, 2, 3]],
      ],
    );
    release();
    await until(() => types(page).includes('sampleResult'), 'the result');
    assert.equal(pageModel(page).pending.length, 0);
  } finally {
    release();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a page that says ready, then reloads, mid-training gets the progress line as it is, and each batch once', async () => {
  configure({});
  const { dir, engine, page, panel } = setup();
  let release = (): void => undefined;
  engine.hold = new Promise((r) => (release = r));
  // The start, the MLP's first epoch (10 batches and its end) and 3 batches of its second.
  engine.trainFirst = 15;
  try {
    const running = panel.compare({ epochs: 2, limit: 640 });
    await until(() => engine.trainSend !== undefined, 'the run going');
    const events = engine.trainEvents;
    const send = engine.trainSend as (e: TrainEvent) => void;
    const model = (): PanelModel => pageModel(page);
    page.receive({ type: 'ready' });
    await until(() => types(page).includes('init'), 'init');
    const first = model().runs[0];
    assert.ok(first?.live, 'the run is live on the page');
    assert.deepEqual(first.current, { model: 'mlp', epoch: 2, batch: 3, batches: 10 });
    assert.equal(first.axis.total(), 640 + 3 * 64);
    assert.equal(first.history[first.history.length - 1].seen, 640 + 3 * 64);
    assert.equal(first.run.batches.mlp.length, 13);
    for (const e of events.slice(15, 20)) send(e);
    // The page is hidden and shown again: VS Code reloads it and it says ready.
    page.receive({ type: 'ready' });
    await until(() => types(page).filter((t) => t === 'init').length === 2, 'the second init');
    for (const e of events.slice(20, 30)) send(e);
    await tick(50);
    // As a page that saw every event from the start has it.
    const all = emptyModel();
    for (const event of events.slice(0, 30)) applyMessage(all, { type: 'trainEvent', event }, 0);
    const want = all.runs[0];
    const got = model().runs[0];
    assert.deepEqual(got.run.batches, want.run.batches);
    assert.deepEqual(got.run.epochs, want.run.epochs);
    assert.deepEqual(got.current, want.current);
    assert.deepEqual(got.axis.counts(), want.axis.counts());
    assert.equal(got.history[got.history.length - 1].seen, want.axis.total());
    assert.ok(got.history.every((h, i) => i === 0 || h.seen >= got.history[i - 1].seen));
    release();
    await running;
    assert.equal(model().runs[0].live, false);
  } finally {
    release();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an old stored summary (the whole model) is dropped, a malformed page ignored', async () => {
  configure({});
  const memento = new FakeMemento();
  await memento.update('tensorLens.summary', { model: { name: 'Net', layers: [] }, file: '/a.py' });
  await memento.update('tensorLens.summaryPage', { title: 'x', rows: 'not rows' });
  const { dir, page } = setup(memento);
  try {
    assert.equal(memento.get('tensorLens.summary'), undefined);
    page.receive({ type: 'ready' });
    await until(() => types(page).includes('init'), 'init');
    assert.equal((page.posted[0] as { summary: unknown }).summary, null);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Draws CSV re-runs the stored request into the chosen file; a run without one gets a clear error', async () => {
  configure({});
  const { dir, engine, page } = setup();
  // The fake engine answers like the worker: the result carries its request without the run id.
  const plain = engine.sample.bind(engine);
  engine.sample = async (params, onProgress) => {
    const { runId: _r, ...request } = params;
    return { ...(await plain(params, onProgress)), request };
  };
  try {
    page.receive({ type: 'ready' });
    await until(() => page.posted.length > 0, 'init');
    page.receive({
      type: 'runSample',
      params: { expr: 'exp(-x^2)', sampler: 'mh', n: 2000, chains: 4, seed: 9 },
    });
    await until(() => types(page).includes('sampleResult'), 'the run');
    const result = page.posted.find((m) => (m as { type: string }).type === 'sampleResult') as {
      result: SampleResult;
    };
    state.saveTo = Uri.file(join(dir, 'all.csv'));
    state.errors = [];
    state.infos = [];
    page.receive({ type: 'saveDraws', runId: result.result.runId });
    await until(() => state.infos.length > 0 || state.errors.length > 0, 'the export');
    assert.deepEqual(state.errors, []);
    assert.equal(engine.draws.length, 1);
    assert.deepEqual(engine.draws[0], {
      params: { expr: 'exp(-x^2)', sampler: 'mh', n: 2000, chains: 4, seed: 9 },
      file: join(dir, 'all.csv'),
    });
    assert.match(state.infos[0], /saved 8,000 draws to .*all\.csv/);

    page.receive({ type: 'saveDraws', runId: 'gone' });
    await until(() => state.errors.length > 0, 'the error');
    assert.match(state.errors[0], /no longer stored; run it again/);
    assert.equal(engine.draws.length, 1);
  } finally {
    state.saveTo = undefined;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a run's CSV: the page asks, the host writes every one of 20,000 losses the page never held, also after a reload", async () => {
  configure({});
  const first = setup();
  const { dir, page, panel } = first;
  state.errors = [];
  state.warnings = [];
  state.written = [];
  try {
    // A followed run of 10,000 batches per model (two models), as the Follow command feeds it.
    const events = trainStream('long', { trainSize: 640_000, batchSize: 64, epochs: 1 });
    const batches = events.filter((e) => e.event === 'batch').length;
    assert.equal(batches, 20_000);
    page.receive({ type: 'ready' });
    for (const e of events) panel.showTrainEvent(e);
    await until(() => pageModel(page).runs.some((r) => r.run.done), 'the run on the page');
    const onPage = pageModel(page).runs[0].run.batches;
    assert.ok(onPage.mlp.length + onPage.cnn.length < batches / 2, 'the page holds a capped curve');

    const lossRows = (): number => {
      const text = Buffer.from(state.written[state.written.length - 1].bytes).toString('utf8');
      const lines = text.trim().split('\n');
      assert.equal(
        lines[0],
        'model,kind,epoch,step,samplesSeen,seconds,loss,trainLoss,trainAcc,testLoss,testAcc,epochSeconds,samplesPerSec',
      );
      assert.equal(lines.filter((l) => l.split(',')[1] === 'epoch').length, 2);
      return lines.filter((l) => l.split(',')[1] === 'batch').length;
    };
    state.saveTo = Uri.file(join(dir, 'run.csv'));
    page.receive({ type: 'saveRunCsv', runId: 'long' });
    await until(() => state.written.length > 0, 'the CSV', 20_000);
    assert.equal(state.written[0].path, join(dir, 'run.csv'));
    assert.equal(lossRows(), 20_000);
    assert.deepEqual([state.errors, state.warnings], [[], []]);

    // A window reload: a new host on the same storage still has every point.
    await until(() => {
      try {
        return readFileSync(join(dir, 'storage', 'runs.json'), 'utf8').includes('"long"');
      } catch {
        return false;
      }
    }, 'runs.json');
    const context = createContext('/ext', join(dir, 'storage'), new FakeMemento());
    createPanel(context as never, first.engine as never, log as never);
    const page2 = new FakeWebview();
    state.viewProvider?.resolveWebviewView({ webview: page2, show() {}, onDidDispose() {} });
    page2.receive({ type: 'ready' });
    await until(() => types(page2).includes('init'), 'init');
    page2.receive({ type: 'saveRunCsv', runId: 'long' });
    await until(() => state.written.length > 1, 'the CSV after a reload', 20_000);
    assert.equal(lossRows(), 20_000);

    // A cancelled dialog writes nothing; a run no longer stored says so.
    state.saveTo = undefined;
    page2.receive({ type: 'saveRunCsv', runId: 'long' });
    page2.receive({ type: 'saveRunCsv', runId: 'gone' });
    await until(() => state.errors.length > 0, 'the error');
    assert.match(state.errors[0], /no longer stored/);
    assert.equal(state.written.length, 2);
  } finally {
    state.saveTo = undefined;
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a run stored without its every-point log: its CSV's first line and a warning say it holds the stored points only", async () => {
  configure({});
  const { dir, page } = setup();
  state.warnings = [];
  state.written = [];
  try {
    const run = storedRun('old');
    mkdirSync(join(dir, 'storage'), { recursive: true });
    writeFileSync(join(dir, 'storage', 'runs.json'), JSON.stringify([run]));
    page.receive({ type: 'ready' });
    await until(() => types(page).includes('init'), 'init');
    state.saveTo = Uri.file(join(dir, 'old.csv'));
    page.receive({ type: 'saveRunCsv', runId: 'old' });
    await until(() => state.written.length > 0 && state.warnings.length > 0, 'the CSV');
    const lines = Buffer.from(state.written[0].bytes).toString('utf8').trim().split('\n');
    const n = run.batches.mlp.length + run.batches.cnn.length;
    assert.match(lines[0], /^# Stored points only: /);
    assert.match(lines[1], /^model,kind,epoch,step,/);
    assert.equal(lines.length, 2 + n + run.epochs.length);
    assert.match(state.warnings[0], new RegExp(`saved the ${n} loss points stored for this run`));
  } finally {
    state.saveTo = undefined;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a Summary row opens the summarised file at its line; the page cannot name another file', async () => {
  configure({});
  const { dir, page, panel } = setup();
  try {
    const doc = openDocument('/w/net.py', 'import torch\n\nclass Net:\n    pass\n', false);
    const model = {
      name: 'Net',
      line: 3,
      kind: 'module',
      input: [[1, 4]],
      inputSource: 'comment',
      output: [1, 2],
      params: 10,
      layers: [],
      variables: [],
      range: { line: 3, column: 7, endLine: 3, endColumn: 10 },
    } as const;
    panel.showSummary(structuredClone(model) as never, '/w/net.py');
    page.receive({ type: 'openSource', line: 3 });
    await until(() => state.shown.length > 0, 'the file shown');
    assert.deepEqual(state.shown, [{ uri: doc.uri.toString(), line: 2 }]);
    // Past the end: the last line. Not a line number, or another field: dropped by the guard.
    page.receive({ type: 'openSource', line: 99 });
    await until(() => state.shown.length > 1, 'the file shown again');
    assert.equal(state.shown[1].line, 4);
    page.receive({ type: 'openSource', line: 0 });
    page.receive({ type: 'openSource', line: 'x' });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(state.shown.length, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
