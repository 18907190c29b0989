// A training run's CSV: every loss point from the host's point log however long the run (the record
// sent to the pages stays capped), the same columns and rows as the record for a short run, a note
// on the first line when only the record's points exist, and the logs deleted with their runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../../src/panel/runStore';
import { batchLine, recordCsv } from '../../../src/panel/runCsv';
import { csvRow } from '../../../src/common/csv';
import type { TrainBatchEvent, TrainEvent } from '../../../src/training/types';
import { trainStream } from './fixtures';

const HEADER =
  'model,kind,epoch,step,samplesSeen,seconds,loss,trainLoss,trainAcc,testLoss,testAcc,epochSeconds,samplesPerSec';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'tl-runcsv-'));
}

/** Feeds the events one second apart, as if they arrived over time. */
function feed(s: RunStore, events: TrainEvent[], from = Date.parse('2026-12-07T20:00:00Z')): void {
  events.forEach((e, i) => s.onTrainEvent(e, new Date(from + i * 1000)));
}

async function csvLines(
  s: RunStore,
  runId: string,
): Promise<{ lines: string[]; thinned: boolean }> {
  const csv = await s.runCsv(runId);
  assert.ok(csv, `run ${runId} is stored`);
  return {
    lines: Buffer.from(csv.bytes).toString('utf8').trim().split('\n'),
    thinned: csv.thinned,
  };
}

/** Rows of a kind (the second column; the header's is `kind`). */
const rowsOf = (lines: string[], kind: 'batch' | 'epoch'): number =>
  lines.filter((l) => l.split(',')[1] === kind).length;

/** 10,000 batches of 64 images per model, two models: 20,000 batch events in one epoch. */
const long = (runId: string): TrainEvent[] =>
  trainStream(runId, { trainSize: 640_000, batchSize: 64, epochs: 1 });

