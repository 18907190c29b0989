// Every convergence and accuracy number of a run from one sort of the pooled draws, as Stan and
// ArviZ report them (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021): rank-normalised split
// R-hat (bulk and folded tail), bulk and tail ESS, and the MCSE of the mean and of the 5 % and 95 %
// quantiles. diagnostics.ts holds the same formulas one at a time; this file exists because at
// millions of draws every extra sort, copy or Φ⁻¹ costs more than the sampling did.
import { betaQuantile } from './betaQuantile';
import {
  ess,
  essCentred,
  essOfIndicator,
  rhatOfMoments,
  splitChains,
  type Chains,
} from './diagnostics';
import { sortWithOrder } from './sortOrder';
import { TieScores, zOfRanks } from './rankNormal';
import { drawRuns, EntryRanks, type DrawRuns, type FoundRuns, type RankEntries } from './drawRuns';
import { lagWork, type LagKernel } from './lagKernel';

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
  /**
   * Every pooled draw sorted, as entries (drawRuns.ts: runs of repeated draws, or one draw each)
   * carrying their pooled index (chain × N + draw): shared with KS and the histogram.
   */
  draws: RankEntries | null;
  /** The autocorrelation plot, when the helper thread computed it (summarizeThreads.ts). */
  autocorrelation?: number[];
}

/**
 * Pooled draws from which the ESS's lagged sums run in the WebAssembly kernel: below, the JS loop
 * takes about as long as making the kernel's memory and instance.
 */
export const KERNEL_MIN_DRAWS = 1 << 16;

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

/** Where bulkZ stages each entry's z and packed draws before writing them into place. */
export interface BulkScratch {
  /** Staged z, one per entry (`out` itself when every entry is one draw). */
  z: Float64Array;
  /** Staged packed entries, one per entry. */
  packed: Uint32Array;
}

/**
 * Rank-normalised z of every draw (out[p] for the draws p an entry stands for), ties averaged.
 * Writing straight to out[p] would miss the cache on nearly every entry at millions of them, so
 * the entries are first staged, in sorted order, by the block of `out` their draws start in, then
 * each block's entries are written into place within it. Each z is also added, once per draw, to
 * its split chain's moments (chain ⌊p / half⌋), for the bulk R-hat. With one draw per entry each
 * block receives exactly its own size, so `out` itself holds the staged z (each block copied aside
 * before it is written); runs need `scratch.z` of their own.
 */
function bulkZ(
  e: RankEntries,
  S: number,
  zOfRank: Float64Array,
  out: Float64Array,
  moments: ChainMoments,
  half: number,
  scratch: BulkScratch,
): void {
  const { sorted, packed, lenBits } = e;
  const R = sorted.length;
  const mask = (1 << lenBits) - 1;
  const blocks = S > 0 ? ((S - 1) >>> BLOCK_BITS) + 1 : 0;
  const first = new Uint32Array(blocks + 1);
  if (lenBits === 0) for (let b = 0; b <= blocks; b++) first[b] = Math.min(S, b << BLOCK_BITS);
  else {
    for (let k = 0; k < R; k++) first[((packed[k] >>> lenBits) >>> BLOCK_BITS) + 1]++;
    for (let b = 0; b < blocks; b++) first[b + 1] += first[b];
  }
  const fill = first.slice(0, blocks);
  const { shift, seen, s1, s2 } = moments;
  const stagedZ = scratch.z,
    stagedP = scratch.packed;
  const ties = new TieScores(S, zOfRank);
  let pos = 0;
  for (let k = 0; k < R;) {
    const v = sorted[k];
    let l = k,
      w = (packed[k] & mask) + 1;
    while (l + 1 < R && sorted[l + 1] === v) w += (packed[++l] & mask) + 1;
    const z = ties.z(pos, w);
    for (let q = k; q <= l; q++) {
      const pk = packed[q];
      const p = pk >>> lenBits,
        L = (pk & mask) + 1;
      const c = Math.floor(p / half);
      if (seen[c] === 0) {
        seen[c] = 1;
        shift[c] = z;
      }
      const dz = z - shift[c];
      s1[c] += L * dz;
      s2[c] += L * dz * dz;
      const at = fill[p >>> BLOCK_BITS]++;
      stagedP[at] = pk;
      stagedZ[at] = z;
    }
    pos += w;
    k = l + 1;
  }
  place(first, blocks, lenBits, stagedZ, stagedP, out, moments.means(), half);
}

