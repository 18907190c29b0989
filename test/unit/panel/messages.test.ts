// Message handling: every host → webview variant is validated (good ones pass, damaged ones are
// dropped), and folding messages into the webview's model gives the right runs, cards and tabs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SUMMARY_VIEW, summaryPage } from '../../../src/common/summaryTable';
import type { HostToWebview } from '../../../src/common/messages';
import {
  applyMessage,
  emptyModel,
  epochX,
  groupSamples,
  MAX_LOSS_POINTS,
  pendingFraction,
  runTotalSamples,
} from '../../../webview/store';
import { isHostToWebview, salvageInit } from '../../../src/common/guards';
import { modelSummary, sampleResult1d, sampleResult2d, storedRun, trainStream } from './fixtures';

const defaults = {
  sampler: 'nuts' as const,
  n: 5000,
  chains: 4,
  seed: 42,
  expr: 'exp(-x^2/2)',
  epochs: 3,
  limit: 0,
};
const init = (): HostToWebview => ({
  type: 'init',
  runs: [storedRun('a')],
  samples: [sampleResult1d('s1'), sampleResult2d('s2')],
  summary: summaryPage(modelSummary(), '/a.py', DEFAULT_SUMMARY_VIEW),
  defaults,
});

test('every valid variant passes the guard', () => {
  const good: HostToWebview[] = [
    init(),
    ...trainStream('r', { trainSize: 640, epochs: 1 }).map((event): HostToWebview => ({
      type: 'trainEvent',
      event,
    })),
    { type: 'trainError', runId: 'r', message: 'boom' },
    {
      type: 'trainProgress',
      progress: {
        runId: 'r',
        current: { model: 'mlp', epoch: 1, batch: 2, batches: 10 },
        axis: [{ model: 'mlp', raw: 128, offset: 0 }],
        history: [
          { ago: 40, seen: 0 },
          { ago: 0, seen: 128 },
        ],
      },
    },
    { type: 'trainProgress', progress: { runId: 'r', axis: [], history: [] } },
    {
      type: 'sampleStart',
      params: { expr: 'x', sampler: 'mh', n: 10, chains: 1, seed: 1, runId: 'q' },
    },
    {
      type: 'sampleProgress',
      event: {
        event: 'progress',
        runId: 'q',
        chain: 0,
        start: 0,
        x: [1, 2],
        done: 2,
        total: 10,
        phase: 'sampling',
        stride: 1,
      },
    },
    { type: 'sampleResult', result: sampleResult1d('s3', 'nuts') },
    { type: 'sampleError', runId: 'q', message: 'bad' },
    { type: 'exprCheck', expr: 'x', result: { ok: false, error: 'unexpected )', column: 3 } },
    { type: 'summary', page: summaryPage(modelSummary(), '/a.py', DEFAULT_SUMMARY_VIEW) },
    { type: 'summary', page: null },
    { type: 'showTab', tab: 'sampling' },
  ];
  for (const m of good)
    assert.ok(isHostToWebview(m), `rejected ${JSON.stringify(m).slice(0, 120)}`);
});

test('damaged messages are rejected', () => {
  const r1 = sampleResult1d('s');
  const bad: unknown[] = [
    null,
    'init',
    { type: 'nope' },
    { type: 'showTab', tab: 'settings' },
    {
      type: 'trainEvent',
      event: {
        event: 'batch',
        runId: 'r',
        model: 'mlp',
        epoch: 1,
        batch: 1,
        batches: 2,
        samplesSeen: 64,
        loss: null,
      },
    },
    { type: 'trainEvent', event: { event: 'explode', runId: 'r' } },
    {
      type: 'trainProgress',
      progress: { runId: 'r', axis: [{ model: 'mlp', raw: 1 }], history: [] },
    },
    {
      type: 'trainProgress',
      progress: { runId: 'r', axis: [], history: [{ ago: 0, seen: null }] },
    },
    {
      type: 'trainProgress',
      progress: { runId: 'r', current: { model: 'mlp' }, axis: [], history: [] },
    },
    {
      type: 'sampleProgress',
      event: { event: 'progress', runId: 'q', chain: 0, start: 0, x: [1, 'a'], done: 2, total: 10 },
    },
    { type: 'sampleResult', result: { ...r1, histogram: { edges: [0, 1], counts: [1, 2] } } },
    { type: 'sampleResult', result: { ...r1, sampler: 'gibbs' } },
    { type: 'sampleResult', result: { ...r1, density2d: { nx: 2, ny: 2, values: [1] } } },
    { type: 'sampleStart', params: { expr: 'x', sampler: 'mh', n: '10', chains: 1, seed: 1 } },
    { type: 'summary', model: modelSummary(), file: '' },
    {
      type: 'summary',
      page: { ...summaryPage(modelSummary(), '', DEFAULT_SUMMARY_VIEW), rows: [{ layer: 'x' }] },
    },
    { type: 'exprCheck', expr: 'x', result: { ok: 'yes' } },
    { ...init(), defaults: { ...defaults, sampler: 'x' } },
  ];
  for (const m of bad)
    assert.equal(isHostToWebview(m), false, `accepted ${JSON.stringify(m)?.slice(0, 120)}`);
});

