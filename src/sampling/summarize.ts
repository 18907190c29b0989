// Every convergence and accuracy number of a run from one sort of the pooled draws, as Stan and
// ArviZ report them (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021): rank-normalised split
// R-hat (bulk and folded tail), bulk and tail ESS, and the MCSE of the mean and of the 5 % and 95 %
// quantiles. diagnostics.ts holds the same formulas one at a time; this file exists because at
// millions of draws every extra sort, copy or Φ⁻¹ costs more than the sampling did.
import { betaQuantile } from './betaQuantile';
import { argsort, ess, quantile, rhatBasic, splitChains, type Chains } from './diagnostics';
import { normQuantile } from './special';

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
  /** The pooled draws sorted (shared with KS when it runs unthinned). */
  sorted: Float64Array | null;
}

/** ±1 sd of a standard normal, as probabilities: where the MCSE of a quantile reads its bracket. */
const ONE_SD = [0.1586553, 0.8413447];

/** Pools chains into one array, chain after chain. */
function pool(chains: Chains): Float64Array {
  const out = new Float64Array(chains.reduce((s, c) => s + c.length, 0));
  let k = 0;
  for (const c of chains) {
    out.set(c, k);
    k += c.length;
  }
  return out;
}

/** Cuts a pooled array back into chains of the given lengths (views, no copy). */
function unpool(v: Float64Array, like: Chains): Chains {
  const out: Chains = [];
  let k = 0;
  for (const c of like) {
    out.push(v.subarray(k, k + c.length));
    k += c.length;
  }
  return out;
}

/**
 * z = Φ⁻¹((r − 3/8)/(S + 1/4)) for the average rank r of each value, given the values in sorted
 * order (`order` indexes `key`, ascending). Integer ranks share `zOfRank` across calls: Φ⁻¹ is the
 * costly part, and Φ⁻¹(1 − p) = −Φ⁻¹(p) halves it.
 */
function rankZ(
  order: Uint32Array,
  sortedKeys: Float64Array,
  zOfRank: Float64Array,
  out: Float64Array,
): void {
  const S = order.length;
  for (let i = 0; i < S;) {
    const v = sortedKeys[i];
    let j = i;
    while (j + 1 < S && sortedKeys[j + 1] === v) j++;
    let z: number;
    if (i === j) {
      const r = i + 1;
      z = zOfRank[i];
      if (Number.isNaN(z)) {
        const mirror = zOfRank[S - r];
        z = Number.isNaN(mirror) ? normQuantile((r - 0.375) / (S + 0.25)) : -mirror;
        zOfRank[i] = z;
      }
    } else z = normQuantile(((i + j) / 2 + 1 - 0.375) / (S + 0.25));
    for (let q = i; q <= j; q++) out[order[q]] = z;
    i = j + 1;
  }
}

/**
 * The order of |v − med| ascending, from v's ascending order: values at or below the median, read
 * downwards, and values above it, read upwards, are each already sorted by distance; merge them.
 */
function foldedOrder(
  order: Uint32Array,
  sorted: Float64Array,
  med: number,
): { order: Uint32Array; keys: Float64Array } {
  const S = order.length;
  let split = 0;
  while (split < S && sorted[split] <= med) split++;
  const out = new Uint32Array(S),
    keys = new Float64Array(S);
  let a = split - 1,
    b = split;
  for (let k = 0; k < S; k++) {
    if (b >= S || (a >= 0 && med - sorted[a] <= sorted[b] - med)) {
      keys[k] = med - sorted[a];
      out[k] = order[a--];
    } else {
      keys[k] = sorted[b] - med;
      out[k] = order[b++];
    }
  }
  return { order: out, keys };
}

/** ESS of 1[x ≤ q] on split chains (ArviZ `_ess_quantile`), and the MCSE of the quantile. */
function quantileMcse(
  split: Chains,
  sorted: Float64Array,
  prob: number,
): { q: number; ess: number; mcse: number } {
  const q = quantile(sorted, prob);
  const ind = split.map((c) => {
    const o = new Float64Array(c.length);
    for (let i = 0; i < c.length; i++) o[i] = c[i] <= q ? 1 : 0;
    return o;
  });
  const e = ess(ind);
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

export function summarize(chains: Chains, rankBins = 20): ConvergenceSummary {
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
  const N = chains[0].length;
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
  };
  if (!finite || N < 4) return out;
  const orderAll = argsort(all);
  const sortedAll = new Float64Array(S);
  for (let i = 0; i < S; i++) sortedAll[i] = all[orderAll[i]];
  out.sorted = sortedAll;
  // Pooled rank i + 1 of draw orderAll[i], whose chain is its index ÷ N (chains are equally long).
  const rc = chains.map(() => new Array<number>(rankBins).fill(0));
  for (let i = 0; i < S; i++) rc[Math.floor(orderAll[i] / N)][Math.floor((i * rankBins) / S)]++;
  out.rankCounts = rc;
  const split = splitChains(chains);
  // An even chain splits into halves that together are the whole chain, in the same pooled order:
  // the one sort serves both. An odd chain drops its middle draw, so its split pool is sorted again.
  const even = N % 2 === 0;
  const splitPool = even ? all : pool(split);
  const orderSplit = even ? orderAll : argsort(splitPool);
  const sortedSplit = even ? sortedAll : splitPool.map((_, i) => splitPool[orderSplit[i]]);
  const P = splitPool.length;
  const zOfRank = new Float64Array(P).fill(NaN);
  const zBulk = new Float64Array(P);
  rankZ(orderSplit, sortedSplit, zOfRank, zBulk);
  const med = quantile(sortedAll, 0.5);
  const zTail = new Float64Array(P);
  const folded = foldedOrder(orderSplit, sortedSplit, med);
  rankZ(folded.order, folded.keys, zOfRank, zTail);
  out.rhatBulk = rhatBasic(unpool(zBulk, split));
  out.rhatTail = rhatBasic(unpool(zTail, split));
  out.rhat = Math.max(out.rhatBulk, out.rhatTail);
  out.essBulk = ess(unpool(zBulk, split));
  const lo = quantileMcse(split, sortedAll, 0.05),
    hi = quantileMcse(split, sortedAll, 0.95);
  out.essTail = Math.min(lo.ess, hi.ess);
  out.q05 = lo.q;
  out.q95 = hi.q;
  out.mcseQ05 = lo.mcse;
  out.mcseQ95 = hi.mcse;
  out.essMean = ess(split);
  out.mcseMean = sd / Math.sqrt(out.essMean);
  return out;
}
