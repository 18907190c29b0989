// Data parallelism for training steps. A batch is always split into SHARDS fixed parts (the first
// ⌈n/2⌉ samples, then the rest); each part's mean-loss gradient is computed on its own, and the parts
// are combined as Σ n_k·g_k / n — the full batch's mean-loss gradient — in a fixed order, in double
// precision, before Adam applies it once. Which thread computes a part changes nothing: a sub-worker
// runs the same wasm binary on the same inputs, so a run gives the same curve with 1 thread or 2.
// With more than one thread, parts 1.. run in sub-workers (each with its own tfjs wasm instance) while
// the training worker computes part 0; weights, inputs and gradients travel through SharedArrayBuffers,
// and Atomics signal the steps.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { Tf } from './backend';
import type { Net } from './net';
import type { NetSpec } from './spec';

/** Parts per batch. Fixed (not the core count) so the curve does not depend on the machine. */
export const SHARDS = 2;

/** Layers whose forward pass works sample by sample from input and weights alone. Batch norm
 * (statistics over the batch, running averages) and dropout (a random stream) would change meaning
 * when split; a layer kind not listed here is treated the same way, so a new one is safe by default. */
const STATELESS = new Set([
  'linear',
  'conv2d',
  'conv1d',
  'convtranspose2d',
  'convtranspose1d',
  'maxpool2d',
  'maxpool1d',
  'avgpool2d',
  'avgpool1d',
  'activation',
  'softmax',
  'log_softmax',
  'reshape',
  'layernorm',
  'groupnorm',
  'embedding',
  'resample',
  'identity',
]);

export function shardable(spec: NetSpec): boolean {
  return spec.layers.every((l) => STATELESS.has(l.op));
}

/**
 * Whether splitting pays. A split step moves every weight and gradient through shared memory and runs
 * Adam in JS, costs that grow with the parameter count; a dense net's compute grows with it too, so
 * its halves never win (measured: the MLP trained at about half the single-thread rate). A convolution
 * reuses each weight at every output position, so conv nets have compute to spare for the exchange.
 * Decided from the net alone, never the machine, so a net's curve does not depend on where it runs.
 */
export function worthSharding(spec: NetSpec): boolean {
  return spec.layers.some(
    (l) =>
      l.op === 'conv2d' ||
      l.op === 'conv1d' ||
      l.op === 'convtranspose2d' ||
      l.op === 'convtranspose1d',
  );
}

/** Sizes of the parts of an n-sample batch (no empty part). */
export function shardSizes(n: number, shards = SHARDS): number[] {
  const sizes: number[] = [];
  let left = n;
  for (let k = shards; k > 0 && left > 0; k--) {
    const s = Math.ceil(left / k);
    sizes.push(s);
    left -= s;
  }
  return sizes;
}

export interface ShardResult {
  /** Mean cross-entropy over the part. */
  loss: number;
  /** Correct predictions (argmax = label) in the part. */
  correct: number;
  /** Mean-loss gradient of each trainable variable, in the net's variable order. */
  grads: Float32Array[];
}

/**
 * The training objective, one definition for the plain and the split step: mean cross-entropy of a
 * forward pass in training mode; `keepCorrect` receives the (kept) count of right answers.
 */
