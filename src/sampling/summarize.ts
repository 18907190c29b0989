// Every convergence and accuracy number of a run from one sort of the pooled draws, as Stan and
// ArviZ report them (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021): rank-normalised split
// R-hat (bulk and folded tail), bulk and tail ESS, and the MCSE of the mean and of the 5 % and 95 %
// quantiles. diagnostics.ts holds the same formulas one at a time; this file exists because at
// millions of draws every extra sort, copy or Φ⁻¹ costs more than the sampling did.
import { betaQuantile } from './betaQuantile';
import {
  ess,
  essOfIndicator,
  quantile,
  rhatOfMoments,
  splitChains,
  type Chains,
} from './diagnostics';
import { sortWithOrder } from './sortOrder';
import { tiedZ, zOfRanks } from './rankNormal';

export interface ConvergenceSummary {
  /** max of bulk and tail rank-normalised split R-hat. */
  rhat: number;
  rhatBulk: number;
  rhatTail: number;
  essBulk: number;
  /** min of the ESS of 1[x ≤ q̂₀.₀₅] and 1[x ≤ q̂₀.₉₅]. */
  essTail: number;
  mean: number;
  sd: number;
  /** ESS of the raw split draws, the one the MCSE of the mean uses. */
  essMean: number;
  mcseMean: number;
  q05: number;
  q95: number;
  mcseQ05: number;
  mcseQ95: number;
  /** Rank plot: per chain, how many of its draws fall in each of `rankBins` equal bins of the pooled ranks. */
  rankCounts: number[][];
  /** The pooled draws sorted (shared with KS and the histogram). */
  sorted: Float64Array | null;
  /** Pooled index (chain × N + draw) of each value of `sorted`: where KS finds its thinned draws. */
  order: Uint32Array | null;
  /** The autocorrelation plot, when the helper thread computed it (summarizeThreads.ts). */
  autocorrelation?: number[];
}

/** ±1 sd of a standard normal, as probabilities: where the MCSE of a quantile reads its bracket. */
const ONE_SD = [0.1586553, 0.8413447];

/** Pools chains into one array, chain after chain (one chain is its own pool: no copy). */
function pool(chains: Chains): Float64Array {
  if (chains.length === 1) return chains[0];
  const out = new Float64Array(chains.reduce((s, c) => s + c.length, 0));
  let k = 0;
  for (const c of chains) {
    out.set(c, k);
    k += c.length;
  }
  return out;
}

/** Destinations per block of the bulk scatter: 32,768 doubles (256 KB) stay in the L2 cache. */
const BLOCK_BITS = 15;

/**
 * Rank-normalised z of every value (out[order[i]] for the i-th smallest), ties averaged. Writing
 * straight to out[order[i]] would miss the cache on nearly every draw at millions of them, so the
 * values are first staged, in sorted order, into the block of `out` their destination lies in (each
 * block receives exactly its own size, `order` being a permutation), with the destinations beside
 * them; then each block, copied aside, is written into place within itself. Each z is also added to
 * its split chain's moments (chain ⌊order[i] / half⌋), for the bulk R-hat.
 */
function bulkZ(
  order: Uint32Array,
  sorted: Float64Array,
  zOfRank: Float64Array,
  out: Float64Array,
  moments: ChainMoments,
  half: number,
  dest: Uint32Array = new Uint32Array(order.length),
): void {
  const S = order.length;
  const blocks = S > 0 ? ((S - 1) >>> BLOCK_BITS) + 1 : 0;
  const fill = Uint32Array.from({ length: blocks }, (_, b) => b << BLOCK_BITS);
  const { shift, seen, s1, s2 } = moments;
  for (let i = 0; i < S;) {
    const v = sorted[i];
    let j = i;
    while (j + 1 < S && sorted[j + 1] === v) j++;
    const z = i === j ? zOfRank[i] : tiedZ(i, j, S, zOfRank);
    for (let q = i; q <= j; q++) {
      const d = order[q];
      const c = Math.floor(d / half);
      if (seen[c] === 0) {
        seen[c] = 1;
        shift[c] = z;
      }
      const dz = z - shift[c];
      s1[c] += dz;
      s2[c] += dz * dz;
      const k = fill[d >>> BLOCK_BITS]++;
      dest[k] = d;
      out[k] = z;
    }
    i = j + 1;
  }
  const staged = new Float64Array(Math.min(S, 1 << BLOCK_BITS));
  for (let b = 0; b < blocks; b++) {
    const from = b << BLOCK_BITS,
      to = Math.min(S, from + (1 << BLOCK_BITS));
    staged.set(out.subarray(from, to));
    for (let k = from; k < to; k++) out[dest[k]] = staged[k - from];
  }
}

