// The TensorBoard scalars of followed runs as charts: one per tag, one line per run, x the logger's
// own step or the wall time since that run's first logged point. Pure (no DOM), unit-tested. Nothing
// here is turned into epochs or losses: a tag is drawn as what it is, under its own name.
import type { ScalarSeries } from '../src/common/messages';

export type ScalarX = 'step' | 'time';

export interface ScalarLine {
  run: string;
  /** y null is a gap (the logger wrote NaN or ±∞). */
  points: { x: number; y: number | null }[];
}

export interface ScalarChart {
  tag: string;
  lines: ScalarLine[];
  /** Runs with points that have no wall time, so are not drawn against it. */
  noTime: string[];
}

/** Seconds since each run's earliest wall time over all its tags, so runs line up at their start. */
function runStarts(series: readonly ScalarSeries[]): Map<string, number> {
  const starts = new Map<string, number>();
  for (const s of series)
    for (const [, , t] of s.points)
      if (t !== null && t < (starts.get(s.run) ?? Infinity)) starts.set(s.run, t);
  return starts;
}

/** One chart per tag in first-seen order; a tag's runs in first-seen order. */
export function scalarCharts(series: readonly ScalarSeries[], x: ScalarX): ScalarChart[] {
  const starts = x === 'time' ? runStarts(series) : new Map<string, number>();
  const charts = new Map<string, ScalarChart>();
  for (const s of series) {
    let c = charts.get(s.tag);
    if (!c) charts.set(s.tag, (c = { tag: s.tag, lines: [], noTime: [] }));
    const points: ScalarLine['points'] = [];
    let untimed = false;
    for (const [step, value, wall] of s.points) {
      if (x === 'step') points.push({ x: step, y: value });
      else if (wall === null) untimed = true;
      else points.push({ x: wall - (starts.get(s.run) ?? wall), y: value });
    }
    // A logger may write a step twice or go back (a resumed run): draw in x order, as TensorBoard does.
    points.sort((a, b) => a.x - b.x);
    if (untimed && !c.noTime.includes(s.run)) c.noTime.push(s.run);
    if (points.length) c.lines.push({ run: s.run, points });
  }
  return [...charts.values()];
}
