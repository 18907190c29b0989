// Convergence and accuracy diagnostics, following Vehtari, Gelman, Simpson, Carpenter & Bürkner
// (2021), "Rank-normalization, folding, and localization: an improved R-hat", in the form ArviZ
// implements (`_ess`, `_rhat`, `_z_scale`, `_split_chains`, `_mcse_mean`), plus FFT
// autocorrelation and the Kolmogorov–Smirnov test.
import { ksPValue, normQuantile } from './special';

export type Chains = Float64Array[];

// ───────────────────────────── FFT autocovariance ─────────────────────────────

/** In-place iterative radix-2 complex FFT; `inverse` applies the conjugate transform without 1/n. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i];
      re[i] = re[j];
      re[j] = t;
      t = im[i];
      im[i] = im[j];
      im[j] = t;
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = ((inverse ? 2 : -2) * Math.PI) / len;
    const wr = Math.cos(ang),
      wi = Math.sin(ang);
    const half = len >> 1;
    for (let i = 0; i < n; i += len) {
      let cr = 1,
        ci = 0;
      for (let k = 0; k < half; k++) {
        const a = i + k,
          b = a + half;
        const xr = re[b] * cr - im[b] * ci;
        const xi = re[b] * ci + im[b] * cr;
        re[b] = re[a] - xr;
        im[b] = im[a] - xi;
        re[a] += xr;
        im[a] += xi;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

/**
 * ĉ(t) = (1/N) Σ_{i<N−t} (x_i − x̄)(x_{i+t} − x̄) for t = 0 … maxLag (default N − 1), via
 * zero-padded FFT. Padding to N + maxLag is enough to keep the circular wrap-around off the lags
 * asked for, so a short maxLag halves the transform.
 */
export function autocov(x: ArrayLike<number>, maxLag = x.length - 1): Float64Array {
  const n = x.length;
  const L = Math.max(0, Math.min(maxLag, n - 1));
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let m = 1;
  while (m < n + L + 1) m <<= 1;
  const re = new Float64Array(m),
    im = new Float64Array(m);
  for (let i = 0; i < n; i++) re[i] = x[i] - mean;
  fft(re, im, false);
  for (let i = 0; i < m; i++) {
    re[i] = re[i] * re[i] + im[i] * im[i];
    im[i] = 0;
  }
  fft(re, im, true);
  const out = new Float64Array(L + 1);
  for (let t = 0; t <= L; t++) out[t] = re[t] / m / n;
  return out;
}

/** Autocorrelation up to maxLag, averaged over chains (ĉ_m(t)/ĉ_m(0)). */
export function autocorrelation(chains: Chains, maxLag: number): number[] {
  const L = Math.min(maxLag, Math.min(...chains.map((c) => c.length)) - 1);
  const out = new Array<number>(Math.max(0, L + 1)).fill(0);
  let used = 0;
  for (const c of chains) {
    const ac = autocov(c, L);
    if (!(ac[0] > 0)) continue;
    used++;
    for (let t = 0; t <= L; t++) out[t] += ac[t] / ac[0];
  }
  return out.map((v) => (used ? v / used : NaN));
}

// ───────────────────────────── ESS ─────────────────────────────

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

function variance(a: ArrayLike<number>, ddof: number): number {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - m) ** 2;
  return s / (a.length - ddof);
}

const DIRECT_LAGS = 48;

/**
 * (1/N) Σ_{i<N−t} (x_i − x̄)(x_{i+t} − x̄) for the four lags t … t+3 in one pass: the pass is
 * memory-bound, so four lags cost little more than one.
 */
function lagCov4(x: Float64Array, m: number, t: number, out: Float64Array): void {
  const n = x.length;
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0;
  const end = n - t - 3;
  let i = 0;
  for (; i < end; i++) {
    const a = x[i] - m;
    s0 += a * (x[i + t] - m);
    s1 += a * (x[i + t + 1] - m);
    s2 += a * (x[i + t + 2] - m);
    s3 += a * (x[i + t + 3] - m);
  }
  // The last three draws of the lag-t sum (and two, one of the next lags) past the shared loop.
  for (; i < n; i++) {
    const a = x[i] - m;
    if (i + t < n) s0 += a * (x[i + t] - m);
    if (i + t + 1 < n) s1 += a * (x[i + t + 1] - m);
    if (i + t + 2 < n) s2 += a * (x[i + t + 2] - m);
  }
  out[0] = s0 / n;
  out[1] = s1 / n;
  out[2] = s2 / n;
  out[3] = s3 / n;
}

