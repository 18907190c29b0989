// Graph models on the wasm backend against PyTorch 1.13 on the same data, batch and epochs, in the
// same run: a ResNet with BasicBlocks (residual adds) and the LSTM over MNIST rows of PyTorch's
// examples (test/fixtures/training/models/). Training samples/s and the test accuracy after the same
// epochs over several seeds (each side draws its own initial weights, from the same distributions, and
// its own batch order); the target for accuracy is the mean within 1 point of PyTorch's.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type { TrainDoneEvent, TrainRequestParams } from '../src/training/types';
import { runTraining } from '../src/training/index';
import { runPytorchTraining } from '../src/training/pytorch/index';
import type { BenchSection } from './run';

const ROOT = join(__dirname, '..');
const MODELS = join(ROOT, 'test', 'fixtures', 'training', 'models');
const PYTHON = process.env.TENSOR_LENS_BENCH_PYTHON ?? '/usr/bin/python3';
const EPOCHS = Number(process.env.TL_BENCH_GRAPH_EPOCHS ?? 2);
const LIMIT = Number(process.env.TL_BENCH_GRAPH_LIMIT ?? 4000);
const BATCH = 64;
const SEEDS = (process.env.TL_BENCH_GRAPH_SEEDS ?? '42,43,44').split(',').map(Number);

function params(file: string, seed: number): TrainRequestParams {
  const path = join(MODELS, file);
  return {
    models: [{ kind: 'source', file: path, source: readFileSync(path, 'utf8') }],
    epochs: EPOCHS,
    batchSize: BATCH,
    limit: LIMIT,
    testLimit: 2000,
    dataPath: '',
    seed,
    backend: 'wasm',
  };
}

export async function run(): Promise<BenchSection> {
  const title = 'Graph models: wasm vs PyTorch 1.13 (ResNet with residual adds, LSTM over rows)';
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.status !== 0)
    return {
      title,
      markdown: `Skipped: ${PYTHON} cannot import torch (install python3-torch or set TENSOR_LENS_BENCH_PYTHON).`,
    };
  const load0 = loadavg()[0];
  const rows: string[] = [];
  const seedRows: string[] = [];
  let met = true;
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
  for (const file of ['resnet_mnist.py', 'mnist_rnn.py']) {
    const ours: { acc: number; sps: number }[] = [];
    const theirs: { acc: number; sps: number }[] = [];
    for (const seed of SEEDS) {
      const p = params(file, seed);
      const o: TrainDoneEvent = await runTraining(p, {
        mediaRoot: join(ROOT, 'media'),
        onEvent: () => undefined,
      });
      const t = await runPytorchTraining(
        p,
        { python: PYTHON, device: 'cpu' },
        { onEvent: () => undefined },
      );
      const om = o.models[0];
      const tm = t.models[0];
      // Engines always report throughput (null only in a stored run that ended without a done event).
      ours.push({ acc: om.finalTestAcc ?? NaN, sps: om.samplesPerSec ?? NaN });
      theirs.push({ acc: tm.finalTestAcc ?? NaN, sps: tm.samplesPerSec ?? NaN });
      seedRows.push(
        `| ${file} | ${seed} | ${(om.samplesPerSec ?? NaN).toFixed(0)} | ${(tm.samplesPerSec ?? NaN).toFixed(0)} | ${pct(om.finalTestAcc ?? NaN)} | ${pct(tm.finalTestAcc ?? NaN)} |`,
      );
    }
    const oAcc = mean(ours.map((r) => r.acc));
    const tAcc = mean(theirs.map((r) => r.acc));
    const oSps = mean(ours.map((r) => r.sps));
    const tSps = mean(theirs.map((r) => r.sps));
    const accDiff = 100 * (oAcc - tAcc);
    const ok = Math.abs(accDiff) <= 1;
    met &&= ok;
    rows.push(
      `| ${file} | ${oSps.toFixed(0)} | ${tSps.toFixed(0)} | ${(oSps / tSps).toFixed(2)} | ${pct(oAcc)} | ${pct(tAcc)} | ${accDiff.toFixed(1)} (${ok ? 'met' : 'missed'}) |`,
    );
  }
  const markdown = [
    `Embedded MNIST subset, the first ${LIMIT} training images, ${EPOCHS} epochs, batch ${BATCH}, Adam lr 1e-3, seeds ${SEEDS.join(', ')}; test accuracy on 2,000 test images. Ours: \`runTraining\` on wasm (default threads); PyTorch: the runner (\`--backend pytorch\`) on CPU, one after the other. Each side draws its own initial weights (from PyTorch's default distributions on both) and batch order, so seeds are not paired; the means are compared.`,
    '',
    '| model | wasm samples/s | PyTorch samples/s | wasm / PyTorch | wasm mean acc | PyTorch mean acc | acc difference, points (target ≤ 1) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    '| model | seed | wasm samples/s | PyTorch samples/s | wasm acc | PyTorch acc |',
    '|---|---:|---:|---:|---:|---:|',
    ...seedRows,
    '',
    `Accuracy target: ${met ? 'met' : 'missed'} for ${met ? 'both' : 'at least one'}. Load average (1 min) ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after.`,
  ].join('\n');
  return { title, markdown };
}
