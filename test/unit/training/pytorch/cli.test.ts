// `tensor-lens train --backend pytorch` from the command line: the JSON events, the one-line errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { main } from '../../../../src/cli';
import type { CliIO } from '../../../../src/cli/output';
import { BROKEN, SMALL_CNN, writeModel } from './models';
import { skip, torchPython } from './torchPython';

const MNIST = resolve(__dirname, '../../../../media/mnist');

function io(): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    interrupted: new AbortController().signal,
  };
}

// These need no torch: they fail before Python would run anything.
test('--backend pytorch with a Python that does not exist: one line naming it and the fix, exit 2', async () => {
  const file = writeModel('small.py', SMALL_CNN);
  const o = io();
  assert.equal(
    await main(
      [
        'train',
        '--model',
        file,
        '--backend',
        'pytorch',
        '--python',
        '/no/such/python3',
        '--data',
        MNIST,
      ],
      o,
    ),
    2,
  );
  assert.equal(o.stderr.length, 1);
  assert.match(o.stderr[0], /^tensor-lens train: no Python at '\/no\/such\/python3'; .*--python/);
});

test('--backend pytorch needs a model file; PyTorch-only flags need --backend pytorch', async () => {
  let o = io();
  assert.equal(await main(['train', '--model', 'mlp', '--backend', 'pytorch'], o), 2);
  assert.match(o.stderr[0], /PyTorch backend trains a model from your file/);
  o = io();
  assert.equal(await main(['train', '--backend', 'wasm', '--procs', '2'], o), 2);
  assert.match(o.stderr[0], /--procs is for --backend pytorch/);
});

test(
  'train --backend pytorch --json: start (backend, device), epoch and done lines',
  { skip },
  async () => {
    const file = writeModel('small.py', SMALL_CNN);
    const o = io();
    const code = await main(
      [
        'train',
        '--model',
        `${file}:SmallNet`,
        '--backend',
        'pytorch',
        '--python',
        torchPython as string,
        '--device',
        'cpu',
        '--epochs',
        '1',
        '--limit',
        '256',
        '--test-limit',
        '100',
        '--data',
        MNIST,
        '--json',
      ],
      o,
    );
    assert.equal(code, 0, o.stderr.join('\n'));
    const events = o.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(events[0].event, 'start');
    assert.equal(events[0].backend, 'pytorch');
    assert.equal(events[0].device, 'cpu');
    assert.equal(events[0].data, 'MNIST');
    assert.deepEqual(events[0].hyper, {
      model: ['SmallNet'],
      data: 'MNIST',
      epochs: 1,
      batchSize: 64,
      lr: 0.001,
      seed: 42,
      backend: 'pytorch',
      optimizer: 'adam',
      device: 'cpu',
      processes: 1,
      // Torch's own thread count in this environment, asked of the same Python.
      threads: Number(
        execFileSync(
          torchPython as string,
          ['-c', 'import torch; print(torch.get_num_threads())'],
          {
            encoding: 'utf8',
          },
        ).trim(),
      ),
    });
    const epoch = events.find((e) => e.event === 'epoch');
    for (const k of [
      'model',
      'epoch',
      'trainLoss',
      'trainAcc',
      'testLoss',
      'testAcc',
      'seconds',
      'samplesPerSec',
    ])
      assert.ok(epoch && k in epoch, k);
    assert.equal(events[events.length - 1].event, 'done');
  },
);

test(
  "the user's error through the CLI: one line with file and line, exit 1; --verbose adds the traceback",
  { skip },
  async () => {
    const file = writeModel('broken.py', BROKEN);
    const args = [
      'train',
      '--model',
      file,
      '--backend',
      'pytorch',
      '--python',
      torchPython as string,
      '--device',
      'cpu',
      '--epochs',
      '1',
      '--limit',
      '64',
      '--test-limit',
      '64',
      '--data',
      MNIST,
    ];
    let o = io();
    assert.equal(await main(args, o), 1);
    assert.equal(
      o.stderr[o.stderr.length - 1],
      "tensor-lens train: broken.py:12: ValueError: boom from the user's forward (--verbose prints the traceback)",
    );
    assert.ok(!o.stderr.some((l) => /Traceback/.test(l)), 'no traceback without --verbose');
    o = io();
    assert.equal(await main([...args, '--verbose'], o), 1);
    assert.match(o.stderr.join('\n'), /Traceback \(most recent call last\)/);
    assert.match(o.stderr[o.stderr.length - 1], /^tensor-lens train: broken\.py:12: ValueError/);
  },
);

const SCALED = `import torch
import torch.nn as nn


# input: (1, 784)
class Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(784))
        self.out = nn.Linear(784, 10)

    def forward(self, x):
        return self.out(x * self.scale)
`;

test(
  "auto: a file's model that tfjs cannot reproduce (a parameter used in forward) trains in PyTorch, and says so",
  { skip },
  async () => {
    const file = writeModel('scaled.py', SCALED);
    const o = io();
    const code = await main(
      [
        'train',
        '--model',
        file,
        '--python',
        torchPython as string,
        '--device',
        'cpu',
        '--epochs',
        '1',
        '--limit',
        '128',
        '--test-limit',
        '64',
        '--data',
        MNIST,
      ],
      o,
    );
    assert.equal(code, 0, o.stderr.join('\n'));
    assert.match(o.stderr[0], /^tfjs cannot train this model \(.*\); training it in .* torch \d/);
    assert.match(o.stdout[o.stdout.length - 1], /^backend: pytorch \(torch /);
  },
);
