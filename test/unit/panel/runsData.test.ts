// The runs table's data: what each cell holds (and that what a record lacks is unknown, not a
// default), sorting with unknowns last, the filter language, the two-run diff and the CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  filterRows,
  hyperDiff,
  runRows,
  runsCsv,
  showCell,
  sortRows,
  type RunRow,
} from '../../../webview/runsData';

import { unknownParams } from '../../../src/common/runReducer';
import { storedRun } from './fixtures';

const rich = storedRun('r1', '2026-11-25T20:00:00.000Z', { rich: true, lr: 0.01, seed: 7 });
const plain = storedRun('r2', '2026-11-25T21:00:00.000Z');

test('a run with reported hyperparameters: one row per model, every column filled', () => {
  const rows = runRows(rich, false, false);
  assert.deepEqual(
    rows.map((r) => r.values.model),
    ['mlp', 'cnn'],
  );
  const cnn = rows[1].values;
  assert.equal(cnn.data, 'MNIST');
  assert.equal(cnn.lr, 0.01);
  assert.equal(cnn.seed, 7);
  assert.equal(cnn.batch, 64);
  assert.equal(cnn.epochs, 3);
  assert.equal(cnn.threads, 2);
  assert.equal(cnn.acc, 0.975);
  assert.equal(cnn.params, 225034);
  assert.equal(cnn.time, 30);
  assert.equal(rows[1].status, 'done');
  // tfjs reports no device and no process count: unknown, shown as —.
  assert.equal(cnn.device, null);
  assert.equal(showCell('device', cnn.device), '—');
});

test('what a record does not hold is unknown, never a default', () => {
  const p = runRows(plain, false, false)[0].values;
  // The host's request says the seed and batch; no learning rate was asked for or reported.
  assert.equal(p.lr, null);
  assert.equal(p.data, null);
  assert.equal(p.seed, 42);
  // A run seen only from its events: the placeholder request's seed 0 and empty models are not data.
  const seen = {
    ...plain,
    params: unknownParams(0, 0),
    done: undefined,
    models: [{ model: 'net', params: 0 }],
  };
  const v = runRows(seen, true, false)[0];
  assert.equal(v.status, 'running');
  assert.equal(v.values.seed, null);
  assert.equal(v.values.epochs, null);
  assert.equal(v.values.params, null, 'params 0 (model first seen in a batch) is unknown');
  assert.equal(v.values.time, null, 'an epoch’s seconds are not the run’s time');
});

const rows: RunRow[] = [...runRows(rich, false, false), ...runRows(plain, false, true)];

test('sort: by a column either way, unknown last both ways, newest run first on ties', () => {
  const byLr = sortRows(rows, { key: 'lr', dir: 1 }).map((r) => `${r.runId}/${r.values.model}`);
  assert.deepEqual(byLr.slice(0, 2), ['r1/mlp', 'r1/cnn']);
  const desc = sortRows(rows, { key: 'lr', dir: -1 });
  assert.equal(desc[3].values.lr, null);
  assert.equal(desc[0].values.lr, 0.01);
  const acc = sortRows(rows, { key: 'acc', dir: -1 }).map((r) => r.values.acc);
  assert.deepEqual(acc, [0.975, 0.975, 0.94, 0.94]);
  // Ties: r2 started later, so it comes first.
  assert.equal(sortRows(rows, { key: 'acc', dir: -1 })[0].runId, 'r2');
  const started = sortRows(rows, { key: 'started', dir: -1 }).map((r) => r.runId);
  assert.deepEqual(started, ['r2', 'r2', 'r1', 'r1']);
});

test('filter: words match shown text, comparisons test a column, an unknown column matches nothing', () => {
  const ids = (q: string): string[] =>
    filterRows(rows, q, showCell).map((r) => `${r.runId}/${r.values.model}`);
  assert.deepEqual(ids('cnn'), ['r1/cnn', 'r2/cnn']);
  assert.deepEqual(ids('CNN mnist'), ['r1/cnn']);
  assert.deepEqual(ids('acc>0.95'), ['r1/cnn', 'r2/cnn']);
  assert.deepEqual(ids('lr=0.01 mlp'), ['r1/mlp']);
  assert.deepEqual(ids('lr<1'), ['r1/mlp', 'r1/cnn'], 'an unknown lr never passes a comparison');
  assert.deepEqual(ids('backend=wasm').length, 4);
  assert.deepEqual(ids('colour>1'), []);
  assert.deepEqual(ids('   ').length, 4);
});

test('diff: hyperparameters side by side, differences marked', () => {
  const d = hyperDiff(rows[1], rows[3]);
  const differs = d.filter((l) => l.differs).map((l) => l.key);
  assert.deepEqual(differs, ['data', 'lr', 'seed', 'threads']);
  const lr = d.find((l) => l.key === 'lr');
  assert.deepEqual([lr?.a, lr?.b], [0.01, null]);
  assert.ok(!d.some((l) => l.key === 'acc'), 'results are not hyperparameters');
});

test('CSV: every column, numbers as numbers, unknown empty', () => {
  const lines = runsCsv(rows).trim().split('\n');
  assert.equal(
    lines[0],
    'run,started,status,model,data,epochs,batch,lr,seed,backend,device,threads,processes,acc,loss,time,rate,params',
  );
  assert.equal(lines.length, 5);
  assert.equal(
    lines[2],
    'r1,2026-11-25T20:00:00.000Z,done,cnn,MNIST,3,64,0.01,7,wasm,,2,,0.975,0.14,30,1800,225034',
  );
  assert.match(lines[3], /^r2,.*,failed,mlp,,3,64,,42,wasm,,,,0\.94,/);
});