/**
 * bulkZ's second step: each block's staged entries written into their draws, less their split
 * chain's mean (the ESS reads them centred, and this pass writes every draw anyway).
 */
function place(
  first: Uint32Array,
  blocks: number,
  lenBits: number,
  stagedZ: Float64Array,
  stagedP: Uint32Array,
  out: Float64Array,
  means: Float64Array,
  half: number,
): void {
  const mask = (1 << lenBits) - 1;
  const inPlace = stagedZ === out;
  const aside = inPlace ? new Float64Array(1 << BLOCK_BITS) : stagedZ;
  for (let b = 0; b < blocks; b++) {
    const from = first[b],
      to = first[b + 1];
    if (inPlace) aside.set(out.subarray(from, to));
    const off = inPlace ? from : 0;
    for (let s = from; s < to; s++) {
      const pk = stagedP[s];
      const p = pk >>> lenBits,
        end = p + (pk & mask) + 1;
      const z = aside[s - off] - means[Math.floor(p / half)];
      for (let j = p; j < end; j++) out[j] = z;
    }
  }
}

/**
 * Rank-normalised z of |v − med| for every draw, added to its split chain's moments (chain ⌊p /
 * half⌋ for the draws p of an entry): the tail R-hat needs nothing else, so these z are never put
 * back in draw order. Entries at or below the median, read downwards from it, and entries above it,
 * read upwards, are each already in order of distance; merging the two gives the folded order
 * without a sort, and equal distances are a run on each side.
 */
function foldedZ(
  e: RankEntries,
  S: number,
  med: number,
  zOfRank: Float64Array,
  moments: ChainMoments,
  half: number,
): void {
  const { sorted, packed, lenBits } = e;
  const R = sorted.length;
  const mask = (1 << lenBits) - 1;
  // a = the first entry above the median.
  let a = 0,
    hiA = R;
  while (a < hiA) {
    const mid = (a + hiA) >>> 1;
    if (sorted[mid] <= med) a = mid + 1;
    else hiA = mid;
  }
  // Next unread entry below (a − 1, downwards) and above (b, upwards) the median.
  a--;
  let b = a + 1,
    k = 0;
  const ties = new TieScores(S, zOfRank);
  while (a >= 0 || b < R) {
    const da = a >= 0 ? med - sorted[a] : Infinity,
      db = b < R ? sorted[b] - med : Infinity;
    const d = da <= db ? da : db;
    let a2 = a,
      b2 = b,
      w = 0;
    while (a2 >= 0 && med - sorted[a2] === d) w += (packed[a2--] & mask) + 1;
    while (b2 < R && sorted[b2] - med === d) w += (packed[b2++] & mask) + 1;
    // Folded ranks k + 1 … k + w, shared by entries a2 + 1 … a and b … b2 − 1.
    const z = ties.z(k, w);
    addFolded(packed, lenBits, a2 + 1, a + 1, z, moments, half);
    addFolded(packed, lenBits, b, b2, z, moments, half);
    k += w;
    a = a2;
    b = b2;
  }
}

/**
 * Adds z once per draw of entries from … to − 1 to their split chains' moments. bulkZ's loop adds
 * to its moments in the same lines, inline, for the reason ChainMoments gives.
 */