test('a run of 20,000 batch events exports 20,000 loss rows, each as the event had it', async () => {
  const dir = tempDir();
  try {
    const s = new RunStore(dir);
    const events = long('r');
    const batches = events.filter((e): e is TrainBatchEvent => e.event === 'batch');
    assert.equal(batches.length, 20_000);
    feed(s, events);
    // The record the pages get stays capped.
    const run = s.runs()[0];
    assert.ok(run.batches.mlp.length <= 2000 && run.batches.cnn.length <= 2000);
    const { lines, thinned } = await csvLines(s, 'r');
    assert.equal(thinned, false);
    assert.equal(lines[0], HEADER);
    const rows = lines.slice(1).map((l) => l.split(','));
    const loss = rows.filter((r) => r[1] === 'batch');
    assert.equal(loss.length, 20_000);
    assert.equal(rows.filter((r) => r[1] === 'epoch').length, 2);
    // Model, step, samples seen, seconds since the start and loss, for every event in order.
    const arrivals = new Map(events.map((e, i) => [e, i]));
    loss.forEach((r, i) => {
      const e = batches[i];
      // The start event came at second 0, each later event a second after the one before.
      const arrived = arrivals.get(e);
      assert.deepEqual(
        r.slice(0, 7),
        [
          e.model,
          'batch',
          '',
          String(e.batch),
          String(e.samplesSeen),
          String(arrived),
          String(e.loss),
        ],
        `row ${i + 1}`,
      );
    });
    const cnnLast = loss[loss.length - 1];
    assert.equal(cnnLast[3], '10000');
    assert.equal(cnnLast[4], '640000');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a short run: the same header, and the same rows as its record (nothing was thinned)', async () => {
  const dir = tempDir();
  try {
    const s = new RunStore(dir);
    feed(s, trainStream('short', { trainSize: 640, epochs: 3 }));
    const { lines } = await csvLines(s, 'short');
    assert.equal(lines[0], HEADER);
    const run = s.runs()[0];
    const record = recordCsv(run, 2000).trim().split('\n');
    assert.match(record[0], /^# Stored points only: /);
    assert.deepEqual(lines, record.slice(1));
    assert.equal(lines.length, 1 + 2 * 3 * 10 + 2 * 3);
    assert.match(lines[1], /^mlp,batch,,1,64,1,\d/);
    assert.match(lines[lines.length - 1], /^cnn,epoch,3,,,,,/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('after a reload the run still exports every point; a run kept without its log says so on its first line', async () => {
  const dir = tempDir();
  try {
    const s = new RunStore(dir);
    feed(s, long('kept'));
    await s.flush();
    const again = new RunStore(dir);
    await again.load();
    const { lines, thinned } = await csvLines(again, 'kept');
    assert.equal(thinned, false);
    assert.equal(rowsOf(lines, 'batch'), 20_000);

    // The same run as an earlier version stored it: the record, no log.
    for (const f of readdirSync(join(dir, 'points'))) rmSync(join(dir, 'points', f));
    const old = new RunStore(dir);
    await old.load();
    const csv = await old.runCsv('kept');
    assert.ok(csv?.thinned);
    const text = Buffer.from(csv.bytes).toString('utf8').trim().split('\n');
    const stored = old.runs()[0].batches;
    const n = stored.mlp.length + stored.cnn.length;
    assert.equal(csv.lossPoints, n);
    assert.ok(stored.mlp.length <= 2000 && stored.cnn.length <= 2000, `${n} stored points`);
    assert.match(text[0], new RegExp(`^# Stored points only: .* these are the ${n} loss points`));
    assert.doesNotMatch(text[0], /,/, 'one cell in a reader that does not skip comments');
    assert.equal(text[1], HEADER);
    assert.equal(rowsOf(text, 'batch'), n);
    assert.equal(rowsOf(text, 'epoch'), 2);
    assert.equal(await old.runCsv('gone'), undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a log that cannot be written is reported, and the export falls back to the record with its note', async () => {
  const dir = tempDir();
  try {
    // The log's folder cannot be made: a file is in its place.
    writeFileSync(join(dir, 'points'), 'not a folder');
    const errors: string[] = [];
    const s = new RunStore(dir, {}, (m) => errors.push(m));
    feed(s, trainStream('w', { trainSize: 640 }));
    const { lines, thinned } = await csvLines(s, 'w');
    assert.equal(thinned, true);
    assert.match(lines[0], /^# Stored points only/);
    assert.equal(lines[1], HEADER);
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /could not keep every point of run w: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("logs go with their runs: past the run cap, on Clear, and a day-old orphan on load (a fresh one may be another window's)", async () => {
  const dir = tempDir();
  try {
    const s = new RunStore(dir, { maxRuns: 2 });
    for (const id of ['a', 'b', 'c']) feed(s, trainStream(id, { trainSize: 640 }));
    await s.flush();
    const logs = (): string[] => readdirSync(join(dir, 'points')).sort();
    assert.deepEqual(
      s.runs().map((r) => r.runId),
      ['b', 'c'],
    );
    assert.equal(logs().length, 2);
    assert.equal((await s.runCsv('b'))?.thinned, false);

    const orphan = join(dir, 'points', 'ffff.points.csv');
    const fresh = join(dir, 'points', 'eeee.points.csv');
    writeFileSync(orphan, HEADER);
    writeFileSync(fresh, HEADER);
    const dayAgo = (Date.now() - 25 * 3600 * 1000) / 1000;
    utimesSync(orphan, dayAgo, dayAgo);
    const again = new RunStore(dir, { maxRuns: 2 });
    await again.load();
    assert.equal(logs().length, 3);
    assert.ok(!logs().includes('ffff.points.csv') && logs().includes('eeee.points.csv'));

    again.clearRuns();
    await again.flush();
    assert.deepEqual(logs(), ['eeee.points.csv']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a live run exports what has arrived so far; a diverged (NaN) batch has no row, as it has no point', async () => {
  const dir = tempDir();
  try {
    const s = new RunStore(dir);
    const events = trainStream('live', { trainSize: 640, epochs: 2 });
    const cut = events.findIndex((e) => e.event === 'epoch');
    feed(s, events.slice(0, cut + 4));
    const bad: TrainEvent = { ...(events[cut + 4] as TrainBatchEvent), loss: NaN };
    s.onTrainEvent(bad);
    const { lines } = await csvLines(s, 'live');
    assert.equal(rowsOf(lines, 'batch'), 10 + 3);
    assert.equal(rowsOf(lines, 'epoch'), 1);
    // A model named like a formula is written as text.
    s.onTrainEvent({ ...(events[cut + 5] as TrainBatchEvent), model: '=HYPERLINK("x")' });
    const after = await csvLines(s, 'live');
    assert.equal(after.lines[after.lines.length - 2].split(',')[0], `"'=HYPERLINK(""x"")"`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a loss line has the cells the shared writer gives them (it is built by hand, per batch)', () => {
  const cases: [string, number | null, number, number | null, number][] = [
    ['mlp', 1, 64, 0.5, 2.302585092994046],
    ['=cmd|x', null, 0, null, -1e-7],
    ['a, "b"', 3, 1e21, 12.25, NaN],
    ['-net', 0, 5, 0, Infinity],
  ];
  for (const [model, step, x, seconds, loss] of cases)
    assert.equal(
      batchLine(model, step, x, seconds, loss),
      `${csvRow([model, 'batch', null, step, x, seconds, loss, null, null, null, null, null, null])}\n`,
    );
});
