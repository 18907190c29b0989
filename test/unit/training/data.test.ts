// Which data a model trains on, and the image folder loader: PNGs and JPEGs decoded and resized as
// torchvision + PIL do (the truth recorded by `scripts/training-fixtures.py --data`), the data set chosen
// by the model's input shape and classes, from --data or the root= of the user's file, and a message
// that names the download when nothing fits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainEvalEvent, TrainEvent, TrainStartEvent } from '../../../src/training/types';
import { loadBackend } from '../../../src/training/backend';
import { findImageFolder, loadImageFolder } from '../../../src/training/data/imagefolder';
import { evaluate } from '../../../src/training/fit';
import { buildNet } from '../../../src/training/net';
import type { NetSpec } from '../../../src/training/spec';
import { loadDataFor, rootsInSource } from '../../../src/training/data/select';
import { DataError } from '../../../src/training/idx';

const root = join(__dirname, '..', '..', 'fixtures', 'training', 'data');
const mediaRoot = join(__dirname, '..', '..', '..', 'media');
interface Sample {
  file: string;
  label: number;
  rgb16: number[];
  grey16: number[];
}
const truth = JSON.parse(readFileSync(join(root, 'expected-images.json'), 'utf8')) as Record<
  'train' | 'test',
  { classes: string[]; samples: Sample[] }
>;

test('ImageFolder: classes, labels and pixels as torchvision + PIL give them (PNG exact, JPEG within decoder rounding)', () => {
  const layout = findImageFolder(join(root, 'images'));
  assert.ok(layout);
  assert.deepEqual(layout.classes, truth.train.classes);
  for (const [channels, key] of [
    [3, 'rgb16'],
    [1, 'grey16'],
  ] as const) {
    const d = loadImageFolder(layout, { channels, rows: 16, cols: 16 });
    assert.equal(d.name, 'ImageFolder');
    for (const split of ['train', 'test'] as const) {
      const s = d[split];
      const want = truth[split].samples;
      assert.equal(s.count, want.length);
      assert.equal(s.channels, channels);
      want.forEach((w, i) => {
        assert.equal(s.labels[i], w.label, w.file);
        const got = s.images.subarray(i * channels * 256, (i + 1) * channels * 256);
        let maxDiff = 0;
        let sum = 0;
        for (let j = 0; j < got.length; j++) {
          maxDiff = Math.max(maxDiff, Math.abs(got[j] - w[key][j]));
          sum += Math.abs(got[j] - w[key][j]);
        }
        if (!/\.jpe?g$/.test(w.file))
          assert.equal(
            maxDiff,
            0,
            `${w.file} ${key}: PNG decoding and PIL's resize are reproduced exactly`,
          );
        // JPEG: luma differs by the decoders' IDCT rounding (measured ≤ 2); colour also by chroma
        // upsampling (jpeg-js replicates subsampled chroma, libjpeg interpolates): measured mean ≤ 2.6.
        else if (channels === 1)
          assert.ok(maxDiff <= 2, `${w.file} grey: max difference ${maxDiff}`);
        else assert.ok(sum / got.length <= 3, `${w.file} RGB: mean difference ${sum / got.length}`);
      });
    }
  }
});

test('data chosen by input shape and classes from --data, with a message naming what fits when nothing does', () => {
  assert.equal(loadDataFor({ input: [3, 32, 32], classes: 10 }, root).name, 'CIFAR-10');
  assert.equal(loadDataFor({ input: [3072], classes: 100 }, root).name, 'CIFAR-100');
  assert.equal(
    loadDataFor({ input: [3, 32, 32], classes: 10 }, join(root, 'cifar-10-batches-bin')).dir,
    join(root, 'cifar-10-batches-bin'),
  );
  const folder = loadDataFor({ input: [1, 20, 24], classes: 3 }, join(root, 'images'));
  assert.deepEqual(
    [folder.name, folder.train.rows, folder.train.cols, folder.train.channels],
    ['ImageFolder', 20, 24, 1],
  );
  assert.throws(
    () => loadDataFor({ input: [1, 28, 28], classes: 10 }, root),
    (e: Error) =>
      e instanceof DataError &&
      /holds CIFAR-10 \(3, 32, 32\) images of 10 classes and CIFAR-100 .* but the model takes \(1, 28, 28\) with 10 classes; download it with torchvision\.datasets\.MNIST/.test(
        e.message,
      ),
  );
  assert.throws(
    () => loadDataFor({ input: [3, 16, 16], classes: 5 }, join(root, 'images')),
    /holds an image folder of 3 classes, but the model takes \(3, 16, 16\) with 5 classes; put an image folder there/,
  );
  assert.throws(
    () => loadDataFor({ input: [3, 32, 32], classes: 10 }, join(root, 'nope')),
    /--data .*nope: folder not found; download it with torchvision\.datasets\.CIFAR10\('data', download=True\) \(it lands in data\/cifar-10-batches-py\)/,
  );
  assert.throws(
    () => loadDataFor({ input: [5, 7], classes: 10 }, root),
    /no data set fits a model whose input is \(5, 7\)/,
  );
});