function addFolded(
  packed: Uint32Array,
  lenBits: number,
  from: number,
  to: number,
  z: number,
  moments: ChainMoments,
  half: number,
): void {
  const { shift, seen, s1, s2 } = moments;
  const mask = (1 << lenBits) - 1;
  for (let q = from; q < to; q++) {
    const pk = packed[q];
    const c = Math.floor((pk >>> lenBits) / half),
      L = (pk & mask) + 1;
    if (seen[c] === 0) {
      seen[c] = 1;
      shift[c] = z;
    }
    const dz = z - shift[c];
    s1[c] += L * dz;
    s2[c] += L * dz * dz;
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
  /** Each chain's mean. */
  means(): Float64Array {
    return this.s1.map((s, c) => this.shift[c] + s / this.n);
  }
  rhat(): number {
    const n = this.n;
    const mean = Array.from(this.means());
    const variance = Array.from(this.s2, (s, c) => (s - (this.s1[c] * this.s1[c]) / n) / (n - 1));
    return rhatOfMoments(n, mean, variance);
  }
}

/**
 * Where 1[x ≤ q] has its sparser side, per split chain (ascending positions), from the sorted split
 * pool: the draws at or below q are a prefix of the sort and the others the rest, so the positions
 * come from marking that part's draws in a bitmap (a twentieth of the draws for the 5 % and 95 %
 * quantiles) instead of comparing every draw with q.
 */
function indicatorSide(
  sp: EntryRanks,
  half: number,
  chains: number,
  q: number,
): { ones: Int32Array[]; flip: boolean } {
  const P = sp.draws;
  const { packed, lenBits } = sp.entries;
  const mask = (1 << lenBits) - 1;
  // Entries up to kE hold the draws ≤ q (q may fall between two of them): k of them.
  const kE = sp.firstAbove(q),
    k = sp.startOf(kE);
  const flip = 2 * k > P;
  const bits = new Int32Array((P + 31) >>> 5);
  const count = new Int32Array(chains);
  for (let j = flip ? kE : 0, end = flip ? packed.length : kE; j < end; j++) {
    const pk = packed[j];
    const p0 = pk >>> lenBits,
      L = (pk & mask) + 1;
    // An entry lies within one split chain.
    count[Math.floor(p0 / half)] += L;
    for (let p = p0; p < p0 + L; p++) bits[p >>> 5] |= 1 << (p & 31);
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

/**
 * ESS of 1[x ≤ q] on split chains (ArviZ `_ess_quantile`), and the MCSE of the quantile; q and its
 * bracket from all the draws (`all`: the split pool too, unless an odd chain's middle draw was
 * dropped from it).
 */
function quantileMcse(
  sp: EntryRanks,
  half: number,
  chains: number,
  all: EntryRanks,
  prob: number,
): { q: number; ess: number; mcse: number } {
  const q = all.quantile(prob);
  const { ones, flip } = indicatorSide(sp, half, chains, q);
  const e = essOfIndicator(half, ones, flip);
  const S = all.draws;
  const a = e * prob + 1,
    b = e * (1 - prob) + 1;
  const lo = betaQuantile(ONE_SD[0], a, b) * S - 1,
    hi = betaQuantile(ONE_SD[1], a, b) * S - 1;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { q, ess: e, mcse: NaN };
  const th1 = all.valueAt(Math.min(S - 1, Math.max(0, Math.floor(lo))));
  const th2 = all.valueAt(Math.min(S - 1, Math.max(0, Math.ceil(hi))));
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
  // NaN or ±∞ in any draw makes the sum of squares NaN, and finite draws give a finite one unless
  // it overflowed: only then are the draws read again.
  let finite = Number.isFinite(ss);
  if (!finite) {
    finite = true;
    for (let i = 0; i < S && finite; i++) finite = Number.isFinite(all[i]);
  }
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
    draws: null,
  };
  return { out, all, ranked: finite && chains[0].length >= 4 };
}

/** The split chains' pooled draws sorted, and the split's shape. */
export interface SplitPool {
  /**
   * The sorted entries ranks are read from: the runs of repeated draws where they pay (drawRuns.ts),
   * else every draw (lenBits 0).
   */
  entries: RankEntries;
  /** Draws per split chain. */
  half: number;
  /** Split chains: twice the chains. */
  count: number;
}

/** Arrays for sortDraws to write to instead of new ones (SummaryThread.reserve maps them early). */
export interface SortBuffers {
  /** P long each: every draw sorted, and its index (where the runs do not pay). */
  sorted: Float64Array;
  order: Uint32Array;
  /** runCapacity(P) long each: the runs in draw order, then in sorted order (shared when asked). */
  runs?: { vals: Float64Array; packed: Uint32Array; sorted: Float64Array; order: Uint32Array };
}

/** sortDraws' result: the split pool, every pooled draw, and what bulkZ may stage into. */
export interface DrawSort {
  sp: SplitPool;
  /** Every pooled draw sorted: the split pool's entries, unless an odd chain dropped a draw. */
  all: RankEntries;
  /** The runs' input arrays, free once they are sorted: bulkZ's staging (null without runs). */
  staging: BulkScratch | null;
}

/**
 * The sort behind every rank statistic. Even chains split into halves that together are the whole
 * chain, in the same pooled order, so the pool is the split pool; where its draws repeat enough
 * (MH's rejections) the runs are sorted instead of the draws. An odd chain drops its middle draw, so
 * the split pool's sort is the pool's without the middle draws, read off it in one pass. `found`:
 * the runs already found (RunFinder, while the chains were drawn), or null where they did not pay.
 */
export function sortDraws(
  chains: Chains,
  all: Float64Array,
  shared = false,
  into?: SortBuffers,
  found?: FoundRuns | null,
): DrawSort {
  const N = chains[0].length;
  // splitChains' shape: two halves of ⌊N/2⌋ per chain.
  const half = Math.floor(N / 2),
    count = 2 * chains.length;
  const runs: DrawRuns | null =
    found !== undefined
      ? (found?.runs ?? null)
      : N % 2 === 0
        ? drawRuns(all, half, into?.runs)
        : null;
  if (runs) {
    const r = sortWithOrder(
      runs.vals,
      shared,
      into?.runs
        ? {
            sorted: into.runs.sorted.subarray(0, runs.vals.length),
            order: into.runs.order.subarray(0, runs.vals.length),
          }
        : undefined,
      runs.packed,
      found?.range,
    );
    return sortedRuns(
      { sorted: r.sorted, packed: r.order, lenBits: runs.lenBits },
      { z: runs.vals, packed: runs.packed },
      N,
      chains.length,
    );
  }
  const { sorted, order } = sortWithOrder(
    all,
    shared,
    into && N % 2 === 0 ? { sorted: into.sorted, order: into.order } : undefined,
  );
  const pooled = { sorted, packed: order, lenBits: 0 };
  if (N % 2 === 0) return { sp: { entries: pooled, half, count }, all: pooled, staging: null };
  return {
    sp: { entries: withoutMiddles(pooled, N, half, shared), half, count },
    all: pooled,
    staging: null,
  };
}

/**
 * sortDraws' result for runs sorted into `entries` (even chains of N draws: the pool is the split
 * pool), with arrays free once they are sorted (at least one per entry) as bulkZ's staging.
 */
export function sortedRuns(
  entries: RankEntries,
  staging: BulkScratch,
  N: number,
  chains: number,
): DrawSort {
  return { sp: { entries, half: N / 2, count: 2 * chains }, all: entries, staging };
}

/**
 * The sort of the split pool from the sort of the pool (one draw per entry): each odd chain's
 * middle draw (index `half` of N) left out, and the pooled index c·N + i renumbered to the split
 * pool's c·2·half + i (before the middle) or c·2·half + i − 1 (after it). The renumbering keeps the
 * order of indices, so ties stay in index order, as a sort of the split pool gives them.
 */
function withoutMiddles(
  pooled: RankEntries,
  N: number,
  half: number,
  shared: boolean,
): RankEntries {
  const chains = pooled.sorted.length / N;
  const P = chains * 2 * half;
  const sorted = new Float64Array(shared ? new SharedArrayBuffer(8 * P) : new ArrayBuffer(8 * P)),
    order = new Uint32Array(shared ? new SharedArrayBuffer(4 * P) : new ArrayBuffer(4 * P));
  let k = 0;
  for (let j = 0; j < pooled.sorted.length; j++) {
    const p = pooled.packed[j];
    const c = Math.floor(p / N),
      i = p - c * N;
    if (i === half) continue;
    sorted[k] = pooled.sorted[j];
    order[k++] = c * 2 * half + (i < half ? i : i - 1);
  }
  return { sorted, packed: order, lenBits: 0 };
}

/** Rank plot: per chain (index ÷ N), its draws in each of rankBins equal bins of the pooled ranks. */
export function rankCounts(
  draws: RankEntries,
  chains: number,
  N: number,
  rankBins: number,
): number[][] {
  const { packed, lenBits } = draws;
  const mask = (1 << lenBits) - 1;
  const S = chains * N;
  const rc = Array.from({ length: chains }, () => new Array<number>(rankBins).fill(0));
  if (chains === 1) {
    // Every rank is the one chain's: bin b holds the ranks i with ⌊i·bins/S⌋ = b, counted without
    // reading millions of indices.
    for (let b = 0; b < rankBins; b++)
      rc[0][b] = Math.ceil(((b + 1) * S) / rankBins) - Math.ceil((b * S) / rankBins);
    return rc;
  }
  // Entries in sorted order: the i-th draw has rank i, its chain from its pooled index.
  let i = 0;
  for (let k = 0; k < packed.length; k++) {
    const pk = packed[k];
    const row = rc[Math.floor((pk >>> lenBits) / N)];
    for (let end = i + (pk & mask) + 1; i < end; i++) row[Math.floor((i * rankBins) / S)]++;
  }
  return rc;
}

/**
 * Bulk R-hat and bulk ESS from the rank-normalised split draws. `work` (as long as the split pool)
 * receives the z in draw order, each less its split chain's mean, for the ESS; the R-hat needs only each split
 * chain's moments, summed as the z are met in sorted order. `staging`: the scatter's scratch, when
 * the caller has one ready (runs: at least one per entry; single draws: `packed` as long as the
 * pool, and the z are staged in `work` itself).
 */
export function bulkPart(
  sp: SplitPool,
  zOfRank: Float64Array,
  work: Float64Array,
  staging?: BulkScratch | null,
  kernel?: LagKernel | null,
): { rhatBulk: number; essBulk: number } {
  const bulk = new ChainMoments(sp.count, sp.half);
  const P = sp.count * sp.half,
    R = sp.entries.sorted.length;
  const scratch =
    staging ??
    (sp.entries.lenBits === 0
      ? { z: work, packed: new Uint32Array(P) }
      : { z: new Float64Array(R), packed: new Uint32Array(R) });
  bulkZ(sp.entries, P, zOfRank, work, bulk, sp.half, scratch);
  const split: Chains = [];
  for (let c = 0; c < sp.count; c++) split.push(work.subarray(c * sp.half, (c + 1) * sp.half));
  const essBulk = essCentred(split, Array.from(bulk.means()), kernel ?? undefined);
  return { rhatBulk: bulk.rhat(), essBulk };
}

/** The tail: folded R-hat, and the 5 % and 95 % quantiles with their ESS and MCSE. */
export interface TailPart {
  rhatTail: number;
  lo: { q: number; ess: number; mcse: number };
  hi: { q: number; ess: number; mcse: number };
}

/** `all`: every pooled draw sorted (sortDraws' `all`), where the quantiles are read. */
export function tailPart(sp: SplitPool, all: RankEntries, zOfRank: Float64Array): TailPart {
  const spRanks = new EntryRanks(sp.entries);
  const allRanks = all === sp.entries ? spRanks : new EntryRanks(all);
  const med = allRanks.quantile(0.5);
  const tail = new ChainMoments(sp.count, sp.half);
  foldedZ(sp.entries, sp.count * sp.half, med, zOfRank, tail, sp.half);
  return {
    rhatTail: tail.rhat(),
    lo: quantileMcse(spRanks, sp.half, sp.count, allRanks, 0.05),
    hi: quantileMcse(spRanks, sp.half, sp.count, allRanks, 0.95),
  };
}

/**
 * ESS of the raw split draws (the MCSE of the mean's); `work` as long as the split pool, in
 * `kernel`'s memory when there is one.
 */
export function essOfMean(chains: Chains, work: Float64Array, kernel?: LagKernel | null): number {
  return ess(splitChains(chains), work, kernel ?? undefined);
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
  const { sp, all: draws, staging } = sortDraws(chains, all);
  out.draws = draws;
  out.rankCounts = rankCounts(draws, chains.length, chains[0].length, rankBins);
  const P = sp.count * sp.half;
  const zOfRank = zOfRanks(P);
  // One buffer of P values serves, in turn, the bulk z in draw order (centred for its ESS) and the
  // centred draws of the mean's ESS: millions of draws, allocated once, in the memory of the
  // lagged sums' WebAssembly kernel where the run is long enough to be worth it.
  const { values: work, kernel } =
    P >= KERNEL_MIN_DRAWS ? lagWork(P, false) : { values: new Float64Array(P), kernel: null };
  const bulk = bulkPart(sp, zOfRank, work, staging, kernel);
  const tail = tailPart(sp, draws, zOfRank);
  return summaryFinish(out, bulk, tail, essOfMean(chains, work, kernel));
}
