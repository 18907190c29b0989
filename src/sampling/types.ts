// What the sampling engine takes and reports: its request, its progress stream and its result. The
// worker protocol (src/worker/protocol.ts), the panel and the CLI import these; the engine owns them.

import type { SamplerName } from './samplers';

// The samplers themselves (names, labels, colours, chains) are the registry in samplers.ts.
export type { SamplerName };

export interface SampleRequestParams {
  expr: string;
  sampler: SamplerName;
  n: number;
  chains: number;
  seed: number;
  /** Support or plotting range [a, b]; for 2-D the same range on both axes unless rangeY is given. */
  range?: [number, number];
  rangeY?: [number, number];
  /** The expression is log f rather than f. */
  logDensity?: boolean;
  /** Number of histogram bins the worker computes for the panel. */
  bins?: number;
  /** Warm-up draws per chain for MCMC (default n/2 capped). */
  warmup?: number;
  /** Echoed in progress events and the result (default 'sample'). */
  runId?: string;
  /** Fixed values for what warm-up tunes; an absent field (or no `tuning`) is "auto". */
  tuning?: SamplerTuning;
}

/**
 * Tuning controls. Each absent field is "auto": warm-up adapts it. A given value is used as is
 * and not adapted, so a user can see what a bad step size or proposal scale does.
 */
export interface SamplerTuning {
  /** MH: proposal standard deviation per axis (auto: adapted in warm-up). */
  mhScale?: number;
  /** HMC and NUTS: leapfrog step size in the sampler's scaled coordinates (auto: dual averaging). */
  stepSize?: number;
  /** HMC: leapfrog steps per transition (auto: about π/2 ÷ step size, jittered). */
  steps?: number;
  /** HMC and NUTS: dual averaging's target acceptance, 0–1 exclusive (auto: 0.65 HMC, 0.8 NUTS). */
  targetAccept?: number;
  /** NUTS: the deepest tree, 1–15 (auto: 10, at most 1023 leapfrogs per draw). */
  maxDepth?: number;
}

export interface Histogram {
  /** Bin edges, length bins + 1. */
  edges: number[];
  counts: number[];
}

export interface Histogram2D {
  xEdges: number[];
  yEdges: number[];
  /** Row-major counts[yi * nx + xi]. */
  counts: number[];
}

/** A batch of draws streamed while a sampler runs (thinned for the trace plot). */
export interface SampleProgressEvent {
  event: 'progress';
  runId: string;
  chain: number;
  /** Draw index of the first value in `x`. */
  start: number;
  x: number[];
  y?: number[];
  done: number;
  total: number;
  /** 'warmup' events carry no draws, only done/total. */
  phase?: 'warmup' | 'sampling';
  /** x[k] is draw start + k·stride (the stream is thinned for the trace plot). */
  stride?: number;
  /** Rejection raised its envelope and restarted: discard every draw received so far. */
  restarted?: boolean;
}

export interface SampleDiagnostics {
  sampler: SamplerName;
  n: number;
  chains: number;
  dims: 1 | 2;
  acceptance: number | null;
  essBulk: number;
  essTail: number;
  rhat: number;
  mcseMean: number;
  mean: number;
  sd: number;
  ks: { D: number; p: number } | null;
  divergences?: number;
  proposalsPerDraw?: number;
  uError?: number;
  /** Sampling time (warm-up + draws); setup (support scan, tables) is setupSeconds. */
  seconds: number;
  drawsPerSec: number;
  setupSeconds?: number;
  /** Diagnostics and summaries after the last draw (ESS, R-hat, KS, histograms, traces). */
  diagnosticsSeconds?: number;
  /** Warm-up iterations per chain (0 for i.i.d. samplers). */
  warmup?: number;
  /** Mean of x under the numerically integrated density (1-D; x-marginal in 2-D). */
  trueMean?: number;
  /** Thinning used for the KS test (⌈N/ESS⌉ for MCMC, 1 for i.i.d.). */
  ksThin?: number;
  /** MH proposal scale, slice width, or HMC/NUTS step size after warm-up (mean over chains). */
  stepSize?: number;
  leapfrogsPerDraw?: number;
  meanTreeDepth?: number;
  /** Slice: density evaluations per draw. */
  evalsPerDraw?: number;
  /** Rejection: the proposal and c that were used, and how often the runtime guard restarted. */
  envelope?: string;
  restarts?: number;
  /** 'failed' when a chain never moved (every kept draw equal, or every transition divergent): the
   * draws are then not from the density, whatever the other numbers say. */
  status?: 'ok' | 'failed';
  /** One line each: why the run failed, or what to be wary of (divergences). */
  warnings?: string[];
  /** Absent in runs stored before it existed. */
  report?: DiagnosticsReport;
}

/** A setting a flag's advice points to: the CLI names it by its flag, the panel by its field. */
export type AdviceSetting = 'n' | 'warmup' | 'range' | 'logDensity' | 'targetAccept' | 'maxDepth';

/**
 * What to change, as text and the settings it names (`text` reads alone in the panel, e.g. "a longer
 * warm-up"; the CLI adds the flag, "a longer warm-up (--warmup)").
 */
export type Advice = (string | { text: string; setting: AdviceSetting })[];

/** A diagnostic past its threshold: what it measured, and what to change. */
export interface DiagnosticFlag {
  metric: 'rhat' | 'essBulk' | 'essTail' | 'divergences' | 'treeDepth' | 'ebfmi';
  /** e.g. "R-hat 1.04 > 1.01: the chains disagree". */
  message: string;
  /** The advice as the CLI prints it, e.g. "a longer warm-up (--warmup) …". */
  fix: string;
  /** The same advice with its settings apart, for wherever else it is shown (absent in older runs). */
  advice?: Advice;
}

