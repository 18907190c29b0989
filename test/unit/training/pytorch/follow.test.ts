// `tensor-lens follow`: events.jsonl files and TensorBoard event files, the latter written by hand
// with the documented TFRecord framing and protobuf encoding (test/support/tfevents.ts), and by torch's
// SummaryWriter where tensorboard is installed.
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../../../src/cli';
import type { CliIO } from '../../../../src/cli/output';
import { SMALL_CNN, writeModel } from './models';
import { skip, torchPython } from './torchPython';
import { crc32c, event, f64, key, lenDelim, record } from '../../../support/tfevents';

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

test('our CRC-32C matches the standard check value, so the files below are framed as documented', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('follow --once --json: TensorBoard scalars (simple_value and tensor) from a hand-written event file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-follow-'));
  mkdirSync(join(dir, 'run1'));
  // The file-version record has no summary: it yields nothing.
  const version = [
    ...key(1, 1),
    ...f64(1700000000),
    ...lenDelim(3, [...Buffer.from('brain.Event:2')]),
  ];
  writeFileSync(
    join(dir, 'run1', 'events.out.tfevents.1700000000.host.1.0'),
    Buffer.concat([
      record(version),
      record(event(1, 'loss', 0.5)),
      record(event(2, 'loss', 0.25)),
      record(event(2, 'acc', 0.875, { tensor: true })),
    ]),
  );
  const o = io();
  assert.equal(await main(['follow', dir, '--once', '--json'], o), 0, o.stderr.join('\n'));
  assert.deepEqual(
    o.stdout.map((l) => JSON.parse(l) as unknown),
    [
      { event: 'scalar', run: 'run1', tag: 'loss', step: 1, value: 0.5, wallTime: 1700000000.5 },
      { event: 'scalar', run: 'run1', tag: 'loss', step: 2, value: 0.25, wallTime: 1700000000.5 },
      { event: 'scalar', run: 'run1', tag: 'acc', step: 2, value: 0.875, wallTime: 1700000000.5 },
    ],
  );
});

test('follow prints scalars as they are: NaN and a missing wall time are null in --json, not 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-follow-'));
  writeFileSync(
    join(dir, 'events.out.tfevents.3.host'),
    Buffer.concat([
      record(event(7, 'loss', Number.NaN, { wallTime: null })),
      record(event(8, 'loss', 0.75, { wallTime: 1700000009 })),
    ]),
  );
  const j = io();
  assert.equal(await main(['follow', dir, '--once', '--json'], j), 0, j.stderr.join('\n'));
  const run = dir.split('/').pop();
  assert.deepEqual(
    j.stdout.map((l) => JSON.parse(l) as unknown),
    [
      { event: 'scalar', run, tag: 'loss', step: 7, value: null, wallTime: null },
      { event: 'scalar', run, tag: 'loss', step: 8, value: 0.75, wallTime: 1700000009 },
    ],
  );
  const h = io();
  assert.equal(await main(['follow', dir, '--once'], h), 0);
  assert.deepEqual(h.stdout, [`${run}  loss  step 7  NaN`, `${run}  loss  step 8  0.75`]);
});

test('follow: a corrupt event file is one line, exit 2', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-follow-'));
  const bad = record(event(1, 'loss', 0.5));
  bad[bad.length - 1] ^= 0xff;
  writeFileSync(join(dir, 'events.out.tfevents.1.host'), bad);
  const o = io();
  assert.equal(await main(['follow', dir, '--once'], o), 2);
  assert.equal(o.stderr.length, 1);
  assert.match(
    o.stderr[0],
    /^tensor-lens follow: .*events\.out\.tfevents\.1\.host: bad data checksum/,
  );
});

