// The sampler registry: every sampler is one row here, and everything that lists or treats samplers
// differently reads its row: runSampler (which chain, which statistics, how to batch), the CLI's
// help and choices, the panel's sampler list and colours, and the `tensorLens.sampling.sampler`
// enum in package.json (test/unit/sampling/registry.test.ts checks it). The chain classes are plain
// arithmetic (no Node, no mathjs), so the page can import this table through src/common.
import { fillInverseCdf, type CdfTable } from './cdf';
import { HmcChain, NutsChain } from './hmc';
import { MhChain1D, MhChain2D } from './mh';
import { RejectionChain, type Envelope } from './rejection';
import { RejectionChain2D, type Envelope2D } from './rejection2d';
import type { Rng } from '../common/rng';
import { SliceChain } from './slice';
import { emptyStats, type Chain, type ChainStats, type Target } from './target';
import type { SamplerTuning } from './types';

/** A colour of the panel's palette (webview/charts.ts maps it to the theme). */
export type PaletteColor = 'blue' | 'orange' | 'green' | 'purple' | 'red' | 'yellow';

/** Sampler-specific statistics a sampler reports (the common ones — ESS, R-hat, KS — all do). */
export type SamplerStat =
  | 'acceptance'
  | 'stepSize'
  | 'divergences'
  | 'leapfrogs'
  | 'treeDepth'
  | 'energy'
  | 'evals'
  | 'proposals'
  | 'envelope'
  | 'uError';

/** What runSampler has prepared before any chain starts. */
export interface ChainSetup {
  target: Target;
  /** 1-D samplers with `needsCdfTable`: the fine inverse-CDF table. */
  table?: CdfTable;
  /** Rejection: the envelope found for the target. */
  envelope?: Envelope;
  /** Rejection in 2-D: the uniform box and its bound. */
  envelope2?: Envelope2D;
  /** What the user fixed (proposal scale, step size, …); the rest warm-up adapts. */
  tuning: SamplerTuning;
}

export interface SamplerSpec {
  label: string;
  color: PaletteColor;
  /** Dimensions it samples: `[1]` for 1-D only. */
  dims: readonly (1 | 2)[];
  /** i.i.d. draws (no warm-up, KS unthinned) or a Markov chain. */
  kind: 'iid' | 'mcmc';
  /** What its chains count, beyond the common diagnostics. */
  stats: readonly SamplerStat[];
  /** Acceptance rate: accepted / proposals, or (NUTS) the mean accept statistic. */
  acceptance?: 'accepted' | 'acceptStat';
  /** Needs the fine (u-error 1e-10) inverse-CDF table, built during setup. */
  needsCdfTable?: boolean;
  /** Needs a rejection envelope, found during setup. */
  needsEnvelope?: boolean;
  /** Draws in the first batch; the driver adapts from there unless `fixedBatches`. */
  firstBatch: number;
  /**
   * Runs in fixed batches: rejection's raised envelope depends on which chain first finds it too
   * low, so adaptive batches would make the same seed give different draws.
   */
  fixedBatches?: boolean;
  chain(setup: ChainSetup, rng: Rng): Chain;
}

/** The inverse-CDF sampler as a Chain: i.i.d. draws from the table. */
class InverseCdfChain implements Chain {
  stats: ChainStats = emptyStats();
  constructor(
    private readonly table: CdfTable,
    private readonly rng: Rng,
  ) {}
  warmup(): void {
    /* i.i.d. */
  }
  endWarmup(): void {
    /* i.i.d. */
  }
  draw(xs: Float64Array, _ys: Float64Array | null, from: number, to: number): void {
    fillInverseCdf(this.table, this.rng, xs, from, to);
  }
  position(): [number, number] {
    return [NaN, 0];
  }
}

function required<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`sampler setup: ${what} missing`);
  return v;
}

const HAMILTONIAN_STATS: readonly SamplerStat[] = [
  'acceptance',
  'stepSize',
  'divergences',
  'leapfrogs',
  'energy',
];

export const SAMPLER_TABLE = {
  'inverse-cdf': {
    label: 'Inverse CDF',
    color: 'green',
    dims: [1],
    kind: 'iid',
    stats: ['uError'],
    needsCdfTable: true,
    firstBatch: 1 << 16,
    chain: (s, rng) => new InverseCdfChain(required(s.table, 'the inverse-CDF table'), rng),
  },
  rejection: {
    label: 'Rejection',
    color: 'blue',
    dims: [1, 2],
    kind: 'iid',
    stats: ['acceptance', 'proposals', 'envelope'],
    acceptance: 'accepted',
    needsEnvelope: true,
    firstBatch: 4096,
    fixedBatches: true,
    chain: (s, rng) =>
      s.envelope2
        ? new RejectionChain2D(s.target, rng, s.envelope2)
        : new RejectionChain(s.target, rng, required(s.envelope, 'the envelope')),
  },
  mh: {
    label: 'Metropolis–Hastings',
    color: 'orange',
    dims: [1, 2],
    kind: 'mcmc',
    stats: ['acceptance', 'stepSize'],
    acceptance: 'accepted',
    // Cheap steps: per-batch overhead would dominate small first batches.
    firstBatch: 8192,
    chain: (s, rng) =>
      s.target.dims === 1
        ? new MhChain1D(s.target, rng, s.tuning.mhScale)
        : new MhChain2D(s.target, rng, s.tuning.mhScale),
  },
  slice: {
    label: 'Slice',
    color: 'purple',
    dims: [1, 2],
    kind: 'mcmc',
    stats: ['evals'],
    firstBatch: 256,
    chain: (s, rng) => new SliceChain(s.target, rng),
  },
  hmc: {
    label: 'HMC',
    color: 'yellow',
    dims: [1, 2],
    kind: 'mcmc',
    stats: HAMILTONIAN_STATS,
    acceptance: 'accepted',
    firstBatch: 256,
    chain: (s, rng) => new HmcChain(s.target, rng, s.tuning),
  },
  nuts: {
    label: 'NUTS',
    color: 'red',
    dims: [1, 2],
    kind: 'mcmc',
    stats: [...HAMILTONIAN_STATS, 'treeDepth'],
    acceptance: 'acceptStat',
    firstBatch: 256,
    chain: (s, rng) => new NutsChain(s.target, rng, s.tuning),
  },
} as const satisfies Record<string, SamplerSpec>;

export type SamplerName = keyof typeof SAMPLER_TABLE;

/** Every sampler, in the table's order (the panel's list, the CLI's choices, the setting's enum). */
export const SAMPLERS = Object.keys(SAMPLER_TABLE) as readonly SamplerName[];

export function samplerSpec(name: SamplerName): SamplerSpec {
  return SAMPLER_TABLE[name];
}

export function isSamplerName(v: unknown): v is SamplerName {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(SAMPLER_TABLE, v);
}

export function reports(name: SamplerName, stat: SamplerStat): boolean {
  return samplerSpec(name).stats.includes(stat);
}

/** "mh, slice, hmc or nuts": the samplers that take a density of the given dimension. */
export function samplersFor(dims: 1 | 2): string {
  const names = SAMPLERS.filter((s) => samplerSpec(s).dims.includes(dims));
  return names.length > 1
    ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`
    : names.join('');
}