/**
 * ESS of M chains of N draws (ArviZ `_ess`): multi-chain autocorrelation ρ̂_t = 1 − (W − mean ĉ(t))/var⁺,
 * Geyer's initial positive then initial monotone sequence on pairs, τ̂ ≥ 1/log10(MN).
 */
export function ess(chains: Chains): number {
  const M = chains.length;
  const N = chains[0].length;
  if (N < 4) return NaN;
  for (const c of chains) for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i])) return NaN;
  const chainMean = chains.map(mean);
  // Autocovariances on demand: Geyer's sequence usually stops after a few lags, where direct sums
  // (O(N) per lag) beat FFTs of every chain by far on long runs; past DIRECT_LAGS switch to the FFT.
  let acov: Float64Array[] | null = null;
  const cache: number[] = [];
  const meanAcov = (t: number): number => {
    if (acov) {
      let s = 0;
      for (const a of acov) s += a[t];
      return s / M;
    }
    if (t < DIRECT_LAGS) {
      if (cache[t] === undefined) {
        const t0 = t - (t % 4);
        const sums = new Float64Array(4),
          four = new Float64Array(4);
        for (let m = 0; m < M; m++) {
          lagCov4(chains[m], chainMean[m], t0, four);
          for (let k = 0; k < 4; k++) sums[k] += four[k];
        }
        for (let k = 0; k < 4; k++) cache[t0 + k] = sums[k] / M;
      }
      return cache[t];
    }
    acov = chains.map((c) => autocov(c));
    return meanAcov(t);
  };
  const meanVar = (meanAcov(0) * N) / (N - 1);
  let varPlus = (meanVar * (N - 1)) / N;
  if (M > 1) varPlus += variance(chainMean, 1);
  // A constant chain has no variability to estimate from.
  if (!(varPlus > 0)) return NaN;
  const rho = new Float64Array(N);
  let rhoEven = 1;
  rho[0] = rhoEven;
  let rhoOdd = 1 - (meanVar - meanAcov(1)) / varPlus;
  rho[1] = rhoOdd;
  let t = 1;
  while (t < N - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = 1 - (meanVar - meanAcov(t + 1)) / varPlus;
    rhoOdd = 1 - (meanVar - meanAcov(t + 2)) / varPlus;
    if (rhoEven + rhoOdd >= 0) {
      rho[t + 1] = rhoEven;
      rho[t + 2] = rhoOdd;
    }
    t += 2;
  }
  const maxT = t - 2;
  if (rhoEven > 0) rho[maxT + 1] = rhoEven;
  t = 1;
  while (t <= maxT - 2) {
    if (rho[t + 1] + rho[t + 2] > rho[t - 1] + rho[t]) {
      rho[t + 1] = (rho[t - 1] + rho[t]) / 2;
      rho[t + 2] = rho[t + 1];
    }
    t += 2;
  }
  let sum = 0;
  for (let i = 0; i <= maxT; i++) sum += rho[i];
  let tau = -1 + 2 * sum + (maxT + 1 < N ? rho[maxT + 1] : 0);
  tau = Math.max(tau, 1 / Math.log10(M * N));
  return (M * N) / tau;
}

/** Splits each chain into halves (dropping the middle draw of an odd chain), as ArviZ does. */
export function splitChains(chains: Chains): Chains {
  const out: Chains = [];
  for (const c of chains) {
    const half = Math.floor(c.length / 2);
    out.push(c.subarray(0, half), c.subarray(c.length - half));
  }
  return out;
}

/**
 * Indices that sort `vals` ascending. An LSD radix sort on the top 32 bits of each double's
 * order-preserving bit pattern (sign, exponent and 20 mantissa bits), 11 bits per pass, carrying
 * the index along; then each run of equal 32-bit keys (values within about 1e-6 relative of each
 * other, a handful at most) is put in exact order by insertion sort on the full values. A
 * comparator sort or per-value binary searches cost seconds at millions of draws; this does not.
 */
