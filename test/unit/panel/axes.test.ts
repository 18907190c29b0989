// The training charts' x axes: samples always, steps and times from the record's clocks, nothing when
// a record has no clock (never interpolated).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchSizeOf, epochEndX, lossXs } from '../../../webview/axes';
import { foldTrainEvent, startRun } from '../../../src/common/runReducer';
import { SamplesAxis } from '../../../src/common/series';
import { storedRun, trainStream } from './fixtures';

function live(): ReturnType<typeof startRun> {
  // 2 epochs of 10 batches of 64 (640 images), one event per second.
  const [start, ...rest] = trainStream('a', { trainSize: 640, epochs: 2, rich: true });
  if (start.event !== 'start') throw new Error('fixture');
  const run = startRun(start, undefined, '2026-11-25T20:00:00.000Z');
  const axis = new SamplesAxis();
  rest.forEach((e, i) => {
    if (e.event !== 'start') foldTrainEvent(run, axis, e, 1000, i + 1);
  });
  return run;
}

test('loss x: samples, steps 1…20, seconds as the events arrived', () => {
  const run = live();
  assert.deepEqual(lossXs(run, 'mlp', 'samples')?.slice(0, 3), [64, 128, 192]);
  assert.deepEqual(
    lossXs(run, 'mlp', 'step'),
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  // mlp: events 1–10 are batches, 11 its epoch, 12 its eval, 13–22 the next batches.
  assert.deepEqual(lossXs(run, 'mlp', 'time')?.slice(9, 11), [10, 13]);
});

test('epoch ends: ceil(train size / batch) steps per epoch; times from the epoch events', () => {
  const run = live();
  assert.equal(batchSizeOf(run), 64);
  assert.equal(
    epochEndX(run, 0, 'step', () => NaN),
    10,
  );
  assert.equal(
    epochEndX(run, 1, 'step', () => NaN),
    20,
  );
  assert.equal(
    epochEndX(run, 0, 'time', () => NaN),
    11,
  );
  assert.equal(
    epochEndX(run, 0, 'samples', () => 640),
    640,
  );
});

test('a record without clocks has no step or time, only samples', () => {
  const old = storedRun('old');
  assert.equal(lossXs(old, 'mlp', 'step'), null);
  assert.equal(lossXs(old, 'mlp', 'time'), null);
  assert.equal(
    epochEndX(old, 0, 'time', () => 1),
    null,
  );
  assert.equal(lossXs(old, 'mlp', 'samples')?.length, old.batches.mlp.length);
  // An epoch's steps need the train size; with it (and the recorded request's batch of 64) they are known.
  assert.equal(
    epochEndX(old, 0, 'step', () => 1),
    null,
  );
  assert.equal(
    epochEndX({ ...old, trainSize: 8000 }, 0, 'step', () => 1),
    125,
  );
});
