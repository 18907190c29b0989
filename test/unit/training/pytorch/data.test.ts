// The runner's data: python/tensor_lens_data.py reads CIFAR in torchvision's three layouts to the same
// labels and pixels torchvision reads (recorded in test/fixtures/training/data/expected.json by
// scripts/training-fixtures.py), refuses a pickle that is not plain data without running it, and the
// extension finds the folder from --data, a torchvision root= in the file, or the embedded subset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TrainEvalEvent, TrainEvent, TrainStartEvent } from '../../../../src/training/types';
import { runPytorchTraining, RunnerError } from '../../../../src/training/pytorch/index';
import { runnerData } from '../../../../src/training/pytorch/data';
import type { RunnerModel } from '../../../../src/training/pytorch/plan';
import { DataError } from '../../../../src/training/idx';
import { writeModel } from './models';
import { skip, torchPython } from './torchPython';

const ROOT = resolve(__dirname, '../../../..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'training', 'data');
const MNIST = join(ROOT, 'media', 'mnist');
const PYDIR = join(ROOT, 'python');

interface Expected {
  trainLabels: number[];
  testLabels: number[];
  trainSums: number[];
  testSums: number[];
  classes: string[];
}
const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  cifar10: Expected;
  cifar100: Expected;
};

// Asks the runner's reader for each split's labels and per-image pixel sums.
const READ = `
import json, sys
sys.path.insert(0, sys.argv[1])
import tensor_lens_data as data
try:
    ds = data.load(sys.argv[2], sys.argv[3])
except data.DataError as e:
    print(json.dumps({"error": str(e)}))
    raise SystemExit(0)
def split(s):
    images, labels, rows, cols, ch = s
    n = rows * cols * ch
    return labels, [sum(images[i * n:(i + 1) * n]) for i in range(len(labels))]
tl, ts = split(ds.train)
el, es = split(ds.test)
print(json.dumps({"name": ds.name, "classes": ds.classes, "trainLabels": tl, "trainSums": ts, "testLabels": el, "testSums": es}))
`;

function read(dir: string, kind: string): Record<string, unknown> {
  return JSON.parse(
    execFileSync(torchPython ?? '/usr/bin/python3', ['-c', READ, PYDIR, dir, kind], {
      encoding: 'utf8',
    }),
  ) as Record<string, unknown>;
}

test(
  "the runner reads CIFAR's three layouts to what torchvision reads: labels, pixels, class names",
  { skip },
  () => {
    for (const [layout, want] of [
      ['cifar-10-batches-py', expected.cifar10],
      ['cifar-10-batches-bin', expected.cifar10],
      ['cifar-100-python', expected.cifar100],
    ] as const) {
      const got = read(FIXTURES, layout);
      assert.equal(got.error, undefined, layout);
      assert.deepEqual(got.trainLabels, want.trainLabels, layout);
      assert.deepEqual(got.testLabels, want.testLabels, layout);
      assert.deepEqual(got.trainSums, want.trainSums, layout);
      assert.deepEqual(got.testSums, want.testSums, layout);
      assert.deepEqual(got.classes, want.classes, layout);
    }
  },
);

test(
  'a CIFAR pickle that calls anything but the array rebuild is refused, and nothing runs',
  { skip },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-evil-'));
    const py = join(dir, 'cifar-10-batches-py');
    cpSync(join(FIXTURES, 'cifar-10-batches-py'), py, { recursive: true });
    const marker = join(dir, 'ran');
    // GLOBAL os.system, its argument, REDUCE: what a hostile "data" file looks like.
    const cmd = `touch ${marker}`;
    writeFileSync(
      join(py, 'data_batch_2'),
      Buffer.concat([
        Buffer.from([0x80, 0x02]),
        Buffer.from('cposix\nsystem\n'),
        Buffer.from([0x58, cmd.length, 0, 0, 0]),
        Buffer.from(cmd),
        Buffer.from([0x85, 0x52, 0x2e]),
      ]),
    );
    const got = read(dir, 'auto');
    assert.match(
      String(got.error),
      /data_batch_2: the pickle refers to posix\.system, which a CIFAR file never does; .*CIFAR10\(root, download=True\)/,
    );
    assert.ok(!String(got.error).includes('\n'));
    assert.ok(!existsSync(marker), 'the pickle ran a command');
    // Truncated: one line, not a traceback.
    writeFileSync(
      join(py, 'data_batch_2'),
      readFileSync(join(py, 'data_batch_1')).subarray(0, 300),
    );
    assert.match(String(read(dir, 'auto').error), /data_batch_2: not a readable pickle/);
  },
);

const model = (over: Partial<RunnerModel>): RunnerModel => ({
  name: 'Net',
  kind: 'module',
  line: 1,
  ctor: '{}',
  layout: 'image',
  channels: 1,
  rows: 28,
  cols: 28,
  classes: 10,
  ...over,
});

