// Data-parallel training steps (src/training/shards.ts): a step computed as parts and combined equals
// the plain full-batch step; the thread count changes no number; sub-workers end with their run,
// cancelled or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Scalar } from '@tensorflow/tfjs-core';
import type { TrainEpochEvent, TrainEvent, TrainRequestParams } from '../../../src/training/types';
import { loadBackend, type Tf } from '../../../src/training/backend';
import { runTraining } from '../../../src/training/index';
import { buildNet } from '../../../src/training/net';
import { uniformStream } from '../../../src/training/rng';
import {
  adamStep,
  combineShards,
  liveGradWorkers,
  shardable,
  shardSizes,
  ShardedTrainer,
  worthSharding,
} from '../../../src/training/shards';
import { CNN, MLP, type NetSpec } from '../../../src/training/spec';
import { join } from 'node:path';

const mediaRoot = join(__dirname, '..', '..', '..', 'media');
const ADAM = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** A small CNN the plain-JS cpu backend trains quickly; the same layer kinds as the built-in one. */
const SMALL_CNN: NetSpec = {
  name: 'small-cnn',
  input: [1, 28, 28],
  layers: [
    {
      name: 'conv1',
      type: 'Conv2d',
      op: 'conv2d',
      inChannels: 1,
      outChannels: 4,
      kernel: [3, 3],
      stride: [1, 1],
      padding: [0, 0],
      bias: true,
    },
    { name: 'relu1', type: 'ReLU', op: 'activation', fn: 'relu' },
    {
      name: 'pool1',
      type: 'MaxPool2d',
      op: 'maxpool2d',
      kernel: [2, 2],
      stride: [2, 2],
      padding: [0, 0],
    },
    {
      name: 'conv2',
      type: 'Conv2d',
      op: 'conv2d',
      inChannels: 4,
      outChannels: 6,
      kernel: [3, 3],
      stride: [1, 1],
      padding: [0, 0],
      bias: true,
    },
    { name: 'relu2', type: 'ReLU', op: 'activation', fn: 'relu' },
    {
      name: 'pool2',
      type: 'MaxPool2d',
      op: 'maxpool2d',
      kernel: [2, 2],
      stride: [2, 2],
      padding: [0, 0],
    },
    { name: 'flatten', type: 'Flatten', op: 'reshape', to: [150] },
    { name: 'fc', type: 'Linear', op: 'linear', inFeatures: 150, outFeatures: 10, bias: true },
  ],
};

function batch(n: number, seed: number, classes = 10): { x: Float32Array; labels: Int32Array } {
  const r = uniformStream(seed);
  return {
    x: Float32Array.from({ length: n * 784 }, () => r() * 2 - 1),
    labels: Int32Array.from({ length: n }, () => Math.floor(r() * classes)),
  };
}

/** Weights after `steps` Adam steps done the plain way: tfjs's Adam on the full batch's gradient. */
function plainSteps(
  tf: Tf,
  spec: NetSpec,
  data: { x: Float32Array; labels: Int32Array }[],
  classes = 10,
): Float32Array[] {
  const net = buildNet(tf, spec, 3);
  const trainable = net.variables.filter((v) => v.trainable);
  const opt = tf.train.adam(ADAM.lr, ADAM.beta1, ADAM.beta2, ADAM.eps);
  for (const b of data) {
    const n = b.labels.length;
    tf.tidy(() => {
      const x = tf.tensor(b.x, [n, 28, 28, 1]);
      const y = tf.oneHot(tf.tensor1d(b.labels, 'int32'), classes);
      opt.minimize(
        () => tf.losses.softmaxCrossEntropy(y, net.forward(x, true)) as Scalar,
        false,
        trainable,
      );
    });
  }
  const out = trainable.map((v) => v.dataSync() as Float32Array);
  opt.dispose();
  net.dispose();
  return out;
}

