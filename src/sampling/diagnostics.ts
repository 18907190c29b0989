// Convergence and accuracy diagnostics, following Vehtari, Gelman, Simpson, Carpenter & Bürkner
// (2021), "Rank-normalization, folding, and localization: an improved R-hat", in the form ArviZ
// implements (`_ess`, `_rhat`, `_z_scale`, `_split_chains`, `_mcse_mean`), plus FFT
// autocorrelation and the Kolmogorov–Smirnov test.
import type { LagKernel } from './lagKernel';
import { entryValues, type RankEntries } from './drawRuns';
import { sortWithOrder } from './sortOrder';
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

/**
 * Draws per chain the autocorrelation plot reads, at most: its ~100 lags are direct sums (O(draws)
 * per lag), so past this many the plot would cost more than a run's sampling, while its curve,
 * already within about ±1/√ACF_DRAWS of the whole chain's, would not visibly change.
 */
export const ACF_DRAWS = 1 << 18;

/** Draws per chain autocorrelation(chains, …) reads: every draw, or the first share of ACF_DRAWS. */
/** Lags of the autocorrelation plot. */
export const PLOT_LAGS = 100;

export function acfPrefix(chains: Chains): number {
  const n = Math.min(...chains.map((c) => c.length));
  return Math.min(n, Math.max(4096, Math.ceil(ACF_DRAWS / chains.length)));
}

/**
 * Autocorrelation up to maxLag, averaged over chains (ĉ_m(t)/ĉ_m(0)), of the first acfPrefix(chains)
 * draws of each chain (all of them unless the run is long).
 */
