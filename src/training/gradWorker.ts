// A gradient sub-worker (see shards.ts): its own tfjs wasm instance and a copy of the net. Per step it
// takes the weights and its part of the batch from shared memory, computes the part's mean-loss
// gradient and writes it back. It blocks in Atomics.wait between steps and does nothing else; the
// parent ends it with worker.terminate().
import { parentPort, workerData } from 'node:worker_threads';
import { loadBackend } from './backend';
import { buildNet } from './net';
import {
  CLAIM,
  CMD,
  COUNT,
  DONE,
  ERROR_BYTES,
  shardGradients,
  STATUS,
  type GradWorkerData,
} from './shards';

async function main(): Promise<void> {
  const d = workerData as GradWorkerData;
  const { tf } = await loadBackend('wasm', { wasmDir: d.wasmDir });
  const net = buildNet(tf, d.spec, d.seed);
  const trainable = net.variables.filter((v) => v.trainable);
  const ctrl = new Int32Array(d.ctrl);
  const weights = new Float32Array(d.weights);
  const input = new Float32Array(d.input);
  const labels = new Int32Array(d.labels);
  const grads = new Float32Array(d.grads);
  const stats = new Float64Array(d.stats);
  const error = new Uint8Array(d.error);
  const rowSize = d.rowShape.reduce((a, b) => a * b, 1);
  parentPort?.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, CMD, seen);
    seen = Atomics.load(ctrl, CMD);
    if (Atomics.load(ctrl, STATUS) === 2) break;
    // The parent took this step over (it was free before we woke): nothing to do, and nobody waits.
    if (Atomics.compareExchange(ctrl, CLAIM, seen - 1, seen) !== seen - 1) continue;
    try {
      // The parent's current weights (Adam ran there); tfjs copies them into this instance's heap.
      let off = 0;
      for (const v of trainable) {
        tf.tidy(() => v.assign(tf.tensor(weights.subarray(off, off + v.size), v.shape)));
        off += v.size;
      }
      const n = Atomics.load(ctrl, COUNT);
      const x = tf.tensor(input.subarray(0, n * rowSize), [n, ...d.rowShape]);
      const lab = tf.tensor1d(labels.subarray(0, n), 'int32');
      try {
        const r = shardGradients(tf, net, trainable, x, lab, d.classes);
        off = 0;
        for (const g of r.grads) {
          grads.set(g, off);
          off += g.length;
        }
        stats[0] = r.loss;
        stats[1] = r.correct;
      } finally {
        tf.dispose([x, lab]);
      }
    } catch (e) {
      const msg = Buffer.from((e instanceof Error ? e.message : String(e)).slice(0, 300), 'utf8');
      error.fill(0);
      error.set(msg.subarray(0, ERROR_BYTES - 1));
      Atomics.store(ctrl, STATUS, 1);
    }
    Atomics.store(ctrl, DONE, seen);
    Atomics.notify(ctrl, DONE);
  }
  net.dispose();
}

void main().catch((e: unknown) => {
  // Startup failed (no wasm here, …): the parent sees the thread exit and computes the part itself.
  process.stderr.write(`gradient worker: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
