// Image folders on the PyTorch path: the runner reads torchvision's ImageFolder layout (with
// torchvision, else with Pillow alone, else refuses in one line) to the same labels and resized pixels
// as the extension's own reader (pngjs and a re-implementation of PIL's resize: an independent path),
// and a (3, H, W) model of as many classes as class folders trains through the runner.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { findImageFolder, loadImageFolder } from '../../../../src/training/data/imagefolder';
import { runPytorchTraining } from '../../../../src/training/pytorch/index';
import type { TrainEvalEvent, TrainEvent, TrainStartEvent } from '../../../../src/training/types';
import { writeModel } from './models';
import { skip, torchPython } from './torchPython';

const PYDIR = resolve(__dirname, '../../../../python');
const CLASSES = ['cat', 'dog', 'emu'];

/** Class folders of PNGs of assorted sizes and colours (deterministic), 7 per class. */
function writeFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-imgf-'));
  let s = 12345;
  const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) >>> 0) % 256;
  CLASSES.forEach((c, k) => {
    mkdirSync(join(dir, c));
    for (let i = 0; i < 7; i++) {
      const png = new PNG({ width: 9 + 3 * i, height: 14 - i });
      for (let p = 0; p < png.data.length; p += 4) {
        png.data[p] = (rnd() + 80 * k) % 256;
        png.data[p + 1] = rnd();
        png.data[p + 2] = (rnd() * (k + 1)) % 256;
        png.data[p + 3] = 255;
      }
      writeFileSync(join(dir, c, `img${i}.png`), PNG.sync.write(png));
    }
  });
  // Not an image: ignored, as torchvision's valid-file rule and the extension's reader both do.
  writeFileSync(join(dir, 'cat', 'notes.txt'), 'x');
  return dir;
}

const READ = `
import json, sys
sys.path.insert(0, sys.argv[1])
import tensor_lens_data as data
try:
    ds = data.load(sys.argv[2], "auto", int(sys.argv[3]), None, (int(sys.argv[4]), int(sys.argv[5])))
except data.DataError as e:
    print(json.dumps({"error": str(e)}))
    raise SystemExit(0)
def split(s):
    images, labels, rows, cols, ch = s
    n = rows * cols * ch
    return labels, [list(images[i * n:(i + 1) * n]) for i in range(len(labels))]
tl, ti = split(ds.train)
el, ei = split(ds.test)
print(json.dumps({"name": ds.name, "classes": ds.classes, "trainLabels": tl, "train": ti, "testLabels": el, "test": ei}))
`;

/** A folder of stand-in packages that fail to import, put first on PYTHONPATH. */
function without(...pkgs: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'tl-noimport-'));
  for (const p of pkgs) {
    mkdirSync(join(dir, p));
    writeFileSync(join(dir, p, '__init__.py'), `raise ImportError("${p} hidden by the test")\n`);
  }
  return dir;
}

function read(dir: string, channels: number, rows: number, cols: number, hide: string[] = []) {
  return JSON.parse(
    execFileSync(
      torchPython ?? '/usr/bin/python3',
      ['-c', READ, PYDIR, dir, String(channels), String(rows), String(cols)],
      {
        encoding: 'utf8',
        env: { ...process.env, ...(hide.length ? { PYTHONPATH: without(...hide) } : {}) },
      },
    ),
  ) as {
    error?: string;
    name: string;
    classes: string[];
    trainLabels: number[];
    train: number[][];
    testLabels: number[];
    test: number[][];
  };
}

test(
  'the runner reads an image folder to the pixels and labels the extension reads, with torchvision or Pillow alone',
  { skip },
  () => {
    const dir = writeFolder();
    const layout = findImageFolder(dir);
    assert.ok(layout);
    for (const [channels, rows, cols] of [
      [3, 8, 6],
      [1, 5, 7],
      [3, 20, 30],
    ] as const) {
      const ours = loadImageFolder(layout, { channels, rows, cols });
      const px = channels * rows * cols;
      const img = (split: typeof ours.train, i: number): number[] => [
        ...split.images.subarray(i * px, (i + 1) * px),
      ];
      for (const hide of [[], ['torchvision']]) {
        const got = read(dir, channels, rows, cols, hide);
        const what = `(${channels}, ${rows}, ${cols})${hide.length ? ' without torchvision' : ''}`;
        assert.equal(got.error, undefined, what);
        assert.equal(got.name, 'ImageFolder');
        assert.deepEqual(got.classes, CLASSES, what);
        // Every fifth image of a class is a test image: 7 per class → 6 train, 1 test.
        assert.deepEqual(got.trainLabels, [...ours.train.labels], what);
        assert.deepEqual(got.testLabels, [...ours.test.labels], what);
        assert.equal(got.train.length, 18);
        for (let i = 0; i < got.train.length; i++)
          assert.deepEqual(got.train[i], img(ours.train, i), `${what}: training image ${i}`);
        for (let i = 0; i < got.test.length; i++)
          assert.deepEqual(got.test[i], img(ours.test, i), `${what}: test image ${i}`);
      }
    }
  },
);

test(
  'without torchvision and Pillow the runner refuses an image folder in one line',
  { skip },
  () => {
    const got = read(writeFolder(), 3, 8, 6, ['torchvision', 'PIL']);
    assert.match(
      got.error ?? '',
      /^reading an image folder needs torchvision or Pillow in this Python, and neither imports; install one \(pip install pillow\)/,
    );
    assert.ok(!(got.error ?? '').includes('\n'));
  },
);

const NET = `import torch.nn as nn


# input: (1, 3, 12, 10)
class Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.fc = nn.Linear(4 * 10 * 8, 3)

    def forward(self, x):
        return self.fc(self.conv(x).relu().flatten(1))
`;

test(
  'a (3, 12, 10) model of 3 classes trains on a 3-class image folder through the runner',
  { skip },
  async () => {
    const data = writeFolder();
    const file = writeModel('small.py', NET);
    const events: TrainEvent[] = [];
    await runPytorchTraining(
      {
        models: [{ kind: 'source', file, source: NET }],
        epochs: 2,
        batchSize: 4,
        limit: 0,
        dataPath: data,
        seed: 3,
        backend: 'auto',
      },
      { python: torchPython as string, device: 'cpu' },
      { onEvent: (e) => events.push(e) },
    );
    const start = events[0] as TrainStartEvent;
    assert.equal(start.data, 'ImageFolder');
    assert.equal(start.trainSize, 18);
    assert.equal(start.testSize, 3);
    assert.equal(events.filter((e) => e.event === 'epoch').length, 2);
    const ev = events.find((e): e is TrainEvalEvent => e.event === 'eval');
    assert.deepEqual(ev?.classes, CLASSES);
    assert.deepEqual(
      ev?.confusion.map((r) => r.reduce((a, b) => a + b, 0)),
      [1, 1, 1],
    );
    // A folder of 3 classes does not fit a model of 10: one line naming both.
    const ten = NET.replace('nn.Linear(4 * 10 * 8, 3)', 'nn.Linear(4 * 10 * 8, 10)');
    await assert.rejects(
      runPytorchTraining(
        {
          models: [{ kind: 'source', file: writeModel('ten.py', ten), source: ten }],
          epochs: 1,
          batchSize: 4,
          limit: 0,
          dataPath: data,
          seed: 3,
          backend: 'auto',
        },
        { python: torchPython as string, device: 'cpu' },
        { onEvent: () => undefined },
      ),
      /--data .* holds ImageFolder, but Small takes \(3, 12, 10\) images of 10 classes; put an image folder there/,
    );
  },
);
