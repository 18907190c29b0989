// Loss-curve smoothing that does not lie about the start of a run or about thinned stretches.
//
// A plain exponential moving average starts from 0, so its first values are pulled towards 0 and a
// loss curve looks far better than it was; TensorBoard fixed this by dividing by the weight the
// average has collected so far (debiasing). A stored curve is also thinned unevenly (the oldest points
// were decimated most), and an EMA that counts points gives a kept point of a thinned stretch the
// weight of one step although it stands for several; W&B weights each point by the x distance it
// covers instead. This smoother does both: each point's weight is 1 − w^(dx/unit), the weight of
// dx/unit steps of a constant value, and the output divides by the total weight collected. On evenly
// spaced points (dx = unit) it is exactly TensorBoard's debiased EMA.

/** Slider range: 0 (raw) … 0.99 (heavy); above it the average would barely move. */
export const MAX_SMOOTHING = 0.99;

/**
 * Debiased, x-weighted exponential smoothing of `ys` at increasing positions `xs`. `unit` is the x
 * distance of one un-thinned step (a batch's samples); `weight` the per-step decay, clamped to
 * [0, MAX_SMOOTHING]. A non-finite y adds nothing: its output is the average so far (NaN before the
 * first finite value), so a diverged batch never drags the curve.
 */
export function smoothSeries(
  xs: readonly number[],
  ys: readonly number[],
  weight: number,
  unit: number,
): number[] {
  const w = Math.min(Math.max(Number.isFinite(weight) ? weight : 0, 0), MAX_SMOOTHING);
  const u = Number.isFinite(unit) && unit > 0 ? unit : 1;
  const out = new Array<number>(ys.length);
  let sum = 0;
  let norm = 0;
  for (let i = 0; i < ys.length; i++) {
    // The first point's span is unknown; one step is the neutral choice (it cancels in the ratio).
    const dx = i === 0 ? u : xs[i] - xs[i - 1];
    const decay = w === 0 ? 0 : Math.pow(w, Math.max(dx, 0) / u);
    const y = ys[i];
    if (Number.isFinite(y)) {
      sum = sum * decay + (1 - decay) * y;
      norm = norm * decay + (1 - decay);
    }
    // norm is 0 only before the first finite value, or for a zero-width first gap with w > 0.
    out[i] = norm > 0 ? sum / norm : Number.isFinite(y) ? y : NaN;
  }
  return out;
}

/**
 * The x distance of one step when the batch size is not known: the smallest gap that at least a
 * quarter of the gaps share (a stored curve's densest, most recent stretch), so a short last batch
 * of an epoch does not become the unit.
 */
export function stepUnit(xs: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < xs.length; i++) {
    const d = xs[i] - xs[i - 1];
    if (d > 0 && Number.isFinite(d)) gaps.push(d);
  }
  if (!gaps.length) return 1;
  gaps.sort((a, b) => a - b);
  return gaps[Math.floor((gaps.length - 1) / 4)];
}