/**
 * Rank-normalised z of |v − med| for every value, added to its split chain's moments (chain
 * ⌊order[i] / half⌋ for sorted[i]): the tail R-hat needs nothing else, so these z are never put back
 * in draw order. Values at or below the median, read downwards from it, and values above it, read
 * upwards, are each already in order of distance; merging the two gives the folded order without a
 * sort, and equal distances are a run on each side.
 */
function foldedZ(
  sorted: Float64Array,
  order: Uint32Array,
  med: number,
  zOfRank: Float64Array,
  moments: ChainMoments,
  half: number,
): void {
  const S = sorted.length;
  const { shift, seen, s1, s2 } = moments;
  let a = 0;
  while (a < S && sorted[a] <= med) a++;
  // Next unread position below (a − 1, downwards) and above (b, upwards) the median.
  a--;
  let b = a + 1,
    k = 0;
  while (k < S) {
    const da = a >= 0 ? med - sorted[a] : Infinity,
      db = b < S ? sorted[b] - med : Infinity;
    const d = da <= db ? da : db;
    let a2 = a,
      b2 = b;
    while (a2 >= 0 && med - sorted[a2] === d) a2--;
    while (b2 < S && sorted[b2] - med === d) b2++;
    // Folded ranks k + 1 … k + run, shared by positions a2 + 1 … a and b … b2 − 1.
    const run = a - a2 + (b2 - b);
    const z = run === 1 ? zOfRank[k] : tiedZ(k, k + run - 1, S, zOfRank);
    // Positions a2 + 1 … a, then b … b2 − 1.
    for (let q = a2 < a ? a2 + 1 : b; q < b2; q = q === a ? b : q + 1) {
      const c = Math.floor(order[q] / half);
      if (seen[c] === 0) {
        seen[c] = 1;
        shift[c] = z;
      }
      const dz = z - shift[c];
      s1[c] += dz;
      s2[c] += dz * dz;
    }
    k += run;
    a = a2;
    b = b2;
  }
}

/**
 * Each split chain's mean and variance (ddof 1) of values met in any order, for the R-hat of the
 * rank-normalised draws without putting them back in draw order. One pass of shifted sums: the shift
 * (the chain's first value met, within its range) keeps a constant chain's variance exactly 0 and
 * the cancellation in Σd² − (Σd)²/n small.
 */
class ChainMoments {
  // Public so that the loops over millions of draws add to them inline: a method call per draw
  // boxes its double argument whenever V8 has not inlined it yet.
  readonly shift: Float64Array;
  readonly seen: Uint8Array;
  readonly s1: Float64Array;
  readonly s2: Float64Array;
  constructor(
    chains: number,
    private readonly n: number,
  ) {
    this.shift = new Float64Array(chains);
    this.seen = new Uint8Array(chains);
    this.s1 = new Float64Array(chains);
    this.s2 = new Float64Array(chains);
  }
  rhat(): number {
    const n = this.n;
    const mean = Array.from(this.s1, (s, c) => this.shift[c] + s / n);
    const variance = Array.from(this.s2, (s, c) => (s - (this.s1[c] * this.s1[c]) / n) / (n - 1));
    return rhatOfMoments(n, mean, variance);
  }
}

/**
 * Where 1[x ≤ q] has its sparser side, per split chain (ascending positions), from the sorted split
 * pool: the draws at or below q are a prefix of the sort and the others the rest, so the positions
 * come from marking that part's indices in a bitmap (a twentieth of the draws for the 5 % and 95 %
 * quantiles) instead of comparing every draw with q.
 */
