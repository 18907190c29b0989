// Models whose forward is a graph train end to end (test/fixtures/training/models/: a CIFAR-style
// ResNet with BasicBlocks, a U-Net with skip concatenations, the LSTM over MNIST rows of PyTorch's
// examples, a transformer encoder classifier with nn.TransformerEncoder), and the first epoch's loss
// is PyTorch 1.13's on the same data within the spread of the seeds (3 of PyTorch's; 3 of ours too
// for the U-Net and the encoder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainEpochEvent, TrainEvent, TrainRequestParams } from '../../../src/training/types';
import { runTraining } from '../../../src/training/index';
import { runPytorchTraining } from '../../../src/training/pytorch/index';
import { skip, torchPython } from './pytorch/torchPython';

const root = join(__dirname, '..', '..', '..');
const mediaRoot = join(root, 'media');
const models = join(root, 'test', 'fixtures', 'training', 'models');
const cifar = join(root, 'test', 'fixtures', 'training', 'data', 'cifar-10-batches-py');

function params(file: string, over: Partial<TrainRequestParams>): TrainRequestParams {
  return {
    models: [
      {
        kind: 'source',
        file: join(models, file),
        source: readFileSync(join(models, file), 'utf8'),
      },
    ],
    epochs: 2,
    batchSize: 32,
    limit: 256,
    testLimit: 64,
    dataPath: '',
    seed: 3,
    backend: 'wasm',
    threads: 1,
    ...over,
  };
}

async function epochs(p: TrainRequestParams): Promise<{ data: string; losses: number[] }> {
  const events: TrainEvent[] = [];
  await runTraining(p, { mediaRoot, onEvent: (e) => events.push(e) });
  const start = events[0];
  assert.ok(start.event === 'start');
  return {
    data: start.data ?? '',
    losses: events.filter((e): e is TrainEpochEvent => e.event === 'epoch').map((e) => e.trainLoss),
  };
}

for (const [file, over, data] of [
  ['resnet_cifar.py', { dataPath: cifar, epochs: 6, batchSize: 5, limit: 0 }, /CIFAR-10/],
  ['unet.py', {}, /MNIST/],
  ['mnist_rnn.py', {}, /MNIST/],
  ['encoder_classifier.py', {}, /MNIST/],
] as const) {
  test(`${file} translates as a graph and trains: its loss falls`, async () => {
    const r = await epochs(params(file, over));
    assert.match(r.data, data);
    const first = r.losses[0] ?? NaN;
    const last = r.losses[r.losses.length - 1] ?? NaN;
    assert.ok(last < first, `train loss ${r.losses.map((l) => l.toFixed(3)).join(' → ')}`);
  });
}

/** First-epoch train losses of `file` (512 MNIST digits, batch 32): ours and PyTorch's, one run per seed. */
async function firstEpochs(
  file: string,
  ourSeeds: number[],
): Promise<{ ours: number[]; theirs: number[] }> {
  const p = params(file, { epochs: 1, limit: 512, batchSize: 32 });
  const ours: number[] = [];
  for (const seed of ourSeeds) ours.push((await epochs({ ...p, seed })).losses[0] ?? NaN);
  const theirs: number[] = [];
  for (const seed of [1, 2, 3]) {
    const events: TrainEvent[] = [];
    await runPytorchTraining(
      { ...p, seed },
      { python: torchPython ?? undefined, device: 'cpu' },
      { onEvent: (e) => events.push(e) },
    );
    const e = events.find((x): x is TrainEpochEvent => x.event === 'epoch');
    assert.ok(e, 'PyTorch finished an epoch');
    theirs.push(e.trainLoss);
  }
  return { ours, theirs };
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const spread = (xs: number[]): number => Math.max(...xs) - Math.min(...xs);
const fmt = (xs: number[]): string => xs.map((l) => l.toFixed(3)).join(', ');

test(
  "the first epoch's loss is PyTorch's on the same data, within the spread of PyTorch's seeds",
  { skip },
  async (t) => {
    for (const file of ['mnist_rnn.py', 'resnet_mnist.py']) {
      const { ours, theirs } = await firstEpochs(file, [3]);
      t.diagnostic(`${file}: first-epoch loss ours ${fmt(ours)}, PyTorch ${fmt(theirs)}`);
      assert.ok(
        Math.abs(mean(ours) - mean(theirs)) <= Math.max(0.1, 2 * spread(theirs)),
        `${file}: ours ${fmt(ours)}, PyTorch ${fmt(theirs)}`,
      );
    }
  },
);

test(
  "U-Net and transformer encoder: the first epoch's mean loss over 3 seeds is PyTorch's over 3 seeds, within the seeds' spread",
  { skip },
  async (t) => {
    for (const file of ['unet.py', 'encoder_classifier.py']) {
      const { ours, theirs } = await firstEpochs(file, [1, 2, 3]);
      t.diagnostic(`${file}: first-epoch loss ours ${fmt(ours)}, PyTorch ${fmt(theirs)}`);
      const noise = Math.max(spread(ours), spread(theirs));
      assert.ok(
        Math.abs(mean(ours) - mean(theirs)) <= Math.max(0.1, 2 * noise),
        `${file}: ours ${fmt(ours)} (mean ${mean(ours).toFixed(3)}), PyTorch ${fmt(theirs)} (mean ${mean(theirs).toFixed(3)})`,
      );
    }
  },
);
