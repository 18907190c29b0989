// Graph models on the wasm backend against PyTorch 1.13 on the same data, batch and epochs, in the
// same run: a ResNet with BasicBlocks (residual adds) and the LSTM over MNIST rows of PyTorch's
// examples (test/fixtures/training/models/). Training samples/s and the test accuracy after the same
// epochs; the target for accuracy is within 1 point of PyTorch's.
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

function params(file: string): TrainRequestParams {
  const path = join(MODELS, file);
  return {
    models: [{ kind: 'source', file: path, source: readFileSync(path, 'utf8') }],
    epochs: EPOCHS,
    batchSize: BATCH,
    limit: LIMIT,
    testLimit: 2000,
    dataPath: '',
    seed: 42,
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
  let met = true;
  for (const file of ['resnet_mnist.py', 'mnist_rnn.py']) {
    const p = params(file);
    const ours: TrainDoneEvent = await runTraining(p, {
      mediaRoot: join(ROOT, 'media'),
      onEvent: () => undefined,
    });
    const theirs = await runPytorchTraining(
      p,
      { python: PYTHON, device: 'cpu' },
      { onEvent: () => undefined },
    );
    // Engines always report throughput (null only in a stored run that ended without a done event).
    const o = { ...ours.models[0], samplesPerSec: ours.models[0].samplesPerSec ?? NaN };
    const t = { ...theirs.models[0], samplesPerSec: theirs.models[0].samplesPerSec ?? NaN };
    const accDiff =
      o.finalTestAcc !== null && t.finalTestAcc !== null
        ? 100 * (o.finalTestAcc - t.finalTestAcc)
        : NaN;
    const ok = Math.abs(accDiff) <= 1;
    met &&= ok;
    rows.push(
      `| ${file} | ${o.samplesPerSec.toFixed(0)} | ${t.samplesPerSec.toFixed(0)} | ${(o.samplesPerSec / t.samplesPerSec).toFixed(2)} | ${((o.finalTestAcc ?? NaN) * 100).toFixed(1)} % | ${((t.finalTestAcc ?? NaN) * 100).toFixed(1)} % | ${accDiff.toFixed(1)} (${ok ? 'met' : 'missed'}) |`,
    );
  }
  const markdown = [
    `Embedded MNIST subset, the first ${LIMIT} training images, ${EPOCHS} epochs, batch ${BATCH}, Adam lr 1e-3, seed 42; test accuracy on 2,000 test images. Ours: \`runTraining\` on wasm (default threads); PyTorch: the runner (\`--backend pytorch\`) on CPU, one after the other. Each side draws its own initial weights and batch order.`,
    '',
    '| model | wasm samples/s | PyTorch samples/s | wasm / PyTorch | wasm acc | PyTorch acc | acc difference, points (target ≤ 1) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    `Accuracy target: ${met ? 'met' : 'missed'} for ${met ? 'both' : 'at least one'}. Load average (1 min) ${load0.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after.`,
  ].join('\n');
  return { title, markdown };
}