function indicatorSide(
  sp: { sorted: Float64Array; order: Uint32Array },
  half: number,
  chains: number,
  q: number,
): { ones: Int32Array[]; flip: boolean } {
  const P = sp.sorted.length;
  // k = how many draws are ≤ q (q may fall between two of them).
  let k = 0,
    hiK = P;
  while (k < hiK) {
    const mid = (k + hiK) >>> 1;
    if (sp.sorted[mid] <= q) k = mid + 1;
    else hiK = mid;
  }
  const flip = 2 * k > P;
  const bits = new Int32Array((P + 31) >>> 5);
  const count = new Int32Array(chains);
  for (let j = flip ? k : 0, end = flip ? P : k; j < end; j++) {
    const p = sp.order[j];
    bits[p >>> 5] |= 1 << (p & 31);
    count[Math.floor(p / half)]++;
  }
  const ones = Array.from(count, (c) => new Int32Array(c));
  const filled = new Int32Array(chains);
  for (let w = 0; w < bits.length; w++) {
    let word = bits[w];
    while (word !== 0) {
      const low = word & -word;
      const p = (w << 5) + 31 - Math.clz32(low);
      word ^= low;
      const c = Math.floor(p / half);
      ones[c][filled[c]++] = p - c * half;
    }
  }
  return { ones, flip };
}

/** ESS of 1[x ≤ q] on split chains (ArviZ `_ess_quantile`), and the MCSE of the quantile. */
function quantileMcse(
  sp: { sorted: Float64Array; order: Uint32Array },
  half: number,
  chains: number,
  sorted: Float64Array,
  prob: number,
): { q: number; ess: number; mcse: number } {
  const q = quantile(sorted, prob);
  const { ones, flip } = indicatorSide(sp, half, chains, q);
  const e = essOfIndicator(half, ones, flip);
  const S = sorted.length;
  const a = e * prob + 1,
    b = e * (1 - prob) + 1;
  const lo = betaQuantile(ONE_SD[0], a, b) * S - 1,
    hi = betaQuantile(ONE_SD[1], a, b) * S - 1;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { q, ess: e, mcse: NaN };
  const th1 = sorted[Math.min(S - 1, Math.max(0, Math.floor(lo)))];
  const th2 = sorted[Math.min(S - 1, Math.max(0, Math.ceil(hi)))];
  return { q, ess: e, mcse: (th2 - th1) / 2 };
}

/**
 * The pooled draws, their mean and sd, and the summary before any rank statistic; `ranked` is false
 * when those do not apply (a non-finite draw, or fewer than 4 per chain), and the summary is final.
 */
export function summaryStart(chains: Chains): {
  out: ConvergenceSummary;
  all: Float64Array;
  ranked: boolean;
} {
  const all = pool(chains);
  const S = all.length;
  let mean = 0;
  for (let i = 0; i < S; i++) mean += all[i];
  mean /= S;
  let ss = 0;
  for (let i = 0; i < S; i++) ss += (all[i] - mean) ** 2;
  const sd = Math.sqrt(ss / (S - 1));
  let finite = true;
  for (let i = 0; i < S && finite; i++) finite = Number.isFinite(all[i]);
  const out: ConvergenceSummary = {
    rhat: NaN,
    rhatBulk: NaN,
    rhatTail: NaN,
    essBulk: NaN,
    essTail: NaN,
    mean,
    sd,
    essMean: NaN,
    mcseMean: NaN,
    q05: NaN,
    q95: NaN,
    mcseQ05: NaN,
    mcseQ95: NaN,
    rankCounts: [],
    sorted: null,
    order: null,
  };
  return { out, all, ranked: finite && chains[0].length >= 4 };
}

/** The split chains' pooled draws sorted with their split-pool indices, and the split's shape. */
export interface SplitPool {
  sorted: Float64Array;
  order: Uint32Array;
  /** Draws per split chain. */
  half: number;
  /** Split chains: twice the chains. */
  count: number;
}

/**
 * The split pool from the sort of all draws. An even chain splits into halves that together are the
 * whole chain, in the same pooled order: the one sort serves both. An odd chain drops its middle
 * draw, so its split pool is sorted again.
 */
export function splitPool(
  chains: Chains,
  sorted: Float64Array,
  order: Uint32Array,
  shared = false,
): SplitPool {
  const split = splitChains(chains);
  const half = split[0].length;
  if (chains[0].length % 2 === 0) return { sorted, order, half, count: split.length };
  return { ...sortWithOrder(pool(split), shared), half, count: split.length };
}