async function shardedSteps(
  tf: Tf,
  spec: NetSpec,
  data: { x: Float32Array; labels: Int32Array }[],
  threads: number,
  wasmDir?: string,
  classes = 10,
): Promise<Float32Array[]> {
  const net = buildNet(tf, spec, 3);
  const t = await ShardedTrainer.start(tf, net, {
    threads,
    seed: 3,
    classes,
    adam: ADAM,
    wasmDir,
    maxRows: 64,
  });
  try {
    assert.equal(t.threads, Math.min(2, threads));
    for (const b of data) await t.step(b.x, b.labels);
    if (threads > 1) assert.ok(t.remoteParts > 0, 'the sub-worker computed parts');
  } finally {
    await t.dispose();
  }
  const out = net.variables.filter((v) => v.trainable).map((v) => v.dataSync() as Float32Array);
  net.dispose();
  return out;
}

function maxRelDiff(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    let scale = 0;
    let d = 0;
    for (let j = 0; j < x.length; j++) {
      scale = Math.max(scale, Math.abs(b[i][j]));
      d = Math.max(d, Math.abs(x[j] - b[i][j]));
    }
    worst = Math.max(worst, d / Math.max(scale, 1e-6));
  });
  return worst;
}

test('parts: fixed sizes, no empty part; only stateless nets are split', () => {
  assert.deepEqual(shardSizes(64), [32, 32]);
  assert.deepEqual(shardSizes(33), [17, 16]);
  assert.deepEqual(shardSizes(1), [1]);
  assert.ok(shardable(CNN) && shardable(MLP));
  // Splitting pays only where weights are reused across positions: the CNN is split, the MLP is not.
  assert.ok(worthSharding(CNN) && !worthSharding(MLP));
  assert.ok(
    !shardable({
      ...MLP,
      layers: [...MLP.layers, { name: 'd', type: 'Dropout', op: 'dropout', p: 0.5 }],
    }),
  );
  assert.ok(
    !shardable({
      ...MLP,
      layers: [
        {
          name: 'bn',
          type: 'BatchNorm1d',
          op: 'batchnorm',
          features: 784,
          eps: 1e-5,
          momentum: 0.1,
          affine: true,
        },
        ...MLP.layers,
      ],
    }),
  );
});

test('combining parts weights them by size: the full-batch mean', () => {
  const r = (loss: number, correct: number, g: number[]) => ({
    loss,
    correct,
    grads: [Float32Array.from(g)],
  });
  const c = combineShards([
    { n: 3, r: r(1, 2, [1, 4]) },
    { n: 1, r: r(5, 1, [5, 0]) },
  ]);
  assert.equal(c.loss, 2);
  assert.equal(c.correct, 3);
  assert.deepEqual([...c.grads[0]], [2, 3]);
});

