// Pure data preparation for the sampling diagnostics views (rank plots, energy plot, PIT, the flag
// list, divergence marks on the trace); webview/diagnosticsView.ts draws them. No DOM here, so
// test/unit/panel/diagnosticsData.test.ts runs it in Node.
import type { DiagnosticsReport, SampleResult } from '../src/common/messages';

export interface Pt {
  x: number;
  y: number;
}

/**
 * Rank plot as step lines: for each chain, its share of each rank bin relative to a uniform share
 * (1 = exactly uniform). Chains that mix well all hover around 1; a chain stuck high or low stands out.
 */
export function rankPlotLines(ranks: DiagnosticsReport['ranks']): Pt[][] {
  const B = ranks.bins;
  return ranks.counts.map((counts) => {
    const total = counts.reduce((a, b) => a + b, 0);
    const pts: Pt[] = [];
    if (!(total > 0) || !(B > 0)) return pts;
    counts.forEach((c, i) => {
      const y = (c * B) / total;
      pts.push({ x: i / B, y }, { x: (i + 1) / B, y });
    });
    return pts;
  });
}

/** Energy plot: the two histograms as densities on their shared bins (ArviZ's plot_energy). */
export function energyLines(energy: NonNullable<DiagnosticsReport['energy']>): {
  marginal: Pt[];
  transition: Pt[];
} {
  const toDensity = (counts: number[]): Pt[] => {
    const total = counts.reduce((a, b) => a + b, 0);
    const pts: Pt[] = [];
    if (!(total > 0)) return pts;
    counts.forEach((c, i) => {
      const w = energy.edges[i + 1] - energy.edges[i];
      const y = c / total / w;
      pts.push({ x: energy.edges[i], y }, { x: energy.edges[i + 1], y });
    });
    return pts;
  };
  return { marginal: toDensity(energy.marginal), transition: toDensity(energy.transition) };
}

/** PIT histogram as a density on [0, 1]: flat at 1 when the draws follow the numeric CDF. */
export function pitLine(pit: number[]): Pt[] {
  const B = pit.length;
  const total = pit.reduce((a, b) => a + b, 0);
  const pts: Pt[] = [];
  if (!(total > 0)) return pts;
  pit.forEach((c, i) => {
    const y = (c * B) / total;
    pts.push({ x: i / B, y }, { x: (i + 1) / B, y });
  });
  return pts;
}

/**
 * Divergent draws as points on the thinned trace of their chain: draw k sits at trace index
 * ⌊k / stride⌋, stride being what the engine thinned by (⌈n / trace length⌉).
 */
export function divergenceMarks(r: SampleResult): Pt[] {
  const marks: Pt[] = [];
  const div = r.report?.divergentDraws;
  if (!div) return marks;
  div.forEach((ks, c) => {
    const tr = r.traces[c];
    if (!tr || tr.length === 0) return;
    const stride = Math.max(1, Math.ceil(r.n / tr.length));
    for (const k of ks) {
      const i = Math.min(tr.length - 1, Math.floor(k / stride));
      marks.push({ x: i, y: tr[i] });
    }
  });
  return marks;
}

/** 2 → "2nd", 3 → "3rd", 11 → "11th", 23 → "23rd". */
function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** The KS note shown beside the p-value: what it ran on, and why. */
export function ksNote(r: SampleResult): string {
  const thin = r.ksThin ?? 1;
  const n = r.report?.ksDraws;
  const on = n !== undefined ? `${n} draws` : 'the draws';
  if (thin > 1)
    return `on ${on}, every ${ordinal(thin)}: KS assumes independent draws, so each chain is thinned by its autocorrelation time`;
  return `on ${on} (independent draws, no thinning)`;
}