test('follow tails: lines and records appended later (half-written ones wait) are printed once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-follow-'));
  mkdirSync(join(dir, 'r'));
  const jsonl = join(dir, 'r', 'events.jsonl');
  const tf = join(dir, 'r', 'events.out.tfevents.2.host');
  writeFileSync(
    jsonl,
    '{"event":"start","backend":"pytorch","device":"cpu","epochs":1,"batchSize":64}\n{"event":"epo',
  );
  const rec = record(event(3, 'loss', 1.5));
  writeFileSync(tf, rec.subarray(0, 10));
  const ac = new AbortController();
  const o = io(ac.signal);
  let grew: () => void = () => undefined;
  const out = o.out;
  o.out = (t) => {
    out(t);
    grew();
  };
  const waitFor = (n: number): Promise<void> =>
    new Promise((r) => {
      grew = () => (o.stdout.length >= n ? r() : undefined);
      grew();
    });
  const running = main(['follow', dir, '--json', '--interval', '50'], o);
  await waitFor(1);
  appendFileSync(
    jsonl,
    'ch","model":"Net","epoch":1,"trainLoss":0.5,"trainAcc":0.8,"testLoss":0.4,"testAcc":0.9}\n',
  );
  appendFileSync(tf, rec.subarray(10));
  await waitFor(3);
  ac.abort();
  assert.equal(await running, 0);
  const got = o.stdout.map((l) => JSON.parse(l) as Record<string, unknown>);
  // One scan reads the run's files in name order: events.jsonl before events.out.tfevents.*.
  assert.deepEqual(
    got.map((e) => [e.event, e.run]),
    [
      ['start', 'r'],
      ['epoch', 'r'],
      ['scalar', 'r'],
    ],
  );
  assert.equal(got.find((e) => e.event === 'scalar')?.value, 1.5);
  assert.equal(got.find((e) => e.event === 'epoch')?.testAcc, 0.9);
});

test(
  'train --log-dir writes DIR/<run>/events.jsonl, and follow prints the same events',
  { skip },
  async () => {
    const file = writeModel('small.py', SMALL_CNN);
    const logs = mkdtempSync(join(tmpdir(), 'tl-logs-'));
    const t = io();
    assert.equal(
      await main(
        [
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
          '128',
          '--test-limit',
          '64',
          '--data',
          resolve(__dirname, '../../../../media/mnist'),
          '--log-dir',
          logs,
          '--json',
        ],
        t,
      ),
      0,
      t.stderr.join('\n'),
    );
    const f = io();
    assert.equal(await main(['follow', logs, '--once', '--json'], f), 0);
    const runId = (JSON.parse(t.stdout[0]) as { runId: string }).runId;
    assert.deepEqual(
      f.stdout.map((l) => JSON.parse(l) as unknown),
      t.stdout.map((l) => ({ ...(JSON.parse(l) as object), run: runId })),
    );
  },
);

// Truth from outside where it is installed: the files torch's own SummaryWriter writes.
const tensorboardWhy = ((): string | false => {
  if (!torchPython) return 'no Python with torch';
  try {
    execFileSync(torchPython, ['-c', 'from torch.utils.tensorboard import SummaryWriter'], {
      stdio: 'ignore',
      timeout: 60_000,
    });
    return false;
  } catch {
    return `${torchPython} cannot import torch.utils.tensorboard (pip install tensorboard); the hand-written files above cover the format`;
  }
})();

test(
  "follow reads the scalars torch's SummaryWriter writes",
  { skip: tensorboardWhy },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tl-tb-'));
    execFileSync(
      torchPython as string,
      [
        '-c',
        [
          'import sys',
          'from torch.utils.tensorboard import SummaryWriter',
          'w = SummaryWriter(sys.argv[1])',
          'for s in range(5):',
          '    w.add_scalar("train/loss", 1.0 / (s + 1), s)',
          '    w.add_scalar("test/acc", 0.1 * s, s)',
          'w.close()',
        ].join('\n'),
        join(dir, 'run-a'),
      ],
      { timeout: 120_000 },
    );
    const f = io();
    assert.equal(await main(['follow', dir, '--once', '--json'], f), 0, f.stderr.join('\n'));
    const got = f.stdout.map((l) => JSON.parse(l) as { tag: string; step: number; value: number });
    const want = [0, 1, 2, 3, 4].flatMap((s) => [
      { tag: 'train/loss', step: s, value: Math.fround(1 / (s + 1)) },
      { tag: 'test/acc', step: s, value: Math.fround(0.1 * s) },
    ]);
    assert.deepEqual(
      got.map((g) => ({ tag: g.tag, step: g.step, value: g.value })),
      want,
    );
  },
);
