// Tensor Lens: Follow Training Run… against the vscode stand-in: the runs' events.jsonl lines reach
// the panel as they are appended (lines that are not training events are skipped with one warning),
// Stop ends the following, TensorBoard scalars reach the panel as series per run and tag, and a
// corrupt TensorBoard file stops it with one line naming the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrainEvent } from '../../src/training/types';
import { isHostToWebview } from '../../src/common/guards';
import { foldScalars, type ScalarSeries } from '../../src/common/scalars';
import { event, record } from '../support/tfevents';
import { installFakeVscode, reset, state } from '../support/vscode';

installFakeVscode();
const { RunFollowing } = require('../../src/followRuns') as typeof import('../../src/followRuns');

function logger() {
  const lines: string[] = [];
  const at = (level: string) => (m: string) => void lines.push(`${level} ${m}`);
  return {
    lines,
    log: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') },
  };
}

const start = {
  event: 'start',
  runId: 'r1',
  backend: 'pytorch',
  models: [{ model: 'Net', params: 10 }],
  trainSize: 100,
  testSize: 10,
  epochs: 2,
  batchSize: 10,
};
const epoch = (n: number) => ({
  event: 'epoch',
  runId: 'r1',
  model: 'Net',
  epoch: n,
  trainLoss: 1 / n,
  trainAcc: 0.5,
  testLoss: 1 / n,
  testAcc: 0.6,
  seconds: 1,
  samplesPerSec: 100,
});
const line = (o: object): string => `${JSON.stringify(o)}\n`;
const until = async (ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
};

test('events appended to DIR/<run>/events.jsonl reach the panel in order; Stop ends the following', async () => {
  reset();
  const dir = mkdtempSync(join(tmpdir(), 'tl-follow-'));
  mkdirSync(join(dir, 'r1'));
  const file = join(dir, 'r1', 'events.jsonl');
  writeFileSync(file, line(start) + line({ event: 'epoch', runId: 'r1' }) + line(epoch(1)));
  const got: TrainEvent[] = [];
  const revealed: string[] = [];
  const { lines, log } = logger();
  const f = new RunFollowing(
    {
      showTrainEvent: (e) => got.push(e),
      showScalars: () => undefined,
      reveal: (t) => revealed.push(t),
    },
    log as never,
  );
  const following = f.follow(dir);
  await until(() => got.length === 2);
  assert.deepEqual(
    got.map((e) => e.event),
    ['start', 'epoch'],
  );
  assert.deepEqual(revealed, ['training']);
  assert.equal(lines.filter((l) => l.startsWith('warn')).length, 1, lines.join('\n'));
  assert.match(lines.find((l) => l.startsWith('warn')) ?? '', /^warn r1: a line that is not/);
  // Half a line waits until its end is written.
  const rest = line(epoch(2));
  appendFileSync(file, rest.slice(0, 20));
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal(got.length, 2);
  appendFileSync(file, rest.slice(20));
  await until(() => got.length === 3);
  assert.deepEqual(got[2], epoch(2));
  f.stop();
  await following;
  assert.ok(lines.includes(`info stopped following ${dir}`));
  assert.equal(state.progressCancel.length, 1);
});

test('a corrupt TensorBoard file stops the following with one line naming it', async () => {
  reset();
  const dir = mkdtempSync(join(tmpdir(), 'tl-follow-'));
  writeFileSync(join(dir, 'events.out.tfevents.1.host'), Buffer.alloc(40, 7));
  const { lines, log } = logger();
  const f = new RunFollowing(
    { showTrainEvent: () => undefined, showScalars: () => undefined, reveal: () => undefined },
    log as never,
  );
  await f.follow(dir);
  const err = lines.find((l) => l.startsWith('error')) ?? '';
  assert.match(err, /events\.out\.tfevents\.1\.host: bad length checksum at byte 0/);
  assert.equal(state.errors.length, 1);
  assert.match(state.errors[0], /^Tensor Lens stopped following .*bad length checksum/);
});

test('TensorBoard scalars reach the panel as series per run and tag, with their own steps and wall times', async () => {
  reset();
  const dir = mkdtempSync(join(tmpdir(), 'tl-follow-'));
  mkdirSync(join(dir, 'a'));
  mkdirSync(join(dir, 'b'));
  const fa = join(dir, 'a', 'events.out.tfevents.1.host');
  writeFileSync(
    fa,
    Buffer.concat([
      record(event(10, 'train/loss', 2.5, { wallTime: 1700000001 })),
      record(event(10, 'lr', 0.125, { wallTime: 1700000001, tensor: true })),
      record(event(20, 'train/loss', Number.NaN, { wallTime: 1700000002 })),
    ]),
  );
  writeFileSync(
    join(dir, 'b', 'events.out.tfevents.2.host'),
    record(event(5, 'train/loss', 1.75, { wallTime: null })),
  );
  const calls: { series: ScalarSeries[]; replace?: boolean }[] = [];
  const { lines, log } = logger();
  const f = new RunFollowing(
    {
      showTrainEvent: () => undefined,
      showScalars: (series, replace) => calls.push({ series, replace }),
      reveal: () => undefined,
    },
    log as never,
  );
  const following = f.follow(dir);
  await until(() => calls.length >= 2);
  // A new folder starts over; then one call per scan with every point read.
  assert.deepEqual(calls[0], { series: [], replace: true });
  assert.deepEqual(calls[1], {
    series: [
      {
        run: 'a',
        tag: 'train/loss',
        points: [
          [10, 2.5, 1700000001],
          // NaN is not a value JSON can carry, nor one to draw: a gap, not 0.
          [20, null, 1700000002],
        ],
      },
      { run: 'a', tag: 'lr', points: [[10, 0.125, 1700000001]] },
      // No wall time in the file: unknown, not 1970.
      { run: 'b', tag: 'train/loss', points: [[5, 1.75, null]] },
    ],
    replace: undefined,
  });
  appendFileSync(fa, record(event(30, 'train/loss', 0.5, { wallTime: 1700000003 })));
  await until(() => calls.length >= 3);
  assert.deepEqual(calls[2].series, [
    { run: 'a', tag: 'train/loss', points: [[30, 0.5, 1700000003]] },
  ]);
  f.stop();
  await following;
  // Each tag is named once in the output channel, not once per point.
  assert.equal(lines.filter((l) => l.includes('TensorBoard scalar train/loss')).length, 2);
  // What the host sends the page passes the page's guard.
  const held = new Map<string, ScalarSeries>();
  for (const c of calls) foldScalars(held, c.series);
  assert.deepEqual(
    held.get('a\u0000train/loss')?.points.map((p) => p[0]),
    [10, 20, 30],
  );
  assert.ok(isHostToWebview({ type: 'scalars', series: [...held.values()], replace: true }));
});
