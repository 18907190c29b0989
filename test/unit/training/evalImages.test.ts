// Each mistake's test image, as the panel's Evaluation view gets it: the bytes of that very image
// (channel-major), for grey and colour splits; an index outside the split gets no image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withMistakeImages } from '../../../src/training/eval';
import type { ImageSplit } from '../../../src/training/data/types';
import type { TrainEvalEvent } from '../../../src/training/types';

const event = (indices: number[]): TrainEvalEvent => ({
  event: 'eval',
  runId: 'r',
  model: 'm',
  epoch: 1,
  classes: ['a', 'b'],
  confusion: [
    [1, 1],
    [1, 1],
  ],
  perClass: [0.5, 0.5],
  mistakes: indices.map((index) => ({ index, label: 0, pred: 1, p: 0.9 })),
});

test('grey images: image i is bytes [i·r·c, (i+1)·r·c)', () => {
  // 3 images of 2 × 2; image i holds 10i, 10i+1, 10i+2, 10i+3.
  const split: ImageSplit = {
    images: Uint8Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 4) + (k % 4)),
    labels: Uint8Array.from([0, 1, 0]),
    count: 3,
    rows: 2,
    cols: 2,
  };
  const e = withMistakeImages(event([2, 0, 3]), split);
  assert.deepEqual(e.mistakes[0].image, {
    channels: 1,
    rows: 2,
    cols: 2,
    pixels: [20, 21, 22, 23],
  });
  assert.deepEqual(e.mistakes[1].image?.pixels, [0, 1, 2, 3]);
  assert.equal(e.mistakes[2].image, undefined, 'index 3 is outside a 3-image split');
  assert.equal(event([2]).mistakes[0].image, undefined, 'the input event is not changed');
});

test('colour images keep all three planes', () => {
  const split: ImageSplit = {
    images: Uint8Array.from({ length: 2 * 3 * 1 * 2 }, (_, k) => k),
    labels: Uint8Array.from([0, 1]),
    count: 2,
    rows: 1,
    cols: 2,
    channels: 3,
  };
  const e = withMistakeImages(event([1]), split);
  assert.deepEqual(e.mistakes[0].image, {
    channels: 3,
    rows: 1,
    cols: 2,
    pixels: [6, 7, 8, 9, 10, 11],
  });
});
