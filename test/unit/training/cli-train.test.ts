// `tensor-lens train` against the command-line contract in docs/cli-contract.md, in-process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main } from '../../../src/cli';
import type { CliIO } from '../../../src/cli/output';
import { join } from 'node:path';

function io(signal = new AbortController().signal): CliIO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    interrupted: signal,
  };
}

test('train --json: batch and epoch events with the contract fields, done last with the backend', async () => {
  const o = io();
  const code = await main(
    [
      'train',
      '--model',
      'compare',
      '--epochs',
      '1',
      '--limit',
      '64',
      '--test-limit',
      '50',
      '--seed',
      '3',
      '--backend',
      'wasm',
      '--json',
    ],
    o,
  );
  assert.equal(code, 0, o.stderr.join('\n'));
  const events = o.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.ok(events.some((e) => e.event === 'batch' && typeof e.loss === 'number'));
  const epochs = events.filter((e) => e.event === 'epoch');
  assert.deepEqual(
    epochs.map((e) => e.model),
    ['mlp', 'cnn'],
  );
  for (const e of epochs)
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
      assert.ok(k in e, k);
  const done = events[events.length - 1];
  assert.equal(done.event, 'done');
  assert.equal(done.backend, 'wasm');
  assert.equal(o.stderr.length, 0, 'nothing on stderr with --json');
});

test('train without --json: progress on stderr, a summary table on stdout', async () => {
  const o = io();
  assert.equal(
    await main(
      ['train', '--epochs', '1', '--limit', '64', '--test-limit', '50', '--backend', 'wasm'],
      o,
    ),
    0,
  );
  assert.match(o.stdout[0], /^model\s+params\s+test acc/);
  assert.match(o.stdout[1], /^mlp\s+535,818/);
  assert.match(o.stdout[o.stdout.length - 1], /^backend: wasm/);
  assert.ok(o.stderr.some((l) => /mlp epoch 1: train loss/.test(l)));
});

test('bad input: one line, exit 2', async () => {
  for (const [args, re] of [
    [['--data', '/no/such/dir'], /folder not found/],
    [['--model', 'nope.py'], /cannot read nope\.py/],
    [['--model', 'resnet'], /--model must be mlp, cnn, compare/],
    [['--backend', 'gpu'], /--backend must be one of auto\|pytorch\|tensorflow\|wasm\|cpu/],
    [['--epochs', '0'], /--epochs must be at least 1/],
  ] as [string[], RegExp][]) {
    const o = io();
    assert.equal(await main(['train', ...args], o), 2, args.join(' '));
    assert.equal(o.stderr.length, 1);
    assert.match(o.stderr[0], re);
  }
});

test('Ctrl-C stops the run cleanly with exit 130', async () => {
  const ac = new AbortController();
  const o = io(ac.signal);
  setTimeout(() => ac.abort(), 1500);
  const code = await main(
    ['train', '--model', 'cnn', '--epochs', '3', '--backend', 'wasm', '--json'],
    o,
  );
  assert.equal(code, 130);
  const done = JSON.parse(o.stdout[o.stdout.length - 1]) as { event: string; cancelled: boolean };
  assert.ok(done.event === 'done' && done.cancelled);
});

test('train --json: hyper in the start event and an eval event per model and epoch; the text mode prints the table', async () => {
  const o = io();
  assert.equal(
    await main(
      [
        'train',
        '--model',
        'mlp',
        '--epochs',
        '1',
        '--limit',
        '64',
        '--test-limit',
        '30',
        '--seed',
        '4',
        '--backend',
        'wasm',
        '--threads',
        '1',
        '--json',
      ],
      o,
    ),
    0,
  );
  const events = o.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(events[0].hyper, {
    model: ['mlp'],
    data: 'embedded MNIST subset',
    epochs: 1,
    batchSize: 64,
    lr: 0.001,
    seed: 4,
    backend: 'wasm',
    threads: 1,
  });
  const ev = events.filter((e) => e.event === 'eval');
  assert.equal(ev.length, 1);
  for (const k of ['epoch', 'classes', 'confusion', 'perClass', 'mistakes'])
    assert.ok(k in ev[0], k);
  const t = io();
  assert.equal(
    await main(
      ['train', '--epochs', '1', '--limit', '64', '--test-limit', '30', '--backend', 'wasm'],
      t,
    ),
    0,
  );
  assert.ok(
    t.stderr.some((l) => /^ {2}true \\ pred +0 +1 /.test(l)),
    t.stderr.join('\n'),
  );
  assert.ok(t.stderr.some((l) => /^ {2}per class: 0 /.test(l)));
});

test('data that does not fit the model: one line naming what is there and what to download, exit 2', async () => {
  const o = io();
  const cifar = join(__dirname, '..', '..', 'fixtures', 'training', 'data');
  assert.equal(await main(['train', '--data', cifar, '--backend', 'wasm'], o), 2);
  assert.equal(o.stderr.length, 1);
  assert.match(
    o.stderr[0],
    /holds CIFAR-10 \(3, 32, 32\) images of 10 classes .* but the model takes \(1, 28, 28\) with 10 classes; download it with torchvision\.datasets\.MNIST/,
  );
});