export function batchLoss(
  tf: Tf,
  net: Net,
  x: Tensor,
  y: Tensor,
  labels: Tensor,
  keepCorrect: (ok: Tensor) => void,
): Scalar {
  const logits = net.forward(x, true);
  keepCorrect(tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32'))));
  return tf.losses.softmaxCrossEntropy(y, logits) as Scalar;
}

/** Gradient of one part on this thread. x: the part's input tensor; labels: int32 [n] in
 * [0, classes), classes being the data's class count (the net's output width). */
export function shardGradients(
  tf: Tf,
  net: Net,
  trainable: Variable[],
  x: Tensor,
  labels: Tensor,
  classes: number,
): ShardResult {
  let ok: Tensor | null = null;
  const y = tf.oneHot(labels, classes);
  const keep: Tensor[] = [y];
  try {
    const { value, grads } = tf.variableGrads(
      () => batchLoss(tf, net, x, y, labels, (t) => (ok = t)),
      trainable,
    );
    keep.push(value, ...Object.values(grads));
    return {
      loss: value.dataSync()[0],
      correct: (ok as Tensor | null)?.dataSync()[0] ?? 0,
      grads: trainable.map((v) => grads[v.name].dataSync() as Float32Array),
    };
  } finally {
    // Also when the forward pass throws: the worker lives on, and so would leaked tensors.
    tf.dispose([...keep, ...(ok ? [ok] : [])]);
  }
}

/** Σ n_k·r_k / Σ n_k, element by element in double precision, parts in order. */
export function combineShards(parts: { n: number; r: ShardResult }[]): ShardResult {
  const n = parts.reduce((s, p) => s + p.n, 0);
  let loss = 0;
  let correct = 0;
  for (const p of parts) {
    loss += p.n * p.r.loss;
    correct += p.r.correct;
  }
  const grads = parts[0].r.grads.map((g0, i) => {
    const out = new Float32Array(g0.length);
    for (let j = 0; j < out.length; j++) {
      let acc = 0;
      for (const p of parts) acc += p.n * p.r.grads[i][j];
      out[j] = acc / n;
    }
    return out;
  });
  return { loss: loss / n, correct, grads };
}

/** Adam's hyper-parameters: PyTorch's defaults, as fit.ts uses for tfjs's own Adam. */
export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/**
 * One Adam step in place, the formula of tfjs's AdamOptimizer and torch.optim.Adam (ε outside the
 * root): m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε).
 * Here rather than through tfjs because the gradients are already host arrays after combining, and
 * the weights must end up in shared memory for the sub-workers anyway: about 1 ms for the CNN
 * instead of ~9 ms of tfjs kernels plus copies.
 */
export function adamStep(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  t: number,
  c: AdamConfig,
): void {
  const b1 = c.beta1;
  const b2 = c.beta2;
  const c1 = 1 - b1 ** t;
  const c2 = 1 - b2 ** t;
  for (let j = 0; j < w.length; j++) {
    const gj = g[j];
    const mj = (m[j] = b1 * m[j] + (1 - b1) * gj);
    const vj = (v[j] = b2 * v[j] + (1 - b2) * gj * gj);
    w[j] = w[j] - (c.lr * (mj / c1)) / (Math.sqrt(vj / c2) + c.eps);
  }
}

// ---- the shared-memory protocol between the training worker and a gradient sub-worker ----

/** Int32 control cells. */
export const CMD = 0; // step number the parent asks for (0 = none yet)
export const DONE = 1; // step number the child finished
export const STATUS = 2; // 0 ok, 1 the step failed (message in `error`), 2 stop
export const COUNT = 3; // samples in this step's part
/** The last step someone took on: the child or the parent (when the child has not started by the time
 * the parent is free) moves it from s−1 to s with compareExchange, so exactly one of them computes s. */
export const CLAIM = 4;
export const CTRL_CELLS = 5;
export const ERROR_BYTES = 1024;

export interface GradWorkerData {
  spec: NetSpec;
  seed: number;
  /** The data's class count: the width of the one-hot targets. */
  classes: number;
  wasmDir?: string;
  /** The part's input shape without the batch axis, as the net takes it (NHWC for images). */
  rowShape: number[];
  maxRows: number;
  ctrl: SharedArrayBuffer;
  /** All trainable weights, concatenated in variable order; written by the parent before each step. */
  weights: SharedArrayBuffer;
  input: SharedArrayBuffer;
  labels: SharedArrayBuffer;
  /** The part's gradients (same layout as weights). */
  grads: SharedArrayBuffer;
  /** [loss, correct] as float64. */
  stats: SharedArrayBuffer;
  error: SharedArrayBuffer;
}

type WaitResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
/** Atomics.waitAsync (Node ≥ 16) is not in TypeScript's ES2022 lib. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync?: (a: Int32Array, i: number, v: number, t?: number) => WaitResult;
  }
).waitAsync;

/** Resolves once ctrl[i] = target, without blocking the event loop (messages and aborts still arrive). */
async function waitUntil(
  ctrl: Int32Array,
  i: number,
  target: number,
  dead: Promise<never>,
): Promise<void> {
  for (let v = Atomics.load(ctrl, i); v !== target; v = Atomics.load(ctrl, i)) {
    if (waitAsync) {
      const r = waitAsync(ctrl, i, v, 1000);
      if (r.async) await Promise.race([r.value, dead]);
    } else {
      await Promise.race([new Promise((res) => setTimeout(res, 0)), dead]);
    }
  }
}

/** Workers alive right now, across all pools: tests check that cancelling a run leaves none. */
const live = new Set<Worker>();
export function liveGradWorkers(): number {
  return live.size;
}

function spawn(data: GradWorkerData): Worker {
  // Bundled: dist/gradWorker.js sits next to this code (esbuild.mjs builds it).
  const js = join(__dirname, 'gradWorker.js');
  if (existsSync(js)) return new Worker(js, { workerData: data });
  // From sources (tests, the bench, tsx): the TypeScript entry through tsx's require hook, since a
  // worker does not inherit the parent's --import loader for its entry file.
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  const ts = join(__dirname, 'gradWorker.ts');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});`, {
    eval: true,
    workerData: data,
  });
}

class Child {
  readonly ctrl: Int32Array;
  readonly input: Float32Array;
  readonly labels: Int32Array;
  readonly grads: Float32Array;
  readonly stats: Float64Array;
  readonly error: Uint8Array;
  /** Rejects when the thread dies; every wait races against it. */
  readonly dead: Promise<never>;
  private step = 0;

  constructor(
    readonly worker: Worker,
    data: GradWorkerData,
  ) {
    this.ctrl = new Int32Array(data.ctrl);
    this.input = new Float32Array(data.input);
    this.labels = new Int32Array(data.labels);
    this.grads = new Float32Array(data.grads);
    this.stats = new Float64Array(data.stats);
    this.error = new Uint8Array(data.error);
    this.dead = new Promise<never>((_, reject) => {
      worker.once('error', (e) => reject(e));
      worker.once('exit', (code) => reject(new Error(`gradient worker exited (code ${code})`)));
    });
    // Nobody may be waiting when it dies (e.g. while the parent disposes it).
    this.dead.catch(() => undefined);
  }

  start(x: Float32Array, labels: Int32Array): void {
    this.input.set(x);
    this.labels.set(labels);
    Atomics.store(this.ctrl, COUNT, labels.length);
    Atomics.store(this.ctrl, STATUS, 0);
    Atomics.store(this.ctrl, CMD, ++this.step);
    Atomics.notify(this.ctrl, CMD);
  }

  /** Takes the step back if the child has not started it; true if it is now the caller's to compute. */
  steal(): boolean {
    return Atomics.compareExchange(this.ctrl, CLAIM, this.step - 1, this.step) === this.step - 1;
  }

  async result(sizes: number[]): Promise<ShardResult> {
    await waitUntil(this.ctrl, DONE, this.step, this.dead);
    if (Atomics.load(this.ctrl, STATUS) === 1) {
      const len = this.error.indexOf(0);
      throw new Error(
        `gradient worker: ${Buffer.from(this.error.subarray(0, len < 0 ? this.error.length : len)).toString('utf8')}`,
      );
    }
    let off = 0;
    // Copies: the next step overwrites the shared buffer.
    const grads = sizes.map((s) => this.grads.slice(off, (off += s)));
    return { loss: this.stats[0], correct: this.stats[1], grads };
  }
}

/**
 * Runs training steps as SHARDS parts on up to `threads` threads, with Adam applied here (adamStep).
 * Create with `start`, call `step` once per batch, and always `dispose` (it ends the sub-workers).
 */
export class ShardedTrainer {
  private t = 0;
  /** Parts a sub-worker computed (the rest ran here): tests check the threads really share work. */
  remoteParts = 0;
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  /** Each trainable variable's weights: views into one (shared, when there are sub-workers) buffer. */
  private readonly w: Float32Array[];

  private constructor(
    private readonly tf: Tf,
    private readonly net: Net,
    private readonly trainable: Variable[],
    private readonly children: Child[],
    weights: Float32Array,
    private readonly rowShape: number[],
    private readonly adam: AdamConfig,
    private readonly classes: number,
  ) {
    let off = 0;
    this.w = trainable.map((v) => {
      const view = weights.subarray(off, (off += v.size));
      view.set(v.dataSync() as Float32Array);
      return view;
    });
    this.m = trainable.map((v) => new Float32Array(v.size));
    this.v = trainable.map((v) => new Float32Array(v.size));
  }

  /** Threads actually used (the training worker included). */
  get threads(): number {
    return 1 + this.children.length;
  }

  /**
   * threads − 1 sub-workers are started (at most SHARDS − 1). If one cannot start, the parts it would
   * have computed run here instead — same numbers, only slower — and `log` says why.
   */
  static async start(
    tf: Tf,
    net: Net,
    o: {
      threads: number;
      seed: number;
      /** The data's class count. */
      classes: number;
      adam: AdamConfig;
      wasmDir?: string;
      maxRows: number;
      log?: (m: string) => void;
    },
  ): Promise<ShardedTrainer> {
    const trainable = net.variables.filter((v) => v.trainable);
    const inShape = net.spec.input;
    const rowShape = inShape.length === 3 ? [inShape[1], inShape[2], inShape[0]] : [...inShape];
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    const maxRows = Math.max(...shardSizes(o.maxRows).slice(1), 1);
    const total = trainable.reduce((s, v) => s + v.size, 0);
    const want = Math.max(0, Math.min(SHARDS, Math.floor(o.threads)) - 1);
    // One thread: the same trainer with no children.
    const alone = (): ShardedTrainer =>
      new ShardedTrainer(
        tf,
        net,
        trainable,
        [],
        new Float32Array(total),
        rowShape,
        o.adam,
        o.classes,
      );
    if (want === 0) return alone();
    const weightsBuf = new SharedArrayBuffer(4 * total);
    const made: Child[] = [];
    try {
      for (let k = 0; k < want; k++) {
        const data: GradWorkerData = {
          spec: net.spec,
          seed: o.seed,
          classes: o.classes,
          wasmDir: o.wasmDir,
          rowShape,
          maxRows,
          ctrl: new SharedArrayBuffer(4 * CTRL_CELLS),
          weights: weightsBuf,
          input: new SharedArrayBuffer(4 * rowSize * maxRows),
          labels: new SharedArrayBuffer(4 * maxRows),
          grads: new SharedArrayBuffer(4 * total),
          stats: new SharedArrayBuffer(16),
          error: new SharedArrayBuffer(ERROR_BYTES),
        };
        const w = spawn(data);
        live.add(w);
        w.once('exit', () => live.delete(w));
        const child = new Child(w, data);
        made.push(child);
        // The child says 'ready' once its backend and net exist.
        await Promise.race([
          new Promise<void>((res) => w.once('message', () => res())),
          child.dead,
        ]);
      }
    } catch (e) {
      o.log?.(
        `training threads: 1 instead of ${1 + want} (a gradient worker failed to start: ${e instanceof Error ? e.message : String(e)})`,
      );
      await Promise.all(made.map((c) => c.worker.terminate()));
      return alone();
    }
    return new ShardedTrainer(
      tf,
      net,
      trainable,
      made,
      new Float32Array(weightsBuf),
      rowShape,
      o.adam,
      o.classes,
    );
  }

  /** One Adam step on a batch of n rows (x: n × row floats, labels: n ints). */
  async step(x: Float32Array, labels: Int32Array): Promise<{ loss: number; correct: number }> {
    const { tf } = this;
    const sizes = shardSizes(labels.length);
    const rowSize = x.length / labels.length;
    const starts = sizes.map((_, k) => sizes.slice(0, k).reduce((a, b) => a + b, 0));
    const paramSizes = this.trainable.map((v) => v.size);
    // Parts 1.. go to sub-workers while they last (they read the weights from shared memory); the
    // rest run here after part 0.
    const remote = sizes.map((_, k) =>
      k >= 1 && k - 1 < this.children.length ? this.children[k - 1] : null,
    );
    sizes.forEach((n, k) =>
      remote[k]?.start(
        x.subarray(starts[k] * rowSize, (starts[k] + n) * rowSize),
        labels.subarray(starts[k], starts[k] + n),
      ),
    );
    const local = (k: number): ShardResult => {
      const n = sizes[k];
      const xt = tf.tensor(x.subarray(starts[k] * rowSize, (starts[k] + n) * rowSize), [
        n,
        ...this.rowShape,
      ]);
      const lt = tf.tensor1d(labels.subarray(starts[k], starts[k] + n), 'int32');
      try {
        return shardGradients(tf, this.net, this.trainable, xt, lt, this.classes);
      } finally {
        tf.dispose([xt, lt]);
      }
    };
    const results: (ShardResult | null)[] = sizes.map((_, k) => (remote[k] ? null : local(k)));
    // On a busy machine a sub-worker may not have been scheduled yet: then its part is computed here
    // (the same numbers either way) instead of waiting for it.
    const pending = sizes.map((_, k) => {
      const c = remote[k];
      if (!c) return results[k] as ShardResult;
      if (c.steal()) return local(k);
      this.remoteParts++;
      return c.result(paramSizes);
    });
    const parts = await Promise.all(pending.map(async (r, k) => ({ n: sizes[k], r: await r })));
    const c = parts.length === 1 ? parts[0].r : combineShards(parts);
    this.t++;
    this.trainable.forEach((v, i) => {
      adamStep(this.w[i], c.grads[i], this.m[i], this.v[i], this.t, this.adam);
      // tfjs copies the values into its own memory; the shared buffer stays ours.
      tf.tidy(() => v.assign(tf.tensor(this.w[i], v.shape)));
    });
    return { loss: c.loss, correct: c.correct };
  }

  /** Ends every sub-worker; resolves once their threads are gone. */
  async dispose(): Promise<void> {
    const cs = this.children.splice(0);
    await Promise.all(
      cs.map(async (c) => {
        Atomics.store(c.ctrl, STATUS, 2);
        Atomics.add(c.ctrl, CMD, 1);
        Atomics.notify(c.ctrl, CMD);
        await c.worker.terminate();
      }),
    );
  }
}
