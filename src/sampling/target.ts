// What every sampler gets: the compiled density restricted to its range, scale and mode estimates
// from the support scan, and a common chain interface so the driver can run any sampler in batches.
import type { Rng } from '../common/rng';

/** A function of x and y (1-D densities ignore y). */
export type Fn2 = (x: number, y: number) => number;

export interface Target {
  dims: 1 | 2;
  /** The user's text was log f. */
  isLog: boolean;
  /** f as typed (unnormalised), without the range restriction. */
  f: Fn2;
  /** log f, without the range restriction. */
  logf: Fn2;
  dlogfdx: Fn2;
  dlogfdy: Fn2;
  /** Range the density is restricted to; infinite ends allowed. */
  xLo: number;
  xHi: number;
  yLo: number;
  yHi: number;
  /** Effective (finite) support from the scan, for proposals and initial points. */
  sxLo: number;
  sxHi: number;
  syLo: number;
  syHi: number;
  mode: [number, number];
  logMax: number;
  /** Marginal standard deviations from numeric integration. */
  sd: [number, number];
  /** Quadrature of each marginal (nodes, weights summing to 1), for moments of transformed coordinates. */
  marginals?: { x: Float64Array; w: Float64Array }[];
}

/** log f inside the range, −∞ outside or where log f is NaN. */
export function logTarget(t: Target, x: number, y: number): number {
  if (!(x >= t.xLo && x <= t.xHi)) return -Infinity;
  if (t.dims === 2 && !(y >= t.yLo && y <= t.yHi)) return -Infinity;
  const v = t.logf(x, y);
  return Number.isNaN(v) ? -Infinity : v;
}

/** Per-chain statistics the diagnostics report. */
export interface ChainStats {
  /** Accepted proposals after warm-up (MH, HMC), or accepted draws (rejection). */
  accepted: number;
  /** Proposals after warm-up (MH, HMC, rejection). */
  proposals: number;
  /** Density evaluations after warm-up (slice). */
  evals: number;
  divergences: number;
  /** Sum of NUTS/HMC accept statistics after warm-up. */
  acceptStat: number;
  stepSize: number;
  /** Sum of NUTS tree depths / leapfrog steps after warm-up. */
  treeDepth: number;
  leapfrogs: number;
  /** NUTS transitions that stopped at the maximum tree depth rather than at a U-turn. */
  depthHits: number;
}

export function emptyStats(): ChainStats {
  return {
    accepted: 0,
    proposals: 0,
    evals: 0,
    divergences: 0,
    acceptStat: 0,
    stepSize: NaN,
    treeDepth: 0,
    leapfrogs: 0,
    depthHits: 0,
  };
}

/**
 * What a chain tells an observer about each move (the step-through recorder, src/sampling/steps.ts).
 * Runs never set an observer; points are in the user's coordinates.
 */
export type MoveEvent =
  | {
      kind: 'proposal';
      from: [number, number];
      proposal: [number, number];
      acceptProb: number;
      accepted: boolean;
    }
  | { kind: 'slice'; axis: 0 | 1; x0: number; logLevel: number; L: number; R: number }
  | { kind: 'slice-out'; L: number; R: number }
  | { kind: 'slice-shrink'; at: number; inside: boolean }
  | { kind: 'leapfrog'; at: [number, number]; energyError: number }
  | { kind: 'doubling'; dir: 1 | -1 }
  | { kind: 'hmc-end'; acceptProb: number; accepted: boolean; divergent: boolean }
  | {
      kind: 'nuts-end';
      depth: number;
      stop: 'u-turn' | 'subtree-u-turn' | 'divergence' | 'max-depth';
    };

/** One chain of a sampler. The driver calls warmup() in batches, then draw() in batches. */
export interface Chain {
  /** `iters` warm-up iterations; `done` is how many were already run, `total` the warm-up length. */
  warmup(iters: number, done: number, total: number): void;
  /** Freezes adaptation; called once between warm-up and the kept draws. */
  endWarmup(): void;
  /** Writes kept draws into xs[from..to) (and ys in 2-D). */
  draw(xs: Float64Array, ys: Float64Array | null, from: number, to: number): void;
  /** Current position, for traces during warm-up. */
  position(): [number, number];
  stats: ChainStats;
  /** Set only by the step-through recorder. */
  observe?: (e: MoveEvent) => void;
  /** Hamiltonian samplers: the energy of each kept state. */
  energy?: Float64Array;
  /** Hamiltonian samplers: indices of kept draws whose trajectory diverged (the first 1000). */
  divergentAt?: number[];
}

/**
 * A dispersed starting point: mode + sd·U(−2, 2) per axis (like Stan's uniform(−2, 2) init on
 * the unconstrained scale), retried until the log density is within 30 of the maximum.
 */
export function initialPoint(t: Target, rng: Rng): [number, number] {
  for (let k = 0; k < 200; k++) {
    const x = t.mode[0] + t.sd[0] * (4 * rng.uniform() - 2);
    const y = t.dims === 2 ? t.mode[1] + t.sd[1] * (4 * rng.uniform() - 2) : 0;
    if (logTarget(t, x, y) > t.logMax - 30) return [x, y];
  }
  return [t.mode[0], t.dims === 2 ? t.mode[1] : 0];
}
