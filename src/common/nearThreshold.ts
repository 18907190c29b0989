// Numbers printed beside the threshold they are compared with, by the CLI and the panel alike.

/**
 * `v` with `decimals` decimals, or with more while that rounding would equal the threshold or land
 * on its other side: "R-hat 1.010 > 1.01" reads as a contradiction, "R-hat 1.0104 > 1.01" does not.
 */
export function fixedAgainst(v: number, threshold: number, decimals: number): string {
  if (!Number.isFinite(v) || v === threshold) return v.toFixed(decimals);
  for (let d = decimals; d <= 15; d++) {
    const s = v.toFixed(d);
    const r = Number(s);
    if (r !== threshold && r > threshold === v > threshold) return s;
  }
  // The shortest text that reads back as v itself, which differs from the threshold.
  return String(v);
}
