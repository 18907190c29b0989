// TensorBoard scalars of a followed run, as the panel draws them: one series per run and tag, each
// point the logger's own step, value and wall time. They are not turned into epochs or losses: a tag
// is whatever the user's code logged, and the page draws it as that, under its own name.
import { decimate } from './series';

/**
 * [step, value, wall time (Unix seconds)]. The value is null where the logger wrote NaN or ±∞ (JSON
 * cannot carry them); the wall time is null where the event file gave none.
 */
export type ScalarPoint = [number, number | null, number | null];

export interface ScalarSeries {
  /** The run's folder, relative to the followed one. */
  run: string;
  tag: string;
  points: ScalarPoint[];
}

/** Points kept per series; halved by decimation past it (the newest point always stays). */
export const MAX_SCALAR_POINTS = 4000;

export const seriesKey = (s: { run: string; tag: string }): string => `${s.run}\u0000${s.tag}`;

/** Appends each incoming series' points to the held one of its run and tag (created if new). */
export function foldScalars(
  held: Map<string, ScalarSeries>,
  incoming: readonly ScalarSeries[],
  maxPoints = MAX_SCALAR_POINTS,
): void {
  for (const s of incoming) {
    const key = seriesKey(s);
    let mine = held.get(key);
    if (!mine) held.set(key, (mine = { run: s.run, tag: s.tag, points: [] }));
    // One at a time: a first scan of a long log brings many thousands, too many to spread into push.
    for (const p of s.points) {
      mine.points.push(p);
      if (mine.points.length > maxPoints) mine.points = decimate(mine.points, maxPoints);
    }
  }
}

/** Scalars in arrival order grouped into series (one per run and tag, first-seen order). */
export function groupScalars(
  items: readonly {
    run: string;
    tag: string;
    step: number;
    value: number;
    wallTime: number | null;
  }[],
): ScalarSeries[] {
  const out = new Map<string, ScalarSeries>();
  for (const it of items) {
    const key = seriesKey(it);
    let s = out.get(key);
    if (!s) out.set(key, (s = { run: it.run, tag: it.tag, points: [] }));
    s.points.push([it.step, Number.isFinite(it.value) ? it.value : null, it.wallTime]);
  }
  return [...out.values()];
}
