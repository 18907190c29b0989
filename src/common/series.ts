// Series helpers the host's run store and the page both use, so a stored curve and a live one are
// built the same way.

/**
 * Keeps a growing series bounded for storage: once it holds more than `max` points every other point
 * is dropped (the last one always stays), so the spacing stays even and appends stay O(1) amortised.
 */
export function decimate<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  for (let i = 0; i < points.length - 1; i += 2) out.push(points[i]);
  out.push(points[points.length - 1]);
  return out;
}

/** One model's count on a SamplesAxis: the last raw count and the offset added to it. */
export interface AxisCount {
  model: string;
  raw: number;
  offset: number;
}

/**
 * Samples seen as a monotone x value per model. The worker may count per epoch or cumulatively; when
 * the raw count drops, the previous count is added as an offset so the axis keeps going up.
 */
export class SamplesAxis {
  private readonly last = new Map<string, { raw: number; offset: number }>();
  /** An axis that goes on from `counts` (another axis's `counts()`). */
  static from(counts: readonly AxisCount[]): SamplesAxis {
    const a = new SamplesAxis();
    for (const c of counts) a.last.set(c.model, { raw: c.raw, offset: c.offset });
    return a;
  }
  counts(): AxisCount[] {
    return [...this.last].map(([model, s]) => ({ model, raw: s.raw, offset: s.offset }));
  }
  x(model: string, samplesSeen: number): number {
    const s = this.last.get(model) ?? { raw: 0, offset: 0 };
    if (samplesSeen < s.raw) s.offset += s.raw;
    s.raw = samplesSeen;
    this.last.set(model, s);
    return s.offset + samplesSeen;
  }
  current(model: string): number {
    const s = this.last.get(model);
    return s ? s.offset + s.raw : 0;
  }
  total(): number {
    let t = 0;
    for (const m of this.last.keys()) t += this.current(m);
    return t;
  }
}
