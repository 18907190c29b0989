// The evaluation after each epoch: the tally's arithmetic on hand-made probabilities, and on a trained
// net the confusion matrix, per-class accuracy and mistakes agree with the epoch's accuracy and with
// each mistaken image's prediction recomputed on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { TrainEvalEvent, TrainEvent, TrainStartEvent } from '../../../src/training/types';
import { loadBackend } from '../../../src/training/backend';
import { EvalTally, formatEval } from '../../../src/training/eval';
import { evaluate, fit, limitSplit, MNIST_MEAN, MNIST_STD } from '../../../src/training/fit';
import { loadData } from '../../../src/training/idx';
import { runTraining } from '../../../src/training/index';
import { buildNet } from '../../../src/training/net';
import { MLP } from '../../../src/training/spec';

const mediaRoot = join(__dirname, '..', '..', '..', 'media');

test('EvalTally: confusion rows are true classes, ties go to the first class, mistakes ranked by p then index', () => {
  const t = new EvalTally(3, 2);
  // rows: probabilities of classes 0, 1, 2
  t.add([0.7, 0.2, 0.1, /**/ 0.1, 0.8, 0.1, /**/ 0.4, 0.4, 0.2], [0, 2, 1], 10);
  t.add([0.1, 0.1, 0.8, /**/ 0.05, 0.9, 0.05, /**/ 0.2, 0.8, 0.0], [2, 0, 0], 13);
  const r = t.result();
  assert.deepEqual(r.confusion, [
    [1, 2, 0],
    [1, 0, 0],
    [0, 1, 1],
  ]);
  assert.equal(r.correct, 2);
  assert.deepEqual(r.perClass, [1 / 3, 0, 0.5]);
  // Wrong: #11 (p .8, 2→1), #12 (p .4 tie → class 0, 1→0), #14 (p .9, 0→1), #15 (p .8, 0→1); keep 2.
  assert.deepEqual(r.mistakes, [
    { index: 14, label: 0, pred: 1, p: 0.9 },
    { index: 11, label: 2, pred: 1, p: 0.8 },
  ]);
  const empty = new EvalTally(2).result();
  assert.deepEqual(
    empty.perClass,
    [null, null],
    'a class with no test images has no accuracy, not 0',
  );
});

test('formatEval: a table for few classes, the largest confusions for many', () => {
  const few = formatEval({
    classes: ['cat', 'dog'],
    confusion: [
      [5, 1],
      [2, 7],
    ],
    perClass: [5 / 6, 7 / 9],
    mistakes: [{ index: 4, label: 1, pred: 0, p: 0.93 }],
  });
  assert.deepEqual(few, [
    '  true \\ pred  0 1',
    '  0 cat        5 1',
    '  1 dog        2 7',
    '  per class: cat 83.3%  dog 77.8%',
    '  most confident mistakes: #4 dog→cat (p 0.930)',
  ]);
  const k = 30;
  const confusion: number[][] = Array.from({ length: k }, (_, i) =>
    Array.from({ length: k }, (_, j) => (i === j ? 3 : 0)),
  );
  confusion[4][7] = 9;
  const many = formatEval({
    classes: confusion.map((_, i) => `c${i}`),
    confusion,
    perClass: confusion.map(() => 0.25),
    mistakes: [],
  });
  assert.equal(many.length, 2);
  assert.equal(many[0], '  most frequent confusions (true → predicted): c4 → c7 9');
});

test('eval on a trained MLP: matrix totals, accuracy and each mistake agree with a recomputation', async () => {
  const { tf } = await loadBackend('wasm');
  const data = loadData('', mediaRoot);
  const train = limitSplit(data.train, 256);
  const test = limitSplit(data.test, 300);
  const net = buildNet(tf, MLP, 5);
  try {
    const evals: TrainEvalEvent[] = [];
    let testAcc = -1;
    await fit(tf, net, train, test, {
      epochs: 1,
      batchSize: 64,
      seed: 5,
      learningRate: 1e-3,
      runId: 'r',
      onBatch: () => undefined,
      onEpoch: (e) => (testAcc = e.testAcc),
      onEval: (e) => evals.push(e),
    });
    assert.equal(evals.length, 1);
    const e = evals[0];
    assert.deepEqual(e.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.equal(
      e.confusion.flat().reduce((a, b) => a + b, 0),
      test.count,
    );
    e.confusion.forEach((row, c) =>
      assert.equal(
        row.reduce((a, b) => a + b, 0),
        test.labels.filter((l) => l === c).length,
        `row ${c}`,
      ),
    );
    const diag = e.confusion.reduce((s, row, i) => s + row[i], 0);
    assert.equal(diag / test.count, testAcc);
    e.perClass.forEach((p, c) =>
      assert.equal(p, e.confusion[c][c] / e.confusion[c].reduce((a, b) => a + b, 0)),
    );
    // After one small epoch the net still errs, so there are mistakes to check.
    assert.equal(e.mistakes.length, 16);
    for (let i = 1; i < e.mistakes.length; i++) assert.ok(e.mistakes[i - 1].p >= e.mistakes[i].p);
    for (const m of e.mistakes) {
      assert.equal(m.label, test.labels[m.index]);
      // The image alone, normalised here, through the net: same prediction and probability.
      const px = Float32Array.from(
        test.images.subarray(m.index * 784, (m.index + 1) * 784),
        (v) => (v / 255 - MNIST_MEAN) / MNIST_STD,
      );
      const probs = tf.tidy(() =>
        tf.softmax(net.forward(tf.tensor(px, [1, 28, 28, 1]), false)).dataSync(),
      );
      const pred = probs.indexOf(Math.max(...probs));
      assert.equal(pred, m.pred, `image ${m.index}`);
      assert.notEqual(pred, m.label);
      assert.ok(Math.abs(probs[pred] - m.p) < 1e-5, `image ${m.index}: ${probs[pred]} vs ${m.p}`);
    }
    const again = await evaluate(tf, net, test);
    assert.deepEqual(again?.confusion, e.confusion);
  } finally {
    net.dispose();
  }
});

test('runTraining: the start event records the hyperparameters; one eval event per epoch', async () => {
  const events: TrainEvent[] = [];
  await runTraining(
    {
      models: [{ kind: 'builtin', name: 'mlp' }],
      epochs: 2,
      batchSize: 32,
      limit: 64,
      testLimit: 40,
      dataPath: '',
      seed: 9,
      backend: 'wasm',
      threads: 1,
      learningRate: 2e-3,
    },
    { mediaRoot, onEvent: (e) => events.push(e) },
  );
  const start = events[0] as TrainStartEvent;
  assert.deepEqual(start.hyper, {
    model: ['mlp'],
    data: 'embedded MNIST subset',
    epochs: 2,
    batchSize: 32,
    lr: 2e-3,
    seed: 9,
    backend: 'wasm',
    threads: 1,
  });
  const kinds = events.map((e) => e.event).filter((k) => k !== 'batch');
  assert.deepEqual(kinds, ['start', 'epoch', 'eval', 'epoch', 'eval', 'done']);
});