test('adamStep follows tfjs Adam on a few steps', async () => {
  const { tf } = await loadBackend('cpu');
  const w0 = Float32Array.from([0.5, -1, 2, 0]);
  const grads = [
    [0.1, -0.2, 0.3, 0],
    [1, 1, -1, 0.5],
    [-0.3, 0.01, 0, 2],
  ].map((g) => Float32Array.from(g));
  const v = tf.variable(tf.tensor(w0));
  const opt = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
  const w = w0.slice();
  const m = new Float32Array(4);
  const s = new Float32Array(4);
  grads.forEach((g, t) => {
    opt.applyGradients([{ name: v.name, tensor: tf.tensor(g) }]);
    adamStep(w, g, m, s, t + 1, { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
  });
  const ref = v.dataSync();
  for (let j = 0; j < 4; j++)
    assert.ok(Math.abs(w[j] - ref[j]) < 1e-6, `w[${j}] ${w[j]} vs ${ref[j]}`);
  opt.dispose();
  v.dispose();
});

test('cpu: steps computed as parts equal plain full-batch steps (CNN and MLP)', async () => {
  const { tf } = await loadBackend('cpu');
  const data = [batch(64, 1), batch(64, 2), batch(21, 3)];
  for (const spec of [SMALL_CNN, MLP]) {
    const before = tf.memory().numTensors;
    const plain = plainSteps(tf, spec, data);
    const parts = await shardedSteps(tf, spec, data, 1);
    const d = maxRelDiff(parts, plain);
    assert.ok(d < 1e-4, `${spec.name}: max relative weight difference ${d}`);
    assert.equal(tf.memory().numTensors, before, `${spec.name}: no tensor left behind`);
  }
});

test('wasm: two threads give exactly the weights of one, and of the plain step within float tolerance', async () => {
  const loaded = await loadBackend('wasm');
  const { tf } = loaded;
  const data = [batch(64, 4), batch(64, 5), batch(64, 6), batch(9, 7)];
  const before = tf.memory().numTensors;
  const one = await shardedSteps(tf, SMALL_CNN, data, 1);
  const two = await shardedSteps(tf, SMALL_CNN, data, 2, loaded.wasmDir);
  assert.equal(liveGradWorkers(), 0, 'the sub-worker ended with dispose');
  one.forEach((w, i) => assert.deepEqual(two[i], w, `variable ${i}`));
  const plain = plainSteps(tf, SMALL_CNN, data);
  assert.ok(
    maxRelDiff(two, plain) < 1e-4,
    `relative difference to the plain step ${maxRelDiff(two, plain)}`,
  );
  assert.equal(tf.memory().numTensors, before);
});

test('wasm: a three-class net splits as well (targets as wide as the data has classes)', async () => {
  const loaded = await loadBackend('wasm');
  const { tf } = loaded;
  const last = SMALL_CNN.layers[SMALL_CNN.layers.length - 1];
  const three: NetSpec = {
    ...SMALL_CNN,
    name: 'small-cnn-3',
    layers: [...SMALL_CNN.layers.slice(0, -1), { ...last, outFeatures: 3 } as typeof last],
  };
  const data = [batch(64, 8, 3), batch(64, 9, 3), batch(9, 10, 3)];
  const two = await shardedSteps(tf, three, data, 2, loaded.wasmDir, 3);
  assert.equal(liveGradWorkers(), 0);
  const plain = plainSteps(tf, three, data, 3);
  assert.ok(
    maxRelDiff(two, plain) < 1e-4,
    `relative difference to the plain step ${maxRelDiff(two, plain)}`,
  );
});

function params(over: Partial<TrainRequestParams>): TrainRequestParams {
  return {
    models: [{ kind: 'builtin', name: 'cnn' }],
    epochs: 2,
    batchSize: 64,
    limit: 256,
    testLimit: 100,
    dataPath: '',
    seed: 11,
    backend: 'wasm',
    ...over,
  };
}

test('a CNN run repeats its curve exactly with 1 or 2 threads', async () => {
  const curve = async (
    threads: number,
  ): Promise<{ ep: unknown[]; threads: number | undefined }> => {
    const ep: unknown[] = [];
    const done = await runTraining(params({ threads }), {
      mediaRoot,
      onEvent: (e: TrainEvent) => {
        if (e.event === 'epoch') ep.push([e.trainLoss, e.trainAcc, e.testLoss, e.testAcc]);
      },
    });
    return { ep, threads: done.models[0].threads };
  };
  const a = await curve(1);
  const b = await curve(2);
  assert.equal(a.threads, 1);
  assert.equal(b.threads, 2);
  assert.deepEqual(b.ep, a.ep);
  assert.equal(liveGradWorkers(), 0);
});

test('cancelling a two-thread run ends its sub-worker within a second', async () => {
  const ac = new AbortController();
  let abortedAt = 0;
  const evs: TrainEvent[] = [];
  await runTraining(params({ epochs: 5, limit: 0, threads: 2 }), {
    mediaRoot,
    signal: ac.signal,
    onEvent: (e) => {
      evs.push(e);
      if (e.event === 'batch' && e.batch >= 3 && !ac.signal.aborted) {
        assert.equal(liveGradWorkers(), 1, 'a sub-worker runs during training');
        abortedAt = performance.now();
        ac.abort();
      }
    },
  });
  const took = performance.now() - abortedAt;
  const done = evs[evs.length - 1];
  assert.ok(done.event === 'done' && done.cancelled);
  assert.equal(evs.filter((e): e is TrainEpochEvent => e.event === 'epoch').length, 0);
  assert.ok(took < 1000, `the run ended ${took.toFixed(0)} ms after the abort`);
  assert.equal(liveGradWorkers(), 0, 'no sub-worker outlives the run');
});
