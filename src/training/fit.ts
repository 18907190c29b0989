// The training loop: Adam, cross-entropy, seeded shuffles, batches built on the fly from the Uint8
// pixels (the full 60,000-image set never exists as floats), per-batch loss streamed at most 20 times a
// second, per-epoch train/test metrics, cancellation between batches, and every tensor disposed.
import type { Optimizer, Scalar, Tensor } from '@tensorflow/tfjs-core';
import type { TrainBatchEvent, TrainEpochEvent, TrainEvalEvent, TrainModelSummary } from './types';
import type { Tf } from './backend';
import { channelsOf, type ImageSplit } from './data/types';
import { EvalTally, type EvalSummary } from './eval';
import type { Net } from './net';
import { uniformStream, permutation, subSeed } from './rng';
import { batchLoss, ShardedTrainer, shardable, worthSharding } from './shards';

export const MNIST_MEAN = 0.1307;
export const MNIST_STD = 0.3081;
/** At most this many batch events per second reach the panel. */
const BATCH_EVENTS_PER_SEC = 20;
const EVAL_CHUNK = 500;

/** What the loop needs to know about the data beyond its bytes. */
export interface DataInfo {
  classes: string[];
  /** Per-channel mean and std of x/255 (torchvision's Normalize). */
  mean: number[];
  std: number[];
}

export const MNIST_INFO: DataInfo = {
  classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  mean: [MNIST_MEAN],
  std: [MNIST_STD],
};

/** Per channel, (x/255 − mean)/std for every byte value: one table lookup per pixel. */
type Norm = Float32Array[];

function normTables(info: DataInfo): Norm {
  return info.mean.map((m, c) =>
    Float32Array.from({ length: 256 }, (_, i) => (i / 255 - m) / info.std[c]),
  );
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  learningRate: number;
  runId: string;
  signal?: AbortSignal;
  onBatch(e: TrainBatchEvent): void;
  onEpoch(e: TrainEpochEvent): void;
  /** The test set's confusion matrix and mistakes after each epoch. */
  onEval?(e: TrainEvalEvent): void;
  /** Classes and normalisation; absent: MNIST's. */
  data?: DataInfo;
  /** Clock in milliseconds; tests may replace it. */
  now?: () => number;
  /**
   * Compute each step as shards.ts's fixed parts, on up to `threads` threads (wasm only: sub-workers
   * load the wasm backend). Ignored for nets with batch norm or dropout, and for nets without a
   * convolution (shards.ts worthSharding). Absent: one plain step.
   */
  parallel?: { threads: number; wasmDir?: string };
  log?(msg: string): void;
}

export interface FitResult extends TrainModelSummary {
  cancelled: boolean;
}

/** A split restricted to its first `limit` items (0 = all). */
export function limitSplit<S extends ImageSplit>(s: S, limit: number): S {
  if (!limit || limit >= s.count) return s;
  const px = s.rows * s.cols * channelsOf(s);
  return {
    ...s,
    count: limit,
    images: s.images.subarray(0, limit * px),
    labels: s.labels.subarray(0, limit),
  };
}

/** The net's input shape for n rows: NHWC [n, 28, 28, 1] for image nets, [n, 784] or [n, 28, 28] otherwise. */
function inputShape(net: Net, n: number): number[] {
  const inShape = net.spec.input;
  return inShape.length === 3 ? [n, inShape[1], inShape[2], inShape[0]] : [n, ...inShape];
}

/**
 * Normalised pixels and labels of rows idx[start..end) (or start..end without idx), as host arrays.
 * hwc: write each image channels-last (what an image net takes); else in the stored CHW order, which is
 * what a net that starts by flattening sees in PyTorch.
 */
