// A live training run's progress line as it streams: the batch it is at, and recent (time, samples
// seen) pairs from which the page shows samples/s and the time left. The page folds the batch events
// into it to draw the Training header, and the host folds the same events into its own copy, so a page
// that opens (or reloads) mid-run shows the line at once instead of "starting…" until the next batch.
// One fold for both, so the two copies cannot drift apart. The curves themselves travel in the run's
// record (runReducer.ts), already folded and bounded.
import type { TrainBatchEvent } from '../training/types';
import { SamplesAxis, type AxisCount } from './series';

/** Where in a run training is, for the header's samples/s and time left. */
export interface ProgressSample {
  /** Wall-clock milliseconds. */
  t: number;
  /** Samples seen so far summed over every model in the run. */
  seen: number;
}

export interface TrainPosition {
  model: string;
  epoch: number;
  batch: number;
  batches: number;
}

export interface LiveTrain {
  current?: TrainPosition;
  history: ProgressSample[];
}

/**
 * Progress samples kept per run. The rate and the time left look back 5 and 15 seconds; batch events
 * come at most a few dozen times a second, and events arriving together share one sample.
 */
const HISTORY = 400;

/** A run's progress at its start event: nothing seen yet. */
export function startLive(now: number): LiveTrain {
  return { history: [{ t: now, seen: 0 }] };
}

/** Folds a batch event the run's record took (a diverged loss is not one); `seen`: all models' samples. */
export function foldBatchProgress(
  p: LiveTrain,
  e: TrainBatchEvent,
  seen: number,
  now: number,
): void {
  p.current = { model: e.model, epoch: e.epoch, batch: e.batch, batches: e.batches };
  // Events of one burst share their arrival time: the last count at a time stands for it.
  const last = p.history[p.history.length - 1];
  if (last?.t === now) last.seen = seen;
  else p.history.push({ t: now, seen });
  if (p.history.length > HISTORY) p.history.splice(0, p.history.length - HISTORY);
}

/**
 * A live run's progress as the host has it, for a page that joins mid-run: its position, its samples
 * axis (so the page's next loss point lands where the host's would), and its history with each time
 * as milliseconds before the snapshot, since the page's clock need not be the host's (remote hosts).
 */
export interface LiveTrainSnapshot {
  runId: string;
  current?: TrainPosition;
  axis: AxisCount[];
  history: { ago: number; seen: number }[];
}

export function snapshotLive(
  runId: string,
  p: LiveTrain,
  axis: SamplesAxis,
  now: number,
): LiveTrainSnapshot {
  return {
    runId,
    ...(p.current ? { current: { ...p.current } } : {}),
    axis: axis.counts(),
    history: p.history.map((s) => ({ ago: Math.max(0, now - s.t), seen: s.seen })),
  };
}

/** The page's progress and samples axis from a snapshot, on the page's clock. */
export function restoreLive(
  s: LiveTrainSnapshot,
  now: number,
): { live: LiveTrain; axis: SamplesAxis } {
  return {
    live: {
      ...(s.current ? { current: { ...s.current } } : {}),
      history: s.history.slice(-HISTORY).map((h) => ({ t: now - h.ago, seen: h.seen })),
    },
    axis: SamplesAxis.from(s.axis),
  };
}