/**
 * The diagnostics as Stan and ArviZ report them, beyond the headline numbers of SampleDiagnostics.
 * Numbers that cannot be estimated are NaN (null after JSON): unknown, never a guess.
 */
export interface DiagnosticsReport {
  rhatBulk: number;
  rhatTail: number;
  /** Quantiles of x and their Monte Carlo standard errors. */
  q05: number;
  q95: number;
  mcseQ05: number;
  mcseQ95: number;
  /** Flag thresholds, so the panel and the CLI show what was compared. */
  thresholds: { rhat: number; essPerChain: number; ebfmi: number };
  /** HMC and NUTS: E-BFMI per chain. */
  ebfmi?: number[];
  /** NUTS: fraction of draws whose tree stopped at the maximum depth, and that depth. */
  treeDepthSaturation?: number;
  maxTreeDepth?: number;
  /** HMC and NUTS: per chain, indices of divergent draws (at most 1000 each). */
  divergentDraws?: number[][];
  /** HMC and NUTS: histograms of the centred energy E − Ē and of the transitions ΔE, same bins. */
  energy?: { edges: number[]; marginal: number[]; transition: number[] };
  /** Rank plot: per chain, counts of its draws' pooled ranks in `bins` equal bins. */
  ranks: { bins: number; counts: number[][] };
  /** What the KS test ran on: `n` draws, every `thin`-th, thin = ⌈τ⌉ with τ = draws / ESS bulk. */
  ksDraws: number;
  /** PIT: counts of F(x) of the thinned draws in equal bins of [0, 1] (flat when the draws fit). */
  pit: number[];
  flags: DiagnosticFlag[];
}

export interface SampleResult extends SampleDiagnostics {
  runId: string;
  expr: string;
  range: [number, number];
  rangeY?: [number, number];
  histogram: Histogram;
  histogramY?: Histogram;
  histogram2d?: Histogram2D;
  /** The normalised true density on a grid, for the overlay (1-D: marginal in x). */
  density: { x: number[]; y: number[] };
  densityY?: { x: number[]; y: number[] };
  /** Density on a grid for the 2-D heat map, row-major. */
  density2d?: { nx: number; ny: number; values: number[] };
  autocorrelation: number[];
  /** Draws per chain the autocorrelation was estimated from: the first ones (all of a short run). */
  autocorrelationDraws?: number;
  /** A thinned trace per chain (at most a few thousand points each). */
  traces: number[][];
  tracesY?: number[][];
  /** Scatter of draws for 2-D (thinned). */
  scatter?: { x: number[]; y: number[] };
  /** The request that produced this run (set by the worker): re-running it gives the same draws, which is
   * how the panel exports every draw without keeping millions of them. Absent in older stored runs. */
  request?: SampleRequestParams;
}

export interface ExprCheck {
  ok: boolean;
  dims?: 1 | 2;
  error?: string;
  column?: number;
}

// ───────────── step-through (src/sampling/steps.ts) ─────────────

/** A point of the chain; the second coordinate is 0 in 1-D. */
export type StepPoint = [number, number];

/** One slice update of one coordinate: the level, the bracket stepped out, the shrinking. */
export interface SliceUpdate {
  axis: 0 | 1;
  /** The coordinate before the update. */
  x0: number;
  /** The slice height as a fraction of the density's maximum (the plotted density's units). */
  height: number;
  /** The first bracket [L, R] of width w around x0. */
  initial: [number, number];
  /** The bracket after stepping out. */
  bracket: [number, number];
  /** Each proposal of the shrinking phase in order; the last one inside the slice is taken. */
  shrink: { at: number; inside: boolean }[];
}

export interface NutsDoubling {
  /** +1 forward in time, −1 backward. */
  dir: 1 | -1;
  /** Leapfrog positions of this doubling, in integration order. */
  path: StepPoint[];
  /** H − H₀ at each of them. */
  energyError: number[];
}

export type SamplerStep =
  | {
      sampler: 'mh';
      from: StepPoint;
      to: StepPoint;
      proposal: StepPoint;
      acceptProb: number;
      accepted: boolean;
    }
  | { sampler: 'slice'; from: StepPoint; to: StepPoint; updates: SliceUpdate[] }
  | {
      sampler: 'hmc';
      from: StepPoint;
      to: StepPoint;
      /** Leapfrog positions after each step (the start is `from`). */
      path: StepPoint[];
      energyError: number[];
      acceptProb: number;
      accepted: boolean;
      divergent: boolean;
    }
  | {
      sampler: 'nuts';
      from: StepPoint;
      to: StepPoint;
      doublings: NutsDoubling[];
      depth: number;
      /** Why the tree stopped growing: a U-turn of the whole trajectory or of a new subtree, a
       * divergence, or the depth limit. */
      stop: 'u-turn' | 'subtree-u-turn' | 'divergence' | 'max-depth';
    };

export type StepSamplerName = SamplerStep['sampler'];
export const STEP_SAMPLERS: readonly StepSamplerName[] = ['mh', 'slice', 'hmc', 'nuts'];

/** A short chain recorded move by move (chain 0 of the same request, after the same warm-up). */
export interface StepTrace {
  sampler: StepSamplerName;
  expr: string;
  dims: 1 | 2;
  seed: number;
  warmup: number;
  /** The tuned (or given) proposal scale, slice width or step size the moves used. */
  stepSize: number;
  range: [number, number];
  rangeY?: [number, number];
  /** The density relative to its maximum: a curve in 1-D, a row-major nx × ny grid in 2-D. */
  density: { x: number[]; y: number[] };
  density2d?: { nx: number; ny: number; values: number[] };
  steps: SamplerStep[];
}
