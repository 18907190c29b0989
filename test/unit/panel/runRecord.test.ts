// What a run record keeps for the new views: the start event's hyperparameters, each loss point's
// step and wall time (index-aligned through decimation, or dropped), the latest evaluation per model;
// and the guards that check them and the SVG save path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldTrainEvent, startRun } from '../../../src/common/runReducer';
import { SamplesAxis } from '../../../src/common/series';
import { isEvalEvent, isStoredTrainRun, isWebviewToHost } from '../../../src/common/guards';
import { decodeSaveFile, safeSaveName } from '../../../src/panel/hostMessages';
import { dropOldImages } from '../../../src/panel/runStore';
import type { TrainEvent } from '../../../src/training/types';
import { evalEvent, storedRun, trainStream } from './fixtures';

function fold(events: TrainEvent[], max: number): ReturnType<typeof startRun> {
  const [start, ...rest] = events;
  if (start.event !== 'start') throw new Error('fixture starts with start');
  const run = startRun(start, undefined, '2026-11-25T20:00:00.000Z');
  const axis = new SamplesAxis();
  rest.forEach((e, i) => {
    if (e.event !== 'start') foldTrainEvent(run, axis, e, max, i * 0.5);
  });
  return run;
}

test('the start event’s hyperparameters and data set are kept', () => {
  const run = fold(trainStream('h', { trainSize: 640, rich: true, lr: 0.003 }), 1000);
  assert.equal(run.hyper?.lr, 0.003);
  assert.equal(run.data, 'MNIST');
  assert.ok(isStoredTrainRun(JSON.parse(JSON.stringify(run))));
});

test('each loss point has its optimizer step and seconds, aligned after decimation', () => {
  // 2 epochs × 10 batches of 64: steps 1…20 per model.
  const run = fold(trainStream('c', { trainSize: 640, epochs: 2 }), 1000);
  const clock = run.batchClock?.mlp ?? [];
  assert.equal(clock.length, run.batches.mlp.length);
  assert.deepEqual(
    clock.map((c) => c[0]),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  // Decimated to at most 8 points: the steps still belong to the same losses.
  const thin = fold(trainStream('c', { trainSize: 640, epochs: 2 }), 8);
  const pts = thin.batches.mlp;
  const tc = thin.batchClock?.mlp ?? [];
  assert.equal(tc.length, pts.length);
  pts.forEach(([x], i) => assert.equal(x, tc[i][0] * 64, `point ${i}`));
});

test('a loss point without a time drops that model’s clock instead of misaligning it', () => {
  const [start, ...rest] = trainStream('d', { trainSize: 320 });
  if (start.event !== 'start') throw new Error('fixture');
  const run = startRun(start, undefined, '2026-11-25T20:00:00.000Z');
  const axis = new SamplesAxis();
  rest.forEach((e, i) => {
    if (e.event !== 'start') foldTrainEvent(run, axis, e, 1000, i === 2 ? undefined : i);
  });
  assert.equal(run.batchClock?.mlp, undefined);
  assert.equal(run.batchClock?.cnn?.length, run.batches.cnn.length);
});

test('the latest evaluation per model is kept', () => {
  const run = fold(trainStream('e', { trainSize: 320, epochs: 2, rich: true }), 1000);
  assert.equal(run.evals?.cnn?.epoch, 2);
  assert.equal(run.evals?.mlp?.confusion.length, 10);
});

test('eval guard: sizes must agree and image bytes must be bytes', () => {
  const e = evalEvent('g', 'cnn', 1, 0.9);
  assert.ok(isEvalEvent(e));
  assert.ok(!isEvalEvent({ ...e, confusion: e.confusion.slice(1) }), 'k−1 rows');
  assert.ok(!isEvalEvent({ ...e, perClass: [0.5] }), 'one accuracy for ten classes');
  const m = e.mistakes[0];
  const bad = (image: unknown): boolean => isEvalEvent({ ...e, mistakes: [{ ...m, image }] });
  assert.ok(!bad({ ...m.image, pixels: [1, 2, 3] }), 'too few pixels');
  assert.ok(!bad({ ...m.image, pixels: m.image?.pixels.map(() => 256) }), 'not a byte');
  assert.ok(!bad({ channels: 1, rows: 1e6, cols: 1e6, pixels: [] }), 'absurd size');
  assert.ok(!isEvalEvent({ ...e, mistakes: [{ ...m, pred: 10 }] }), 'no class 10');
  const run = storedRun('s', undefined, { rich: true });
  assert.ok(isStoredTrainRun(JSON.parse(JSON.stringify(run))));
  assert.ok(!isStoredTrainRun({ ...run, evals: { cnn: { ...e, classes: 'x' } } }));
});

test('SVG saves: a document of ours passes, one that could run script does not', () => {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><path d="M0 0"/></svg>';
  assert.ok(
    isWebviewToHost({ type: 'saveFile', name: 'loss.svg', mime: 'image/svg+xml', data: svg }),
  );
  assert.ok(!isWebviewToHost({ type: 'saveFile', name: 'x', mime: 'text/html', data: svg }));
  assert.ok(decodeSaveFile('image/svg+xml', svg) instanceof Uint8Array);
  for (const evil of [
    '<svg><script>alert(1)</script></svg>',
    '<svg onload="alert(1)"></svg>',
    '<svg><a href="javascript:alert(1)">x</a></svg>',
    '<html><svg></svg></html>',
  ])
    assert.equal(typeof decodeSaveFile('image/svg+xml', evil), 'string', evil);
  assert.equal(safeSaveName('../loss', 'image/svg+xml'), 'loss.svg');
});

test('stored runs keep mistake images for the newest three only; the mistakes stay', () => {
  const runs = ['a', 'b', 'c', 'd'].map((id) => storedRun(id, undefined, { rich: true }));
  const out = dropOldImages(runs, 3);
  assert.equal(out[0].evals?.cnn?.mistakes.length, 12);
  assert.ok(out[0].evals?.cnn?.mistakes.every((m) => m.image === undefined));
  assert.ok(out[1].evals?.cnn?.mistakes.every((m) => m.image !== undefined));
  assert.equal(out[3], runs[3]);
  assert.ok(runs[0].evals?.cnn?.mistakes[0].image, 'the input is not changed');
});