test('JSON nulls for undefined diagnostics (one chain: R-hat NaN) are accepted', () => {
  const r = JSON.parse(
    JSON.stringify({
      ...sampleResult1d('s', 'mh', { chains: 1 }),
      rhat: NaN,
      ks: null,
      acceptance: null,
    }),
  ) as unknown;
  assert.ok(isHostToWebview({ type: 'sampleResult', result: r }));
});

test('a run stopped before a model finished an epoch (no test accuracy) is accepted, live and stored', () => {
  // Compare, then Stop while the CNN is in its first epoch: the CNN has no test accuracy (null).
  const done = {
    event: 'done',
    runId: 'r',
    backend: 'wasm',
    cancelled: true,
    models: [
      {
        model: 'mlp',
        params: 1,
        finalTestAcc: 0.9,
        finalTestLoss: 0.3,
        seconds: 1,
        samplesPerSec: 10,
      },
      {
        model: 'cnn',
        params: 2,
        finalTestAcc: null,
        finalTestLoss: null,
        seconds: 1,
        samplesPerSec: 10,
      },
    ],
  };
  const wire = JSON.parse(JSON.stringify({ type: 'trainEvent', event: done })) as unknown;
  assert.ok(isHostToWebview(wire));
  const stored = JSON.parse(
    JSON.stringify({ ...init(), runs: [{ ...storedRun('r'), done }] }),
  ) as unknown;
  assert.ok(isHostToWebview(stored));
});

test('an init with one damaged stored run keeps the others', () => {
  const msg = { ...init(), runs: [storedRun('a'), { runId: 'b' }] };
  assert.equal(isHostToWebview(msg), false);
  const s = salvageInit(msg);
  assert.ok(s);
  assert.equal(s.dropped, 1);
  assert.ok(s.msg.type === 'init' && s.msg.runs.length === 1);
  assert.equal(
    salvageInit({ type: 'init', runs: [], samples: [], summary: null, defaults: {} }),
    null,
  );
});

test('a live comparison: 938 batches per model, epochs, done; x in samples seen', () => {
  const m = emptyModel();
  applyMessage(m, init(), 0);
  const events = trainStream('live', { trainSize: 60000, epochs: 2 });
  let t = 1000;
  for (const e of events) {
    const parts = applyMessage(m, { type: 'trainEvent', event: e }, (t += 10));
    assert.ok(parts.has('training'));
  }
  const rv = m.runs.find((r) => r.run.runId === 'live');
  assert.ok(rv);
  assert.equal(rv.live, false);
  assert.ok(rv.run.done && !rv.run.done.cancelled);
  assert.equal(rv.run.batches.mlp.length, 938 * 2);
  assert.equal(rv.run.batches.mlp[rv.run.batches.mlp.length - 1][0], 120000);
  assert.equal(rv.run.epochs.length, 4);
  assert.equal(runTotalSamples(rv), 240000);
  assert.equal(epochX(rv, 'mlp', 2), 120000);
  assert.ok(m.selected.has('live'));
});

test('a burst of batch events in one trainBatches message folds as the same events one by one', () => {
  const events = trainStream('burst', { trainSize: 6400, epochs: 1 });
  const batches = events.filter((e) => e.event === 'batch');
  const rest = events.filter((e) => e.event !== 'batch');
  const one = emptyModel();
  const many = emptyModel();
  applyMessage(one, { type: 'trainEvent', event: rest[0] }, 5);
  applyMessage(many, { type: 'trainEvent', event: rest[0] }, 5);
  for (const e of batches) applyMessage(one, { type: 'trainEvent', event: e }, 50);
  const msg: HostToWebview = { type: 'trainBatches', events: batches };
  assert.ok(isHostToWebview(msg));
  assert.ok(applyMessage(many, msg, 50).has('training'));
  assert.deepEqual(many.runs[0].run, one.runs[0].run);
  assert.deepEqual(many.runs[0].current, one.runs[0].current);
  // One arrival time: one rate sample standing for the burst's last count.
  assert.deepEqual(many.runs[0].history, one.runs[0].history);
  assert.equal(many.runs[0].history.length, 2);
  // Only batch events travel this way; anything else in the list drops the message.
  assert.equal(isHostToWebview({ type: 'trainBatches', events: [...batches, rest[1]] }), false);
  assert.equal(isHostToWebview({ type: 'trainBatches', events: 'x' }), false);
});

test('loss points per model stay bounded on a very long run', () => {
  const m = emptyModel();
  for (const e of trainStream('long', { trainSize: 60000, epochs: 8 }))
    applyMessage(m, { type: 'trainEvent', event: e }, 0);
  const rv = m.runs[0];
  assert.ok(rv.run.batches.mlp.length <= MAX_LOSS_POINTS);
  const xs = rv.run.batches.mlp.map((p) => p[0]);
  assert.equal(xs[xs.length - 1], 480000);
  for (let i = 1; i < xs.length; i++) assert.ok(xs[i] > xs[i - 1]);
});