export function argsort(vals: Float64Array): Uint32Array {
  const n = vals.length;
  const bits = new Uint32Array(vals.buffer, vals.byteOffset, 2 * n);
  let key = new Uint32Array(n),
    idx = new Uint32Array(n);
  let key2 = new Uint32Array(n),
    idx2 = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const h = bits[2 * i + 1];
    // Negative numbers: flip every bit; positive: flip the sign bit. Then unsigned order = numeric order.
    key[i] = h & 0x80000000 ? ~h >>> 0 : (h | 0x80000000) >>> 0;
    idx[i] = i;
  }
  // 11-bit digits: 2048 counters stay in the L1 cache, and three passes cover 32 bits.
  const count = new Uint32Array(2048);
  for (let pass = 0; pass < 3; pass++) {
    const shift = 11 * pass;
    count.fill(0);
    for (let i = 0; i < n; i++) count[(key[i] >>> shift) & 0x7ff]++;
    // A digit that is the same for every key (common in the high bits) needs no pass.
    if (count[(key[0] >>> shift) & 0x7ff] === n) continue;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const j = count[(key[i] >>> shift) & 0x7ff]++;
      key2[j] = key[i];
      idx2[j] = idx[i];
    }
    [key, key2] = [key2, key];
    [idx, idx2] = [idx2, idx];
  }
  for (let i = 0; i < n;) {
    let j = i + 1;
    while (j < n && key[j] === key[i]) j++;
    let same = true;
    for (let q = i + 1; q < j && same; q++) same = vals[idx[q]] === vals[idx[i]];
    if (same) {
      i = j;
      continue;
    }
    if (j - i > 32) {
      // A long run (draws packed into a tiny interval): insertion sort would be quadratic.
      const run = Array.from(idx.subarray(i, j)).sort((p, q) => vals[p] - vals[q] || p - q);
      idx.set(run, i);
      i = j;
      continue;
    }
    for (let a = i + 1; a < j; a++) {
      const t = idx[a],
        v = vals[t];
      let b = a - 1;
      // Equal values keep their index order (a stable sort), as the radix passes left them.
      while (b >= i && vals[idx[b]] > v) {
        idx[b + 1] = idx[b];
        b--;
      }
      idx[b + 1] = t;
    }
    i = j;
  }
  return idx;
}

/** Average ranks (1-based, ties averaged) of all pooled draws. */
function ranks(chains: Chains): Chains {
  const total = chains.reduce((s, c) => s + c.length, 0);
  const vals = new Float64Array(total);
  let k = 0;
  for (const c of chains) {
    vals.set(c, k);
    k += c.length;
  }
  const order = argsort(vals);
  const r = new Float64Array(total);
  for (let i = 0; i < total;) {
    let j = i;
    while (j + 1 < total && vals[order[j + 1]] === vals[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let q = i; q <= j; q++) r[order[q]] = avg;
    i = j + 1;
  }
  const out: Chains = [];
  k = 0;
  for (const c of chains) {
    out.push(r.subarray(k, k + c.length));
    k += c.length;
  }
  return out;
}

/** Rank normalisation z = Φ⁻¹((r − 3/8)/(S + 1/4)) over all pooled draws. */
export function zScale(chains: Chains): Chains {
  const S = chains.reduce((s, c) => s + c.length, 0);
  return ranks(chains).map((r) => r.map((v) => normQuantile((v - 0.375) / (S + 0.25))));
}

/** Quantile with linear interpolation between order statistics (NumPy's default). */
export function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos),
    hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function pooledSorted(chains: Chains): Float64Array {
  const total = chains.reduce((s, c) => s + c.length, 0);
  const v = new Float64Array(total);
  let k = 0;
  for (const c of chains) {
    v.set(c, k);
    k += c.length;
  }
  return v.sort();
}

export function essBulk(chains: Chains): number {
  return ess(zScale(splitChains(chains)));
}

/** min over q ∈ {0.05, 0.95} of the ESS of 1[x ≤ q̂] on split chains. */
export function essTail(chains: Chains): number {
  const sorted = pooledSorted(chains);
  const split = splitChains(chains);
  let best = Infinity;
  for (const q of [0.05, 0.95]) {
    const qh = quantile(sorted, q);
    const ind = split.map((c) => c.map((v) => (v <= qh ? 1 : 0)));
    const e = ess(ind);
    best = Math.min(best, e);
  }
  return best;
}