function fillBatch(
  split: ImageSplit,
  norm: Norm,
  hwc: boolean,
  idx: ArrayLike<number> | null,
  start: number,
  end: number,
): { buf: Float32Array; lab: Int32Array } {
  const n = end - start;
  const ch = channelsOf(split);
  const hw = split.rows * split.cols;
  const px = hw * ch;
  const buf = new Float32Array(n * px);
  const lab = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const k = idx ? idx[start + i] : start + i;
    const off = k * px;
    const o = i * px;
    if (ch === 1 || !hwc) {
      for (let c = 0; c < ch; c++) {
        const t = norm[c];
        for (let j = c * hw; j < (c + 1) * hw; j++) buf[o + j] = t[split.images[off + j]];
      }
    } else {
      for (let c = 0; c < ch; c++) {
        const t = norm[c];
        const src = off + c * hw;
        for (let j = 0; j < hw; j++) buf[o + j * ch + c] = t[split.images[src + j]];
      }
    }
    lab[i] = split.labels[k];
  }
  return { buf, lab };
}

interface Batcher {
  fill(
    split: ImageSplit,
    idx: ArrayLike<number> | null,
    start: number,
    end: number,
  ): { buf: Float32Array; lab: Int32Array };
  make(
    split: ImageSplit,
    idx: ArrayLike<number> | null,
    start: number,
    end: number,
  ): { x: Tensor; y: Tensor; labels: Tensor };
  classes: number;
}