test('which folder: --data (torchvision root or the folder itself), root= in the file, the embedded subset', () => {
  const src = { text: '', file: join(tmpdir(), 'm.py') };
  const cifar = model({ channels: 3, rows: 32, cols: 32 });
  assert.deepEqual(runnerData(cifar, FIXTURES, src, MNIST), {
    dir: join(FIXTURES, 'cifar-10-batches-py'),
    kind: 'cifar-10-batches-py',
    name: 'CIFAR-10',
  });
  assert.equal(
    runnerData({ ...cifar, classes: 100 }, FIXTURES, src, MNIST).kind,
    'cifar-100-python',
  );
  assert.deepEqual(runnerData(model({}), '', src, MNIST), {
    dir: MNIST,
    kind: 'idx',
    name: 'embedded MNIST subset',
  });
  // torchvision's layout for KMNIST, found from a root= the file gives its dataset.
  const root = mkdtempSync(join(tmpdir(), 'tl-root-'));
  mkdirSync(join(root, 'data', 'KMNIST', 'raw'), { recursive: true });
  cpSync(MNIST, join(root, 'data', 'KMNIST', 'raw'), { recursive: true });
  const file = join(root, 'model.py');
  const text = "train = torchvision.datasets.KMNIST(root='./data', train=True, download=True)\n";
  assert.deepEqual(runnerData(model({}), '', { text, file }, MNIST), {
    dir: join(root, 'data', 'KMNIST', 'raw'),
    kind: 'idx',
    name: 'KMNIST',
  });
  // Nothing fits: one line with what is there, what the model takes and what to download.
  assert.throws(
    () => runnerData(model({}), FIXTURES, src, MNIST),
    (e: Error) =>
      e instanceof DataError &&
      /holds CIFAR-10 and CIFAR-100 and CIFAR-10, but Net takes \(1, 28, 28\) images of 10 classes/.test(
        e.message,
      ) &&
      !e.message.includes('\n'),
  );
  assert.throws(
    () => runnerData(cifar, '', src, MNIST),
    /no data for Net, which takes \(3, 32, 32\) images of 10 classes; download it with torchvision\.datasets\.CIFAR10/,
  );
});

const CIFAR_NET = (root: string): string => `import torch.nn as nn
import torchvision

data = torchvision.datasets.CIFAR10(root=${JSON.stringify(root)}, download=False)


class TinyCifar(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2)
        self.fc = nn.Linear(4 * 15 * 15, 10)

    def forward(self, x):
        return self.fc(self.conv(x).relu().flatten(1))
`;

test(
  "CIFAR through the runner: the file's root= is found, and the eval event has CIFAR's classes",
  { skip },
  async () => {
    // The file imports torchvision only if the runner executes it; a stub keeps the test free of it.
    const file = writeModel('cifar.py', CIFAR_NET(FIXTURES));
    writeFileSync(
      join(file, '..', 'torchvision.py'),
      'class datasets:\n    CIFAR10 = staticmethod(lambda *a, **k: None)\n',
    );
    const events: TrainEvent[] = [];
    await runPytorchTraining(
      {
        models: [{ kind: 'source', file, source: CIFAR_NET(FIXTURES) }],
        epochs: 1,
        batchSize: 4,
        limit: 0,
        dataPath: '',
        seed: 1,
        backend: 'auto',
      },
      { python: torchPython as string, device: 'cpu' },
      { onEvent: (e) => events.push(e) },
    );
    const start = events[0] as TrainStartEvent;
    assert.equal(start.data, 'CIFAR-10');
    assert.equal(start.trainSize, expected.cifar10.trainLabels.length);
    const ev = events.find((e): e is TrainEvalEvent => e.event === 'eval');
    assert.ok(ev);
    assert.deepEqual(ev.classes.slice(0, 5), expected.cifar10.classes.slice(0, 5));
    // Each test image lands in its true class's row once.
    assert.deepEqual(
      ev.confusion.map((r) => r.reduce((a, b) => a + b, 0)),
      ev.classes.map((_, c) => expected.cifar10.testLabels.filter((l) => l === c).length),
    );
  },
);

test(
  "class scores that do not match the data's classes (a width the shape engine cannot know): one line",
  { skip },
  async () => {
    const text = `import os\nimport torch.nn as nn\n\nK = int(os.environ.get("TL_TEST_K", "12"))\n\n# input: (1, 1, 28, 28)\nnet = nn.Sequential(nn.Flatten(), nn.Linear(784, K))\n`;
    const file = writeModel('wide.py', text);
    await assert.rejects(
      runPytorchTraining(
        {
          models: [{ kind: 'source', file, source: text }],
          epochs: 1,
          batchSize: 8,
          limit: 16,
          testLimit: 16,
          dataPath: '',
          seed: 1,
          backend: 'auto',
        },
        { python: torchPython as string, device: 'cpu' },
        { onEvent: () => undefined },
      ),
      (e: unknown) => {
        assert.ok(e instanceof RunnerError, String(e));
        assert.equal(e.kind, 'input');
        assert.equal(
          e.message,
          'net returns (8, 12) but embedded MNIST subset has 10 classes; the model must return (batch, 10) class scores',
        );
        return true;
      },
    );
  },
);
