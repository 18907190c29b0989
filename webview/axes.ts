// The training charts' x axis: samples seen, optimizer step or wall time. Samples are always known
// (every loss point has them); steps and times come from the run record's clocks, which older or
// partial records lack: then the run has no point on that axis (unknown, never interpolated). Pure.
import type { StoredTrainRun } from '../src/common/messages';

export type XAxis = 'samples' | 'step' | 'time';

export const X_AXES: readonly { key: XAxis; label: string; title: string }[] = [
  { key: 'samples', label: 'Samples', title: 'samples seen' },
  { key: 'step', label: 'Step', title: 'optimizer step' },
  { key: 'time', label: 'Time', title: 'wall time since the run started' },
];

export const isXAxis = (v: unknown): v is XAxis => X_AXES.some((a) => a.key === v);

/** Each loss point's x on `axis`, or null when the record has no such clock for this model. */
export function lossXs(run: StoredTrainRun, model: string, axis: XAxis): number[] | null {
  const pts = run.batches[model] ?? [];
  if (axis === 'samples') return pts.map((p) => p[0]);
  const clock = run.batchClock?.[model];
  if (!clock || clock.length !== pts.length) return null;
  return clock.map((c) => (axis === 'step' ? c[0] : c[1]));
}

/** The run's batch size as reported, else as asked by a request the host recorded; else null. */
export function batchSizeOf(run: StoredTrainRun): number | null {
  const b = run.hyper?.batchSize ?? (run.params.models.length ? run.params.batchSize : 0);
  return b > 0 ? b : null;
}

/**
 * The x of the end of `run.epochs[i]` on `axis`; `samplesX` gives it in samples. An epoch is
 * ceil(train size / batch) steps, as both engines batch; its time is when its event arrived.
 */
export function epochEndX(
  run: StoredTrainRun,
  i: number,
  axis: XAxis,
  samplesX: () => number,
): number | null {
  const e = run.epochs[i];
  if (!e) return null;
  if (axis === 'samples') return samplesX();
  if (axis === 'time') {
    const c = run.epochClock;
    return c && c.length === run.epochs.length ? c[i] : null;
  }
  const b = batchSizeOf(run);
  const n = run.trainSize ?? 0;
  return b !== null && n > 0 ? e.epoch * Math.ceil(n / b) : null;
}