test("without --data: the root= of the user's file, else the embedded subset for MNIST shapes, else what to download", () => {
  assert.deepEqual(
    rootsInSource(
      'ds = datasets.CIFAR10(root=\'./data\', train=True)\nt = torchvision.datasets.MNIST("mn", download=True)\nx = root = 3',
    ),
    ['./data', 'mn'],
  );
  const file = join(root, '..', 'model.py');
  const src = "train = torchvision.datasets.CIFAR100(root='data', train=True, download=True)\n";
  const d = loadDataFor({ input: [3, 32, 32], classes: 100, source: { text: src, file } }, '');
  assert.equal(d.name, 'CIFAR-100');
  assert.equal(
    loadDataFor({ input: [28, 28], classes: 10 }, '', mediaRoot).name,
    'embedded MNIST subset',
  );
  assert.throws(
    () =>
      loadDataFor(
        { input: [3, 32, 32], classes: 10, source: { text: "CIFAR10('elsewhere')", file } },
        '',
      ),
    (e: Error) =>
      /no data for a model taking \(3, 32, 32\) with 10 classes; download it with torchvision\.datasets\.CIFAR10/.test(
        e.message,
      ) && !e.message.includes('\n'),
  );
  assert.throws(
    () => loadDataFor({ input: [3, 64, 64], classes: 7 }, ''),
    /put an image folder there: train\/ and test\/ with one subfolder of PNG or JPEG images per class \(7 classes; images are resized to 64×64, RGB\)/,
  );
});

const CIFAR_MODEL = `import torch
import torch.nn as nn
import torch.nn.functional as F

# input: (1, 3, 32, 32)
class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2)
        self.pool = nn.AdaptiveAvgPool2d(2)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv(x)))
        return self.fc(torch.flatten(x, 1))

train = torchvision.datasets.CIFAR10(root='data', train=True)
`;

test('a CIFAR-shaped model from a file trains on the CIFAR-10 its root= names, with CIFAR class names in eval', async () => {
  const { runTraining } = await import('../../../src/training/index');
  const events: TrainEvent[] = [];
  await runTraining(
    {
      models: [{ kind: 'source', file: join(root, '..', 'small.py'), source: CIFAR_MODEL }],
      epochs: 1,
      batchSize: 4,
      limit: 0,
      dataPath: '',
      seed: 3,
      backend: 'wasm',
      threads: 1,
    },
    { mediaRoot, onEvent: (e) => events.push(e) },
  );
  const start = events[0] as TrainStartEvent;
  assert.equal(start.data, 'CIFAR-10');
  assert.deepEqual([start.trainSize, start.testSize], [10, 4]);
  const ev = events.find((e): e is TrainEvalEvent => e.event === 'eval');
  assert.ok(ev);
  assert.equal(ev.classes[0], 'airplane');
  assert.equal(
    ev.confusion.flat().reduce((a, b) => a + b, 0),
    4,
  );
});

test('image nets see each CIFAR image channels-last exactly as the CHW bytes transposed', async () => {
  const { tf } = await loadBackend('wasm');
  const d = loadDataFor({ input: [3, 32, 32], classes: 10 }, root);
  const spec: NetSpec = {
    name: 'probe',
    input: [3, 32, 32],
    layers: [
      {
        name: 'c',
        type: 'Conv2d',
        op: 'conv2d',
        inChannels: 3,
        outChannels: 5,
        kernel: [5, 5],
        stride: [3, 3],
        padding: [0, 0],
        bias: true,
      },
      { name: 'f', type: 'Flatten', op: 'reshape', to: [5 * 10 * 10] },
      { name: 'l', type: 'Linear', op: 'linear', inFeatures: 500, outFeatures: 10, bias: true },
    ],
  };
  const net = buildNet(tf, spec, 1);
  try {
    const r = await evaluate(tf, net, d.test, undefined, d);
    assert.ok(r && r.mistakes.length > 0);
    for (const m of r.mistakes) {
      // Independent path: CHW floats normalised here, transposed by tfjs.
      const chw = Float32Array.from(
        d.test.images.subarray(m.index * 3072, (m.index + 1) * 3072),
        (v, j) => (v / 255 - d.mean[Math.floor(j / 1024)]) / d.std[Math.floor(j / 1024)],
      );
      const p = tf.tidy(() =>
        tf
          .softmax(net.forward(tf.transpose(tf.tensor(chw, [1, 3, 32, 32]), [0, 2, 3, 1]), false))
          .dataSync(),
      );
      assert.ok(Math.abs(p[m.pred] - m.p) < 1e-5, `image ${m.index}`);
    }
  } finally {
    net.dispose();
  }
});