/** Plain (non-rank) R-hat of the given chains: √(((n−1)/n·W + B/n)/W). */
export function rhatBasic(chains: Chains): number {
  const n = chains[0].length;
  const chainMean = chains.map(mean);
  const chainVar = chains.map((c) => variance(c, 1));
  const B = n * variance(chainMean, 1);
  const W = mean(chainVar);
  return Math.sqrt((B / W + n - 1) / n);
}

/** ESS bulk, ESS tail and rank-normalised split R-hat together, sharing the rank normalisation. */
export function convergence(chains: Chains): { essBulk: number; essTail: number; rhat: number } {
  if (chains[0].length < 4) return { essBulk: NaN, essTail: essTail(chains), rhat: NaN };
  const z = zScale(splitChains(chains));
  const med = quantile(pooledSorted(chains), 0.5);
  const folded = chains.map((c) => c.map((v) => Math.abs(v - med)));
  const r = Math.max(rhatBasic(z), rhatBasic(zScale(splitChains(folded))));
  return { essBulk: ess(z), essTail: essTail(chains), rhat: r };
}

/** Rank-normalised split R-hat: max of bulk R̂(z) and tail R̂(z of |θ − median|). */
export function rhat(chains: Chains): number {
  if (chains[0].length < 4) return NaN;
  const bulk = rhatBasic(zScale(splitChains(chains)));
  const med = quantile(pooledSorted(chains), 0.5);
  const folded = chains.map((c) => c.map((v) => Math.abs(v - med)));
  const tail = rhatBasic(zScale(splitChains(folded)));
  return Math.max(bulk, tail);
}

/** MCSE of the mean: sd / √ESS(raw split draws), sd over all pooled draws with ddof 1. */
export function mcseMean(chains: Chains): { mcse: number; ess: number; mean: number; sd: number } {
  const pooled = pooledSorted(chains);
  const e = ess(splitChains(chains));
  const sd = Math.sqrt(variance(pooled, 1));
  return { mcse: sd / Math.sqrt(e), ess: e, mean: mean(pooled), sd };
}

// ───────────────────────────── KS ─────────────────────────────

/** KS statistic of ascending draws against a CDF, and the PIT F(x) counted in `bins` equal bins. */
function ksSorted(
  xs: Float64Array,
  cdf: (x: number) => number,
  bins: number,
): { D: number; p: number; pit: number[] } {
  const n = xs.length;
  const pit = new Array<number>(bins).fill(0);
  let D = 0;
  for (let i = 0; i < n; i++) {
    const F = cdf(xs[i]);
    D = Math.max(D, (i + 1) / n - F, F - i / n);
    if (F >= 0 && F <= 1) pit[Math.min(bins - 1, Math.floor(F * bins))]++;
  }
  return { D, p: ksPValue(D, n), pit };
}

/** One-sample KS statistic and p-value of draws against a CDF. */
export function ksTest(
  draws: ArrayLike<number>,
  cdf: (x: number) => number,
): { D: number; p: number } {
  const { D, p } = ksSorted(Float64Array.from(draws).sort(), cdf, 1);
  return { D, p };
}

/**
 * KS for possibly autocorrelated chains. KS assumes independent draws; a chain's neighbours are
 * not, and the test would reject good chains (or, with fewer effective draws than it thinks,
 * mean nothing). So each chain is thinned by ⌈τ⌉, τ = N/ESS the estimated autocorrelation time,
 * leaving draws close to independent, and the pooled thinned draws are tested. i.i.d. samplers pass
 * thin = 1; `sorted` (every draw, ascending) then saves the sort.
 */
export function ksThinned(
  chains: Chains,
  cdf: (x: number) => number,
  essValue: number,
  iid: boolean,
  sorted?: Float64Array | null,
  pitBins = 20,
): { D: number; p: number; thin: number; n: number; pit: number[] } {
  const total = chains.reduce((s, c) => s + c.length, 0);
  const thin = iid || !(essValue > 0) ? 1 : Math.max(1, Math.ceil(total / essValue));
  let xs: Float64Array;
  if (thin === 1 && sorted && sorted.length === total) xs = sorted;
  else {
    let n = 0;
    for (const c of chains) n += Math.ceil(c.length / thin);
    xs = new Float64Array(n);
    let k = 0;
    for (const c of chains) for (let i = c.length - 1; i >= 0; i -= thin) xs[k++] = c[i];
    xs.sort();
  }
  return { ...ksSorted(xs, cdf, pitBins), thin, n: xs.length };
}