function batcher(tf: Tf, net: Net, info: DataInfo): Batcher {
  const norm = normTables(info);
  const hwc = net.spec.input.length === 3;
  const classes = info.classes.length;
  const fill = (split: ImageSplit, idx: ArrayLike<number> | null, start: number, end: number) => {
    if (channelsOf(split) !== norm.length)
      throw new Error(
        `internal: ${channelsOf(split)}-channel images with ${norm.length} normalisation channels`,
      );
    return fillBatch(split, norm, hwc, idx, start, end);
  };
  return {
    fill,
    classes,
    make(split, idx, start, end) {
      const { buf, lab } = fill(split, idx, start, end);
      const x = tf.tensor(buf, inputShape(net, end - start));
      const labels = tf.tensor1d(lab, 'int32');
      const y = tf.oneHot(labels, classes);
      return { x, y, labels };
    },
  };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Mean loss and accuracy over a split, in chunks, without gradients, with the confusion matrix and the
 * most confident mistakes (the probabilities come back to the host one chunk at a time).
 */
export async function evaluate(
  tf: Tf,
  net: Net,
  split: ImageSplit,
  signal?: AbortSignal,
  data: DataInfo = MNIST_INFO,
): Promise<({ loss: number; acc: number } & EvalSummary) | null> {
  const b = batcher(tf, net, data);
  const tally = new EvalTally(b.classes);
  let lossSum = 0;
  for (let start = 0; start < split.count; start += EVAL_CHUNK) {
    if (signal?.aborted) return null;
    const end = Math.min(split.count, start + EVAL_CHUNK);
    const [l, probs] = tf.tidy(() => {
      const batch = b.make(split, null, start, end);
      const logits = net.forward(batch.x, false);
      const logp = tf.logSoftmax(logits);
      const loss = tf.neg(tf.sum(tf.mul(batch.y, logp)));
      return [loss.dataSync()[0], tf.exp(logp).dataSync()] as const;
    });
    lossSum += l;
    tally.add(probs, split.labels.subarray(start, end), start);
    await tick();
  }
  const summary = tally.result();
  return { loss: lossSum / split.count, acc: summary.correct / split.count, ...summary };
}

export async function fit(
  tf: Tf,
  net: Net,
  train: ImageSplit,
  test: ImageSplit,
  o: FitOptions,
): Promise<FitResult> {
  const data = o.data ?? MNIST_INFO;
  const bat = batcher(tf, net, data);
  const now = o.now ?? (() => performance.now());
  const adam = { lr: o.learningRate, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
  const optimizer: Optimizer = tf.train.adam(adam.lr, adam.beta1, adam.beta2, adam.eps);
  const trainable = net.variables.filter((v) => v.trainable);
  // The shuffle stream depends on the seed only, so "compare" trains both nets on the same order.
  const shuffleRand = uniformStream(subSeed(o.seed, 'shuffle'));
  const batches = Math.ceil(train.count / o.batchSize);
  let trainSeconds = 0;
  let samplesSeen = 0;
  let last: TrainEpochEvent | null = null;
  let cancelled = false;
  const t0 = now();
  let sharded: ShardedTrainer | null = null;
  let threads = 1;
  try {
    if (o.parallel && shardable(net.spec) && worthSharding(net.spec)) {
      sharded = await ShardedTrainer.start(tf, net, {
        threads: o.parallel.threads,
        seed: o.seed,
        classes: bat.classes,
        adam,
        wasmDir: o.parallel.wasmDir,
        maxRows: o.batchSize,
        log: o.log,
      });
      threads = sharded.threads;
    }
    epochs: for (let epoch = 1; epoch <= o.epochs; epoch++) {
      const order = permutation(train.count, shuffleRand);
      const e0 = now();
      let lossSum = 0;
      let correct = 0;
      let lastEmit = -Infinity;
      for (let b = 0; b < batches; b++) {
        if (o.signal?.aborted) {
          cancelled = true;
          break epochs;
        }
        const bt = now();
        const start = b * o.batchSize;
        const end = Math.min(train.count, start + o.batchSize);
        let loss: number;
        if (sharded) {
          const { buf, lab } = bat.fill(train, order, start, end);
          const r = await sharded.step(buf, lab);
          loss = r.loss;
          correct += r.correct;
        } else {
          const batch = bat.make(train, order, start, end);
          let ok: Tensor | null = null;
          let lossT: Scalar | null = null;
          try {
            lossT = optimizer.minimize(
              () => batchLoss(tf, net, batch.x, batch.y, batch.labels, (t) => (ok = t)),
              true,
              trainable,
            ) as Scalar;
            loss = lossT.dataSync()[0];
            correct += (ok as Tensor | null)?.dataSync()[0] ?? 0;
          } finally {
            // Also when a kernel throws: the worker lives on, and so would leaked batch tensors.
            tf.dispose([
              batch.x,
              batch.y,
              batch.labels,
              ...(lossT ? [lossT] : []),
              ...(ok ? [ok] : []),
            ]);
          }
        }
        const n = end - start;
        lossSum += loss * n;
        samplesSeen += n;
        const t = now();
        trainSeconds += (t - bt) / 1000;
        if (t - lastEmit >= 1000 / BATCH_EVENTS_PER_SEC || b === batches - 1) {
          lastEmit = t;
          o.onBatch({
            event: 'batch',
            runId: o.runId,
            model: net.name,
            epoch,
            batch: b + 1,
            batches,
            samplesSeen,
            loss,
          });
        }
        // Let the abort signal (a message or SIGINT) arrive between batches.
        await tick();
      }
      const trainTime = (now() - e0) / 1000;
      const ev = await evaluate(tf, net, test, o.signal, data);
      if (!ev) {
        cancelled = true;
        break;
      }
      last = {
        event: 'epoch',
        runId: o.runId,
        model: net.name,
        epoch,
        trainLoss: lossSum / train.count,
        trainAcc: correct / train.count,
        testLoss: ev.loss,
        testAcc: ev.acc,
        seconds: (now() - e0) / 1000,
        samplesPerSec: train.count / Math.max(trainTime, 1e-9),
      };
      o.onEpoch(last);
      o.onEval?.({
        event: 'eval',
        runId: o.runId,
        model: net.name,
        epoch,
        classes: data.classes,
        confusion: ev.confusion,
        perClass: ev.perClass,
        mistakes: ev.mistakes,
      });
    }
  } finally {
    optimizer.dispose();
    // Ends the sub-workers, also on cancel and on error: no thread outlives its run.
    await sharded?.dispose();
  }
  return {
    model: net.name,
    params: net.params,
    finalTestAcc: last?.testAcc ?? null,
    finalTestLoss: last?.testLoss ?? null,
    seconds: (now() - t0) / 1000,
    samplesPerSec: trainSeconds > 0 ? samplesSeen / trainSeconds : 0,
    threads,
    cancelled,
  };
}
