// Short seeded runs on the wasm backend (which exercises our gradient kernels): the loss falls, the
// same seed repeats the same curve, no tensor is leaked across epochs, cancellation stops mid-epoch,
// and bad data gives a clear error before any training.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainEpochEvent, TrainEvent, TrainRequestParams } from '../../../src/training/types';
import { loadBackend } from '../../../src/training/backend';
import { DataError, runTraining } from '../../../src/training/index';
import { loadData, writeIdx } from '../../../src/training/idx';
import { fit, limitSplit } from '../../../src/training/fit';
import { buildNet } from '../../../src/training/net';
import { MLP } from '../../../src/training/spec';

const mediaRoot = join(__dirname, '..', '..', '..', 'media');

function params(over: Partial<TrainRequestParams>): TrainRequestParams {
  return {
    models: [{ kind: 'builtin', name: 'mlp' }],
    epochs: 3,
    batchSize: 64,
    limit: 384,
    testLimit: 200,
    dataPath: '',
    seed: 7,
    backend: 'wasm',
    ...over,
  };
}

async function run(
  p: TrainRequestParams,
  onEvent?: (e: TrainEvent, all: TrainEvent[]) => void,
  signal?: AbortSignal,
): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  await runTraining(p, {
    mediaRoot,
    signal,
    onEvent: (e) => {
      events.push(e);
      onEvent?.(e, events);
    },
  });
  return events;
}

const strip = (e: TrainEvent): unknown => {
  const { runId: _r, ...rest } = e as TrainEpochEvent;
  if (e.event === 'epoch') {
    const { seconds: _s, samplesPerSec: _p, ...m } = rest as TrainEpochEvent;
    return m;
  }
  return rest;
};

test('MLP: the loss falls, the same seed repeats the curve, tensors stay flat across epochs', async () => {
  const { tf } = await loadBackend('wasm');
  const tensorsAtEpoch: number[] = [];
  const a = await run(params({}), (e) => {
    if (e.event === 'epoch') tensorsAtEpoch.push(tf.memory().numTensors);
  });
  const b = await run(params({}));
  const epochsA = a.filter((e): e is TrainEpochEvent => e.event === 'epoch');
  assert.equal(epochsA.length, 3);
  assert.ok(
    epochsA[2].trainLoss < epochsA[0].trainLoss * 0.8,
    `train loss ${epochsA.map((e) => e.trainLoss.toFixed(3)).join(' → ')}`,
  );
  assert.ok(epochsA[2].testAcc > 0.6, `test accuracy after 3 small epochs: ${epochsA[2].testAcc}`);
  // Same seed, same backend: every epoch metric identical, and every batch loss at the batches both
  // runs reported (which batches get reported depends on the clock).
  assert.deepEqual(epochsA.map(strip), b.filter((e) => e.event === 'epoch').map(strip));
  const lossAt = (evs: TrainEvent[]) =>
    new Map(
      evs.flatMap((e) => (e.event === 'batch' ? [[`${e.epoch}/${e.batch}`, e.loss] as const] : [])),
    );
  const la = lossAt(a);
  const lb = lossAt(b);
  let compared = 0;
  for (const [k, v] of la)
    if (lb.has(k)) {
      assert.equal(v, lb.get(k), `batch ${k}`);
      compared++;
    }
  assert.ok(compared >= 3, `compared ${compared} batch losses`);
  // A different seed gives a different curve (the seed is really used).
  const c = await run(params({ seed: 8, epochs: 1 }));
  assert.notEqual(
    (c.find((e) => e.event === 'epoch') as TrainEpochEvent).trainLoss,
    epochsA[0].trainLoss,
  );
  assert.equal(
    new Set(tensorsAtEpoch).size,
    1,
    `tensors at each epoch end: ${tensorsAtEpoch.join(', ')}`,
  );
  const done = a[a.length - 1];
  assert.equal(done.event, 'done');
  // The plain backend name (the worker compares it to 'tensorflow'), the version apart.
  assert.ok(
    done.event === 'done' &&
      done.backend === 'wasm' &&
      /^tfjs \d+\.\d+/.test(done.backendDetail ?? ''),
    JSON.stringify(done),
  );
});

test('CNN trains on wasm through our gradient kernels', async () => {
  const evs = await run(
    params({ models: [{ kind: 'builtin', name: 'cnn' }], epochs: 2, limit: 256, testLimit: 100 }),
  );
  const ep = evs.filter((e): e is TrainEpochEvent => e.event === 'epoch');
  assert.equal(ep.length, 2);
  assert.ok(
    ep[1].trainLoss < ep[0].trainLoss,
    `train loss ${ep.map((e) => e.trainLoss.toFixed(3)).join(' → ')}`,
  );
  const start = evs[0];
  assert.ok(start.event === 'start' && start.models[0].params === 225034);
});

test('cancel mid-epoch stops at the next batch and reports a cancelled run', async () => {
  const ac = new AbortController();
  let batchesAfterAbort = 0;
  const evs = await run(
    params({ epochs: 5, limit: 0 }),
    (e) => {
      if (e.event !== 'batch') return;
      if (ac.signal.aborted) batchesAfterAbort++;
      else if (e.batch >= 3) ac.abort();
    },
    ac.signal,
  );
  const done = evs[evs.length - 1];
  assert.ok(done.event === 'done' && done.cancelled);
  assert.equal(evs.filter((e) => e.event === 'epoch').length, 0);
  assert.equal(batchesAfterAbort, 0);
  // No epoch finished, so nothing was evaluated: no accuracy (null survives JSON; NaN did not).
  assert.equal(done.models[0].finalTestAcc, null);
  assert.equal(done.models[0].finalTestLoss, null);
});

test('a batch whose forward pass throws leaves no tensors behind', async () => {
  const { tf } = await loadBackend('wasm');
  const real = buildNet(tf, MLP, 1);
  const data = loadData('', mediaRoot);
  const train = limitSplit(data.train, 64);
  const before = tf.memory().numTensors;
  const net = {
    ...real,
    forward: (): never => {
      throw new Error('kernel failed');
    },
  };
  await assert.rejects(
    fit(tf, net, train, train, {
      epochs: 1,
      batchSize: 32,
      seed: 1,
      learningRate: 1e-3,
      runId: 'r',
      onBatch: () => undefined,
      onEpoch: () => undefined,
    }),
    /kernel failed/,
  );
  assert.equal(tf.memory().numTensors, before, 'the batch tensors were disposed');
  real.dispose();
});

test('a bad data path and a corrupt IDX file fail with one-line errors, before training', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-fit-'));
  try {
    await assert.rejects(
      run(params({ dataPath: join(dir, 'missing') })),
      (e: Error) =>
        e instanceof DataError && /folder not found/.test(e.message) && !e.message.includes('\n'),
    );
    writeIdx(join(dir, 'train-images-idx3-ubyte'), [2, 28, 28], new Uint8Array(2 * 784));
    writeIdx(join(dir, 'train-labels-idx1-ubyte'), [2], new Uint8Array(2));
    writeIdx(join(dir, 't10k-images-idx3-ubyte'), [1, 28, 28], new Uint8Array(784));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), Buffer.from([0, 0, 8, 3, 0, 0, 0, 1, 0]));
    let events = 0;
    await assert.rejects(
      runTraining(params({ dataPath: dir }), { mediaRoot, onEvent: () => events++ }),
      (e: Error) =>
        e instanceof DataError &&
        /wrong magic number 0x00000803 \(expected 0x00000801\)/.test(e.message),
    );
    assert.equal(events, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