export function autocorrelation(chains: Chains, maxLag: number): number[] {
  const P = acfPrefix(chains);
  const L = Math.min(maxLag, P - 1);
  const out = new Array<number>(Math.max(0, L + 1)).fill(0);
  if (L < 0) return out;
  const eight = new Float64Array(8);
  const ac = new Float64Array(L + 8);
  let used = 0;
  for (const c0 of chains) {
    const c = c0.subarray(0, P);
    const x = centred(c, mean(c));
    for (let t = 0; t <= L; t += 8) {
      lagCov8(x, t, eight);
      ac.set(eight, t);
    }
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
 * x − mean, once: every lag's sum then reads the same centred values. `out` (x itself, to centre in
 * place) saves allocating another copy of millions of draws.
 */
function centred(
  x: Float64Array,
  m: number,
  out: Float64Array = new Float64Array(x.length),
): Float64Array {
  for (let i = 0; i < x.length; i++) out[i] = x[i] - m;
  return out;
}

/**
 * (1/N) Σ_{i<N−t} c_i c_{i+t} of centred draws for the eight lags t … t+7 in one pass: the pass is
 * memory-bound, so eight lags cost little more than one. Each lag's sum adds the same products in
 * the same order as a pass of its own would.
 */
function lagCov8(c: Float64Array, t: number, out: Float64Array, kernel?: LagKernel): void {
  const n = c.length;
  const end = Math.max(0, n - t - 7);
  out.fill(0);
  if (kernel?.holds(c)) kernel.sums8(c.byteOffset / 8, t, end, out);
  else lagSums8(c, t, end, out);
  // The last draws of the shorter lags, past the shared loop.
  for (let i = end; i < n; i++)
    for (let k = 0; k < 8 && i + t + k < n; k++) out[k] += c[i] * c[i + t + k];
  for (let k = 0; k < 8; k++) out[k] /= n;
}

/**
 * out[k] += Σ_{i<end} c_i c_{i+t+k}, k = 0 … 7. The sums start from `out`, a Float64Array, and the
 * loop is alone in its function: V8 then keeps them as raw doubles, where sums starting from the
 * literal 0 beside a rarely run loop were boxed on every draw (millions of allocations per pass).
 */
export function lagSums8(c: Float64Array, t: number, end: number, out: Float64Array): void {
  let s0 = out[0],
    s1 = out[1],
    s2 = out[2],
    s3 = out[3],
    s4 = out[4],
    s5 = out[5],
    s6 = out[6],
    s7 = out[7];
  for (let i = 0; i < end; i++) {
    const a = c[i],
      j = i + t;
    s0 += a * c[j];
    s1 += a * c[j + 1];
    s2 += a * c[j + 2];
    s3 += a * c[j + 3];
    s4 += a * c[j + 4];
    s5 += a * c[j + 5];
    s6 += a * c[j + 6];
    s7 += a * c[j + 7];
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
  out[4] = s4;
  out[5] = s5;
  out[6] = s6;
  out[7] = s7;
}

/** Each chain minus its mean, chain after chain in `into` when given (else new arrays). */
function centreAll(chains: Chains, chainMean: number[], into?: Float64Array): Float64Array[] {
  let k = 0;
  return chains.map((c, m) => {
    const out = into?.subarray(k, k + c.length);
    k += c.length;
    return centred(c, chainMean[m], out);
  });
}

/**
 * Mean over chains of ĉ_m(t), on demand: Geyer's sequence usually stops after a few lags, where
 * direct sums (O(N) per lag, four lags a pass) beat FFTs of every chain by far on long runs; past
 * DIRECT_LAGS every chain's whole autocovariance comes from one FFT.
 */
function meanAutocov(
  chains: Chains,
  chainMean: number[],
  centreInto?: Float64Array,
  kernel?: LagKernel,
  centred = false,
): (t: number) => number {
  const M = chains.length;
  let acov: Float64Array[] | null = null;
  let centre: Float64Array[] | null = centred ? chains : null;
  const cache: number[] = [];
  const eight = new Float64Array(8);
  const meanAcov = (t: number): number => {
    if (acov) {
      let s = 0;
      for (const a of acov) s += a[t];
      return s / M;
    }
    if (t < DIRECT_LAGS) {
      if (cache[t] === undefined) {
        centre ??= centreAll(chains, chainMean, centreInto);
        const t0 = t - (t % 8);
        const sums = [0, 0, 0, 0, 0, 0, 0, 0];
        for (let m = 0; m < M; m++) {
          lagCov8(centre[m], t0, eight, kernel);
          for (let k = 0; k < 8; k++) sums[k] += eight[k];
        }
        for (let k = 0; k < 8; k++) cache[t0 + k] = sums[k] / M;
      }
      return cache[t];
    }
    acov = chains.map((c) => autocov(c));
    return meanAcov(t);
  };
  return meanAcov;
}

/**
 * ESS of M chains of N draws (ArviZ `_ess`): multi-chain autocorrelation ρ̂_t = 1 − (W − mean ĉ(t))/var⁺,
 * Geyer's initial positive then initial monotone sequence on pairs, τ̂ ≥ 1/log10(MN).
 * `centreInto` (at least M·N long) receives the centred draws, chain after chain, instead of new
 * arrays; it may be the chains' own storage when the caller no longer needs them. When it is a view
 * of `kernel`'s memory, the lagged sums run in that WebAssembly kernel (the same doubles, faster);
 * otherwise `kernel` is not used.
 */
export function ess(chains: Chains, centreInto?: Float64Array, kernel?: LagKernel): number {
  const N = chains[0].length;
  if (N < 4) return NaN;
  for (const c of chains) for (let i = 0; i < c.length; i++) if (!Number.isFinite(c[i])) return NaN;
  const chainMean = chains.map(mean);
  return geyerEss(chains.length, N, chainMean, meanAutocov(chains, chainMean, centreInto, kernel));
}

/**
 * ess() of finite chains already less their means `chainMean`, as a pass that had to write every
 * draw anyway left them: the same sums without the passes that check and centre them. `kernel`: as
 * for ess(), used where the chains lie in its memory.
 */
export function essCentred(centred: Chains, chainMean: number[], kernel?: LagKernel): number {
  const N = centred[0].length;
  if (N < 4) return NaN;
  return geyerEss(
    centred.length,
    N,
    chainMean,
    meanAutocov(centred, chainMean, undefined, kernel, true),
  );
}

/** ESS from the chain means and the mean autocovariance at each lag (ĉ(t), averaged over chains). */
function geyerEss(
  M: number,
  N: number,
  chainMean: number[],
  meanAcov: (t: number) => number,
): number {
  const meanVar = (meanAcov(0) * N) / (N - 1);
  let varPlus = (meanVar * (N - 1)) / N;
  if (M > 1) varPlus += variance(chainMean, 1);
  // A constant chain has no variability to estimate from.
  if (!(varPlus > 0)) return NaN;
  // ρ̂ up to the truncation lag, which is usually small: grown on demand, 0 where never written.
  let rho = new Float64Array(Math.min(N, 256));
  let rhoEven = 1;
  rho[0] = rhoEven;
  let rhoOdd = 1 - (meanVar - meanAcov(1)) / varPlus;
  rho[1] = rhoOdd;
  let t = 1;
  while (t < N - 3 && rhoEven + rhoOdd > 0) {
    rhoEven = 1 - (meanVar - meanAcov(t + 1)) / varPlus;
    rhoOdd = 1 - (meanVar - meanAcov(t + 2)) / varPlus;
    if (t + 3 >= rho.length) {
      const grown = new Float64Array(Math.min(N, 2 * rho.length));
      grown.set(rho);
      rho = grown;
    }
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

/** Lags added per sweep over the sparse side of an indicator series in essBelow. */
const INDICATOR_LAGS = 64;

/**
 * ESS of the indicator 1[x ≤ q] of each chain (what tail ESS and the MCSE of a quantile use), equal
 * to ess() of those 0/1 series but from counts: with I the sparser of the indicator and its
 * complement (same autocovariance, since (1 − I) − (1 − m) = −(I − m)),
 * N·ĉ(t) = P_t − m(A_t + B_t) + (N − t)m², where P_t counts the pairs I_i = I_{i+t} = 1, A_t the ones
 * before N − t and B_t the ones from t. The pairs come from the positions of the ones, each paired
 * with the ones that follow it within the lags asked for: for the 5 % and 95 % quantiles that is a
 * twentieth of the draws, each with a handful of neighbours, instead of a pass over every draw per lag.
 */
export function essBelow(chains: Chains, q: number): number {
  const M = chains.length;
  const N = chains[0].length;
  if (N < 4) return NaN;
  const below = chains.map((c) => {
    let k = 0;
    for (let i = 0; i < N; i++) if (c[i] <= q) k++;
    return k;
  });
  const flip = 2 * below.reduce((a, b) => a + b, 0) > M * N;
  const ones = chains.map((c, m) => {
    const at = new Int32Array(flip ? N - below[m] : below[m]);
    let k = 0;
    if (flip) {
      for (let i = 0; i < N; i++) if (!(c[i] <= q)) at[k++] = i;
    } else for (let i = 0; i < N; i++) if (c[i] <= q) at[k++] = i;
    return at;
  });
  return essOfIndicator(N, ones, flip);
}

/**
 * essBelow from where the indicator's sparser side lies: `ones[c]`, ascending, are the positions in
 * chain c (of N draws) where I = 1, or where I = 0 when `flip`.
 */
export function essOfIndicator(N: number, ones: Int32Array[], flip: boolean): number {
  const M = ones.length;
  if (N < 4) return NaN;
  const m = ones.map((o) => o.length / N);
  // Complemented chains have means 1 − m; their spread, the only way the means enter, is the same.
  const chainMean = flip ? m.map((v) => 1 - v) : m;
  const pairs: number[][] = ones.map((o) => [o.length]);
  let generic: ((t: number) => number) | null = null;
  const meanAcov = (t: number): number => {
    if (t >= N) return 0;
    if (t >= 16 * INDICATOR_LAGS) {
      // A chain this slow is rare and its lags are many: the FFT of the 0/1 series is cheaper.
      generic ??= meanAutocov(
        ones.map((o) => {
          const b = new Float64Array(N);
          for (const p of o) b[p] = 1;
          return b;
        }),
        m,
      );
      return generic(t);
    }
    while (pairs[0].length <= t) {
      const from = pairs[0].length,
        to = from + INDICATOR_LAGS - 1;
      for (let c = 0; c < M; c++) {
        const o = ones[c];
        const add = new Float64Array(INDICATOR_LAGS);
        for (let j = 0; j < o.length; j++) {
          const p = o[j];
          for (let k = j + 1; k < o.length && o[k] - p <= to; k++) {
            const d = o[k] - p;
            if (d >= from) add[d - from]++;
          }
        }
        for (const v of add) pairs[c].push(v);
      }
    }
    let s = 0;
    for (let c = 0; c < M; c++) {
      const o = ones[c],
        K = o.length;
      // Ones before t and from N − t on: the positions are ascending.
      let head = 0,
        tail = 0;
      while (head < K && o[head] < t) head++;
      while (tail < K && o[K - 1 - tail] >= N - t) tail++;
      const A = K - tail,
        B = K - head;
      s += (pairs[c][t] - m[c] * (A + B) + (N - t) * m[c] * m[c]) / N;
    }
    return s / M;
  };
  return geyerEss(M, N, chainMean, meanAcov);
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

/** Indices that sort `vals` ascending (ties in index order): sortWithOrder's order. */
export function argsort(vals: Float64Array): Uint32Array {
  return sortWithOrder(vals).order;
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
  return rhatOfMoments(
    chains[0].length,
    chains.map(mean),
    chains.map((c) => variance(c, 1)),
  );
}

/** rhatBasic from each chain's mean and variance (ddof 1), chains of n draws. */
export function rhatOfMoments(n: number, chainMean: number[], chainVar: number[]): number {
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

/** Draws between two exact CDF evaluations in ksSorted. */
const KS_BLOCK = 64;
/**
 * How far a computed CDF may step backwards between two points and still be a CDF here: the
 * numeric CDFs are accurate to about 1e-8, so a dip larger than this would be a defect elsewhere.
 */
const KS_MONOTONE_SLACK = 1e-7;

/**
 * KS statistic of ascending draws against a CDF, and the PIT F(x) counted in `bins` equal bins.
 * F is evaluated exactly at every KS_BLOCK-th draw; between two such draws F is bracketed by their
 * values (F is monotone), and the draws in between are evaluated only where the bracket could raise
 * D or straddles a PIT bin edge. D and the PIT counts are then exactly those of evaluating every draw
 * (a numeric CDF costs a quadrature each, which at millions of draws cost more than sampling them).
 */
function ksSorted(
  xs: Float64Array,
  cdf: (x: number) => number,
  bins: number,
): { D: number; p: number; pit: number[] } {
  const n = xs.length;
  const pit = new Array<number>(bins).fill(0);
  let D = 0;
  const visit = (i: number, F: number): void => {
    D = Math.max(D, (i + 1) / n - F, F - i / n);
    if (F >= 0 && F <= 1) pit[Math.min(bins - 1, Math.floor(F * bins))]++;
  };
  const nodes = Math.ceil(n / KS_BLOCK);
  const Fnode = new Float64Array(nodes + 1);
  for (let b = 0; b < nodes; b++) {
    Fnode[b] = cdf(xs[b * KS_BLOCK]);
    visit(b * KS_BLOCK, Fnode[b]);
  }
  Fnode[nodes] = n > 0 ? cdf(xs[n - 1]) : 0;
  for (let b = 0; b < nodes; b++) {
    const s = b * KS_BLOCK,
      e = Math.min(n, s + KS_BLOCK);
    if (e - s < 2) continue;
    // Draws s+1 … e−1 lie between the draws s and min(e, n−1), so F there lies between their F.
    const lo = Fnode[b] - KS_MONOTONE_SLACK,
      hi = Fnode[b + 1] + KS_MONOTONE_SLACK;
    const bin = Math.floor(lo * bins);
    const oneBin = lo >= 0 && hi <= 1 && bin === Math.floor(hi * bins) && bin < bins;
    // (k+1)/n − F_k ≤ e/n − lo and F_k − k/n ≤ hi − (s+1)/n for every k in the block.
    if (oneBin && e / n - lo <= D && hi - (s + 1) / n <= D) {
      pit[bin] += e - s - 1;
      continue;
    }
    for (let k = s + 1; k < e; k++) visit(k, cdf(xs[k]));
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
 * leaving draws close to independent, and the pooled thinned draws are tested. `draws` (every draw,
 * pooled chain after chain, sorted as entries carrying their pooled index: drawRuns.ts) saves the
 * sort: i.i.d. samplers test every draw, and thinned draws are read from it in order.
 */
export function ksThinned(
  chains: Chains,
  cdf: (x: number) => number,
  essValue: number,
  iid: boolean,
  draws?: RankEntries | null,
  pitBins = 20,
): { D: number; p: number; thin: number; n: number; pit: number[] } {
  const total = chains.reduce((s, c) => s + c.length, 0);
  const thin = iid || !(essValue > 0) ? 1 : Math.max(1, Math.ceil(total / essValue));
  const N = chains[0]?.length ?? 0;
  const equal = chains.every((c) => c.length === N);
  // Entries of one draw each are checked against the chains; runs are taken on trust (counting
  // their draws would be a pass of its own).
  const sorted =
    draws && equal && (draws.lenBits > 0 || draws.sorted.length === total) ? draws : null;
  let xs: Float64Array;
  if (thin === 1 && sorted) xs = sorted.lenBits === 0 ? sorted.sorted : entryValues(sorted, total);
  else {
    let n = 0;
    for (const c of chains) n += Math.ceil(c.length / thin);
    if (sorted) xs = pickKept(sorted, chains.length, N, thin, n);
    else {
      xs = new Float64Array(n);
      let k = 0;
      for (const c of chains) for (let i = c.length - 1; i >= 0; i -= thin) xs[k++] = c[i];
      xs.sort();
    }
  }
  return { ...ksSorted(xs, cdf, pitBins), thin, n: xs.length };
}

/**
 * The n draws the chains (N draws each) keep, in sorted order: the draws i with (N − 1 − i)
 * divisible by thin, the last and back from it. An entry's draws are consecutive in one chain, so how many it
 * keeps is a difference of two floors, and the value is written once and the count added: no branch
 * on which draws are kept (a fifth or so, at random, which a branch mispredicts).
 */
function pickKept(
  e: RankEntries,
  chains: number,
  N: number,
  thin: number,
  n: number,
): Float64Array {
  const { sorted, packed, lenBits } = e;
  const mask = (1 << lenBits) - 1;
  // Kept: i ≡ r (mod thin). Kept indices ≤ j: ⌊(j − r + thin)/thin⌋ (j ≥ −1).
  const r = (N - 1) % thin;
  // One more than kept: the entries after the last kept one write there.
  const xs = new Float64Array(n + 1);
  let k = 0;
  for (let j = 0; j < packed.length; j++) {
    const pk = packed[j];
    const p = pk >>> lenBits;
    // The index within its chain (one chain: the pooled index itself).
    const a = chains === 1 ? p : p - Math.floor(p / N) * N,
      b = a + (pk & mask);
    const kept = Math.floor((b - r + thin) / thin) - Math.floor((a - 1 - r + thin) / thin);
    const v = sorted[j];
    xs[k] = v;
    // A run longer than thin keeps several.
    if (kept > 1) xs.fill(v, k + 1, k + kept);
    k += kept;
  }
  return xs.subarray(0, n);
}