test('events of a run whose start was missed still show up', () => {
  const m = emptyModel();
  applyMessage(
    m,
    {
      type: 'trainEvent',
      event: {
        event: 'batch',
        runId: 'x',
        model: 'mlp',
        epoch: 1,
        batch: 1,
        batches: 10,
        samplesSeen: 64,
        loss: 2,
      },
    },
    0,
  );
  assert.equal(m.runs.length, 1);
  assert.equal(m.runs[0].live, true);
  applyMessage(m, { type: 'trainError', runId: 'x', message: 'out of memory' }, 0);
  assert.equal(m.runs[0].live, false);
  assert.equal(m.trainError, 'out of memory');
  // A run that failed before its start event (bad data folder) does not mark another live run failed.
  applyMessage(
    m,
    {
      type: 'trainEvent',
      event: {
        event: 'batch',
        runId: 'y',
        model: 'mlp',
        epoch: 1,
        batch: 1,
        batches: 10,
        samplesSeen: 64,
        loss: 2,
      },
    },
    0,
  );
  applyMessage(m, { type: 'trainError', runId: 'z', message: 'data folder not found' }, 0);
  const y = m.runs.find((r) => r.run.runId === 'y');
  assert.ok(y && y.live && !y.error);
  assert.equal(m.trainError, 'data folder not found');
});

test('init replays stored runs; a run without done is live; selection survives', () => {
  const m = emptyModel();
  m.selected.add('a');
  const live = storedRun('b');
  delete live.done;
  applyMessage(m, { ...init(), runs: [storedRun('a'), live, storedRun('c')] } as HostToWebview, 0);
  assert.deepEqual([...m.selected].sort(), ['a', 'b']);
  assert.equal(m.runs.find((r) => r.run.runId === 'b')?.live, true);
  assert.equal(m.runs.find((r) => r.run.runId === 'a')?.trainSize, 8000);
  // Nothing remembered: the newest run is shown.
  const m2 = emptyModel();
  applyMessage(m2, { ...init(), runs: [storedRun('a'), storedRun('c')] } as HostToWebview, 0);
  assert.deepEqual([...m2.selected], ['c']);
});

test('sampling: queued card, progress by runId, restart, result replaces the card', () => {
  const m = emptyModel();
  applyMessage(
    m,
    {
      type: 'sampleStart',
      params: { expr: 'x', sampler: 'rejection', n: 100, chains: 2, seed: 1, runId: 'q1' },
    },
    0,
  );
  applyMessage(
    m,
    {
      type: 'sampleStart',
      params: { expr: 'x', sampler: 'mh', n: 100, chains: 2, seed: 1, runId: 'q2' },
    },
    0,
  );
  assert.equal(m.pending.length, 2);
  assert.equal(m.pending[0].phase, 'queued');
  applyMessage(
    m,
    {
      type: 'sampleProgress',
      event: {
        event: 'progress',
        runId: 'q1',
        chain: 0,
        start: 0,
        x: [1, 2, 3],
        done: 50,
        total: 100,
      },
    },
    0,
  );
  assert.equal(pendingFraction(m.pending[0]), 0.25);
  applyMessage(
    m,
    {
      type: 'sampleProgress',
      event: {
        event: 'progress',
        runId: 'q1',
        chain: 1,
        start: 0,
        x: [],
        done: 100,
        total: 100,
        restarted: true,
      },
    },
    0,
  );
  assert.equal(m.pending[0].trace.get(0), undefined, 'restart voids the live trace');
  assert.equal(pendingFraction(m.pending[0]), 0.75);
  assert.equal(pendingFraction(m.pending[1]), 0);
  applyMessage(
    m,
    { type: 'sampleResult', result: { ...sampleResult1d('q1', 'rejection'), expr: 'x' } },
    0,
  );
  assert.deepEqual(
    m.pending.map((p) => p.runId),
    ['q2'],
  );
  // An error for a job this page has no card for leaves the other queued cards alone.
  applyMessage(m, { type: 'sampleError', runId: 'gone', message: 'stopped' }, 0);
  assert.deepEqual(
    m.pending.map((p) => p.runId),
    ['q2'],
  );
  applyMessage(m, { type: 'sampleError', runId: 'q2', message: 'no' }, 0);
  assert.equal(m.pending.length, 0);
  assert.equal(m.sampleError, 'no');
  assert.equal(m.samples.length, 1);
});

test('results group by density in first-seen order', () => {
  const a = sampleResult1d('1', 'rejection');
  const b = sampleResult2d('2');
  const c = sampleResult1d('3', 'mh');
  const g = groupSamples([a, b, c]);
  assert.deepEqual(
    g.map((x) => x.results.map((r) => r.runId)),
    [['1', '3'], ['2']],
  );
});

test('summary and showTab', () => {
  const m = emptyModel();
  assert.ok(
    applyMessage(
      m,
      { type: 'summary', page: summaryPage(modelSummary(), '/x.py', DEFAULT_SUMMARY_VIEW) },
      0,
    ).has('summary'),
  );
  assert.equal(m.summary?.file, '/x.py');
  assert.ok(applyMessage(m, { type: 'showTab', tab: 'summary' }, 0).has('tab'));
  assert.equal(m.requestedTab, 'summary');
});
