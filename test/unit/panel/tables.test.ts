// The summary table and the CSV exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnosticsCsv, epochsCsv, safeFileName, tracesCsv } from '../../../webview/csvData';
import { fmtShape, summaryTable } from '../../../src/common/summaryTable';
import { modelSummary, sampleResult1d, sampleResult2d, storedRun } from './fixtures';

test('summary rows like torchinfo: shapes, params, mult-adds, totals', () => {
  const t = summaryTable(modelSummary());
  assert.equal(t.title, 'Net (line 5)');
  assert.equal(t.input, '[B, 1, 28, 28]');
  assert.equal(t.output, '[B, 10]');
  assert.equal(t.rows.length, 6);
  assert.deepEqual(t.rows[0], {
    depth: 0,
    layer: 'conv1',
    type: 'Conv2d',
    line: 12,
    output: '[B, 32, 26, 26]',
    params: '320',
    macs: '194\u202f688',
    unknown: false,
  });
  assert.equal(t.rows[1].params, '--', 'functional calls own no parameters');
  assert.equal(t.rows[4].depth, 2);
  assert.equal(t.totalParams, '225\u202f034');
  // No model-level macs: the layers' sum.
  assert.equal(
    t.totalMacs,
    (194688 + 2230272 + 204800 + 1280).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f'),
  );
  assert.equal(fmtShape(null), 'unknown');
});

test('an unknown layer output is marked, never guessed', () => {
  const m = modelSummary();
  m.layers[3] = { ...m.layers[3], output: null, macs: undefined };
  const t = summaryTable(m);
  assert.equal(t.rows[3].output, 'unknown');
  assert.equal(t.rows[3].unknown, true);
  assert.equal(t.totalMacs, '--');
});

test('the training metrics CSV: a row per model per epoch', () => {
  const run = storedRun('r1');
  const e = epochsCsv([run]).trim().split('\n');
  assert.equal(
    e[0],
    'run,started,backend,model,epoch,trainLoss,trainAcc,testLoss,testAcc,seconds,samplesPerSec',
  );
  assert.equal(e.length, 1 + 6);
  assert.match(e[1], /^r1,2026-11-25T20:00:00.000Z,wasm,mlp,1,/);
});

test('sampling CSVs: traces per chain (x, and y for 2-D) and diagnostics with quoted densities', () => {
  const r = sampleResult1d('s1', 'mh', { chains: 2, n: 100 });
  const t = tracesCsv(r).trim().split('\n');
  assert.equal(t[0], 'chain,i,x');
  assert.equal(t.length, 1 + r.traces[0].length + r.traces[1].length);
  assert.match(t[1], /^0,0,-?\d/);
  const t2 = tracesCsv(sampleResult2d('s2')).split('\n');
  assert.equal(t2[0], 'chain,i,x,y');
  const d = diagnosticsCsv([{ ...r, expr: 'exp(-x^2), 1', rhat: NaN }])
    .trim()
    .split('\n');
  assert.match(d[1], /^s1,"exp\(-x\^2\), 1",mh,100,2,/);
  assert.ok(d[1].includes(',,'), 'NaN R-hat is an empty field');
});

test('file names from densities are safe', () => {
  assert.equal(safeFileName('exp(-x^2/2) * (1 + sin(3x)^2)'), 'exp_-x_2_2_1_sin_3x_2');
  assert.equal(safeFileName('***', 'density'), 'density');
  assert.equal(safeFileName('../../etc/passwd'), '.._.._etc_passwd');
});
