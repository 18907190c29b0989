// Keeping every loss point of a run for its CSV (issue 18, "data as CSV: one file per run, every
// point"): the host's run store folds each batch event into the capped record it sends to pages,
// and also appends the point's CSV line to the run's log under global storage. Measured here on a
// run of 1,000,000 batch events (two models): the host-thread time per batch event with and without
// the log, as a share of the host's thread at 6,000 batches a second (the panel bench's stream
// rate, beyond any real run); the export of that run (read, epoch rows, one buffer) and the longest
// event-loop block while it runs (after a full collection of the feed's garbage); the log's bytes per point and runs.json's size beside it.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { RunStore, type RunCsv } from '../src/panel/runStore';
import type { TrainEvent } from '../src/training/types';
import { trainStream } from '../test/unit/panel/fixtures';
import type { BenchSection } from './run';

const PER_MODEL = 500_000;
const RATE = 6000;
/** The log may take at most this share of the host's thread at RATE batches a second. */
const TARGET_SHARE = 0.01;
const FRAME_MS = 1000 / 60;

function feed(dir: string | undefined, events: TrainEvent[]): { store: RunStore; ms: number } {
  const store = new RunStore(dir);
  const t0 = performance.now();
  for (const e of events) store.onTrainEvent(e);
  return { store, ms: performance.now() - t0 };
}

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** Feeds the run three times with and without the log; the last store with its log is kept. */
function measureFeed(): {
  batches: number;
  events: number;
  recordOnly: number[];
  withLog: number[];
  dir: string;
  store: RunStore;
} {
  const events = trainStream('r', { trainSize: PER_MODEL * 64, batchSize: 64, epochs: 1 });
  feed(undefined, events.slice(0, 50_000));
  const recordOnly: number[] = [];
  const withLog: number[] = [];
  let dir = '';
  let store = new RunStore(undefined);
  for (let i = 0; i < 3; i++) {
    recordOnly.push(feed(undefined, events).ms);
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = mkdtempSync(join(tmpdir(), 'tl-bench-log-'));
    const r = feed(dir, events);
    withLog.push(r.ms);
    store = r.store;
  }
  const batches = events.filter((e) => e.event === 'batch').length;
  return { batches, events: events.length, recordOnly, withLog, dir, store };
}

export async function run(): Promise<BenchSection> {
  const title = 'Panel host: every loss point kept for the run CSV';
  const load0 = loadavg()[0];
  // The events (a million objects) go out of scope here: the host never holds them all.
  const { batches, events, recordOnly, withLog, dir, store } = measureFeed();
  try {
    await store.flush();
    // The feed loops leave hundreds of MB of garbage; collected now, so that the block measured is
    // the export's own, not the collection of the bench's garbage it happens to trigger.
    setFlagsFromString('--expose-gc');
    (runInNewContext('gc') as () => void)();
    // Five exports: on a shared machine one may be descheduled mid-way; the medians are the export's.
    const exports: number[] = [];
    const blocks: number[] = [];
    let csv: RunCsv | undefined;
    for (let i = 0; i < 5; i++) {
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const t0 = performance.now();
      csv = await store.runCsv('r');
      exports.push(performance.now() - t0);
      delay.disable();
      blocks.push(delay.max / 1e6);
    }
    if (!csv || csv.thinned) throw new Error('the run has no point log');
    const logFile = readdirSync(join(dir, 'points'))[0];
    const logBytes = statSync(join(dir, 'points', logFile)).size;
    const runsJson = statSync(join(dir, 'runs.json')).size;
    const usRecord = (median(recordOnly) * 1000) / events;
    const usLog = (median(withLog) * 1000) / events;
    const share = ((usLog - usRecord) * RATE) / 1e6;
    const blockMs = median(blocks);
    const exportMs = median(exports);
    return {
      title,
      markdown: [
        `A run of ${batches.toLocaleString('en-US')} batch events (two models), fed to the run store in a loop; medians of 3. Load average ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}.`,
        '',
        '| | µs per batch event on the host thread |',
        '|---|---|',
        `| record only (capped curve, runs.json) | ${usRecord.toFixed(2)} |`,
        `| record + point log | ${usLog.toFixed(2)} |`,
        '',
        `- The log's share of the host's thread at ${RATE.toLocaleString('en-US')} batches a second: ${(share * 100).toFixed(2)} % — ${share <= TARGET_SHARE ? 'met' : 'MISSED'} (target ≤ ${TARGET_SHARE * 100} %).`,
        `- Export of the whole run (${(csv.bytes.length / 1e6).toFixed(1)} MB of CSV): ${exportMs.toFixed(0)} ms; longest event-loop block meanwhile (medians of 5) ${blockMs.toFixed(1)} ms, ${(blockMs / FRAME_MS).toFixed(2)}× a 60 Hz frame — ${blockMs <= FRAME_MS ? 'met' : 'MISSED'} (target ≤ 1 frame).`,
        `- On disk: ${(logBytes / batches).toFixed(1)} bytes per loss point in the log (${(logBytes / 1e6).toFixed(1)} MB); runs.json stays ${(runsJson / 1e3).toFixed(0)} kB (the record the pages get is capped at 2,000 points per model).`,
      ].join('\n'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