/** Rank plot: per chain (index ÷ N), its draws in each of rankBins equal bins of the pooled ranks. */
export function rankCounts(
  order: Uint32Array,
  chains: number,
  N: number,
  rankBins: number,
): number[][] {
  const S = order.length;
  const rc = Array.from({ length: chains }, () => new Array<number>(rankBins).fill(0));
  if (chains === 1) {
    // Every rank is the one chain's: bin b holds the ranks i with ⌊i·bins/S⌋ = b, counted without
    // reading millions of indices.
    for (let b = 0; b < rankBins; b++)
      rc[0][b] = Math.ceil(((b + 1) * S) / rankBins) - Math.ceil((b * S) / rankBins);
    return rc;
  }
  for (let i = 0; i < S; i++) rc[Math.floor(order[i] / N)][Math.floor((i * rankBins) / S)]++;
  return rc;
}

/**
 * Bulk R-hat and bulk ESS from the rank-normalised split draws. `work` (as long as the split pool)
 * receives the z in draw order, centred in place for the ESS; the R-hat needs only each split
 * chain's moments, summed as the z are met in sorted order. `dest` (as long, optional): the
 * scatter's scratch, when the caller has one ready.
 */
export function bulkPart(
  sp: SplitPool,
  zOfRank: Float64Array,
  work: Float64Array,
  dest?: Uint32Array,
): { rhatBulk: number; essBulk: number } {
  const bulk = new ChainMoments(sp.count, sp.half);
  bulkZ(sp.order, sp.sorted, zOfRank, work, bulk, sp.half, dest);
  const rhatBulk = bulk.rhat();
  const split: Chains = [];
  for (let c = 0; c < sp.count; c++) split.push(work.subarray(c * sp.half, (c + 1) * sp.half));
  return { rhatBulk, essBulk: ess(split, work) };
}

/** The tail: folded R-hat, and the 5 % and 95 % quantiles with their ESS and MCSE. */
export interface TailPart {
  rhatTail: number;
  lo: { q: number; ess: number; mcse: number };
  hi: { q: number; ess: number; mcse: number };
}

export function tailPart(sp: SplitPool, sortedAll: Float64Array, zOfRank: Float64Array): TailPart {
  const med = quantile(sortedAll, 0.5);
  const tail = new ChainMoments(sp.count, sp.half);
  foldedZ(sp.sorted, sp.order, med, zOfRank, tail, sp.half);
  return {
    rhatTail: tail.rhat(),
    lo: quantileMcse(sp, sp.half, sp.count, sortedAll, 0.05),
    hi: quantileMcse(sp, sp.half, sp.count, sortedAll, 0.95),
  };
}

/** ESS of the raw split draws (the MCSE of the mean's); `work` as long as the split pool. */
export function essOfMean(chains: Chains, work: Float64Array): number {
  return ess(splitChains(chains), work);
}

/** Puts the parts into the summary (whichever thread computed them). */
export function summaryFinish(
  out: ConvergenceSummary,
  bulk: { rhatBulk: number; essBulk: number },
  t: TailPart,
  essMean: number,
): ConvergenceSummary {
  out.rhatBulk = bulk.rhatBulk;
  out.essBulk = bulk.essBulk;
  out.rhatTail = t.rhatTail;
  out.rhat = Math.max(out.rhatBulk, out.rhatTail);
  out.essTail = Math.min(t.lo.ess, t.hi.ess);
  out.q05 = t.lo.q;
  out.q95 = t.hi.q;
  out.mcseQ05 = t.lo.mcse;
  out.mcseQ95 = t.hi.mcse;
  out.essMean = essMean;
  out.mcseMean = out.sd / Math.sqrt(essMean);
  return out;
}

/** Every number of the summary on this thread (summarizeThreads.ts splits the same parts in two). */
export function summarize(chains: Chains, rankBins = 20): ConvergenceSummary {
  const { out, all, ranked } = summaryStart(chains);
  if (!ranked) return out;
  const { sorted, order } = sortWithOrder(all);
  out.sorted = sorted;
  out.order = order;
  out.rankCounts = rankCounts(order, chains.length, chains[0].length, rankBins);
  const sp = splitPool(chains, sorted, order);
  const zOfRank = zOfRanks(sp.order.length);
  // One buffer of P values serves, in turn, the bulk z in draw order (centred in place for its ESS)
  // and the centred draws of the mean's ESS: millions of draws, allocated once.
  const work = new Float64Array(sp.order.length);
  const bulk = bulkPart(sp, zOfRank, work);
  const tail = tailPart(sp, sorted, zOfRank);
  return summaryFinish(out, bulk, tail, essOfMean(chains, work));
}
