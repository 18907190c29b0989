// ESS, R-hat, MCSE, autocovariance and KS checked against hand computations and an independent,
// direct O(n²) implementation of the published formulas (Vehtari et al. 2021; Geyer 1992).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  autocov,
  convergence,
  ess,
  essBulk,
  essTail,
  ksTest,
  mcseMean,
  rhat,
  rhatBasic,
  splitChains,
  zScale,
} from '../../../src/sampling/diagnostics';
import { ksPValue, normQuantile } from '../../../src/sampling/special';
import { Rng } from '../../../src/common/rng';

const close = (a: number, b: number, tol: number, msg?: string): void =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${msg ?? ''} ${a} vs ${b}`);

/** Direct ĉ(t) = (1/N) Σ_{i<N−t} (x_i − x̄)(x_{i+t} − x̄). */
function directAutocov(x: ArrayLike<number>, t: number): number {
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  let s = 0;
  for (let i = 0; i + t < n; i++) s += (x[i] - m) * (x[i + t] - m);
  return s / n;
}

/**
 * ESS straight from the paper: ρ̂_0 = 1, ρ̂_t = 1 − (W − mean_m ĉ_m(t))/var⁺ with W = mean ĉ_m(0)·N/(N−1),
 * var⁺ = W(N−1)/N + var_m(x̄_m); pairs P_k = ρ̂_2k + ρ̂_2k+1 kept while positive, made monotone
 * (P_k ← min(P_k, P_k−1)); τ = −1 + 2 Σ_k P_k + max(0, ρ̂ after the last pair); τ ≥ 1/log10(MN).
 */
function directEss(chains: number[][]): number {
  const M = chains.length,
    N = chains[0].length;
  const means = chains.map((c) => c.reduce((a, b) => a + b, 0) / N);
  const W = ((chains.reduce((s, c) => s + directAutocov(c, 0), 0) / M) * N) / (N - 1);
  const gm = means.reduce((a, b) => a + b, 0) / M;
  const varMeans = M > 1 ? means.reduce((s, v) => s + (v - gm) ** 2, 0) / (M - 1) : 0;
  const varPlus = (W * (N - 1)) / N + varMeans;
  // ρ̂_0 is 1 by definition (Stan and ArviZ set it so); the formula would give W'/var⁺ slightly below 1.
  const rho = (t: number): number =>
    t === 0 ? 1 : 1 - (W - chains.reduce((s, c) => s + directAutocov(c, t), 0) / M) / varPlus;
  const P: number[] = [];
  let k = 0;
  for (; 2 * k + 1 < N - 1; k++) {
    const p = rho(2 * k) + rho(2 * k + 1);
    if (!(p > 0)) break;
    P.push(p);
  }
  const next = rho(2 * k);
  for (let i = 1; i < P.length; i++) P[i] = Math.min(P[i], P[i - 1]);
  let tau = -1 + 2 * P.reduce((a, b) => a + b, 0) + (next > 0 ? next : 0);
  tau = Math.max(tau, 1 / Math.log10(M * N));
  return (M * N) / tau;
}

function ar1(seed: number, n: number, phi: number): Float64Array {
  const r = new Rng(seed);
  const x = new Float64Array(n);
  let v = r.normal();
  for (let i = 0; i < n; i++) {
    v = phi * v + Math.sqrt(1 - phi * phi) * r.normal();
    x[i] = v;
  }
  return x;
}

test('FFT autocovariance equals the direct sum', () => {
  const x = ar1(3, 37, 0.6);
  const a = autocov(x);
  for (let t = 0; t < x.length; t++) close(a[t], directAutocov(x, t), 1e-12, `lag ${t}`);
});

test('ESS by hand on two chains of four draws', () => {
  // A = [1,3,2,4], B = [2,4,1,3]; both means 2.5.
  // ĉ_A = [1.25, −0.4375, 0.375, −0.5625], ĉ_B = [1.25, −0.9375, 0.375, −0.0625].
  // W = 1.25·4/3 = 5/3; var⁺ = W·3/4 + var(2.5, 2.5) = 1.25.
  // ρ̂_0 = 1, ρ̂_1 = 1 − (5/3 + 0.6875)/1.25 = −0.8833. With N = 4 no further pair fits
  // (t < N − 3 fails at t = 1), so τ = −1 + ρ̂_0 = 0, floored at 1/log10(8) = 1.10731:
  // ESS = 8/1.10731 = 7.22472.
  const e = ess([Float64Array.of(1, 3, 2, 4), Float64Array.of(2, 4, 1, 3)]);
  close(e, 8 * Math.log10(8), 1e-12);
});

test('ESS matches the direct implementation on autocorrelated and anticorrelated chains', () => {
  for (const [phi, n, m] of [
    [0.5, 200, 4],
    [0.9, 300, 2],
    [-0.3, 120, 3],
    [0, 150, 1],
    [0.95, 3000, 2],
  ] as const) {
    const chains = Array.from({ length: m }, (_, i) => ar1(10 * i + 7, n, phi));
    const mine = ess(chains);
    const ref = directEss(chains.map((c) => Array.from(c)));
    close(mine, ref, 1e-9, `phi ${phi}`);
  }
  // And the ESS of a strongly autocorrelated AR(1) is near its theoretical MN(1−φ)/(1+φ).
  const chains = Array.from({ length: 4 }, (_, i) => ar1(i + 1, 5000, 0.8));
  const e = ess(chains);
  assert.ok(e > (0.7 * 20000) / 9 && e < (1.4 * 20000) / 9, `AR(1) ESS ${e}`);
});

test('R-hat by hand', () => {
  // Plain R-hat, chains [1,2,3,4] and [2,4,6,8] (no split): n = 4, means 2.5 and 5,
  // s² = 5/3 and 20/3 → W = 25/6; B = 4·var(2.5, 5) = 4·3.125 = 12.5;
  // R̂ = √(((3/4)·W + B/4)/W) = √((3.125 + 3.125)/4.1667) = √1.5 = 1.224745.
  close(
    rhatBasic([Float64Array.of(1, 2, 3, 4), Float64Array.of(2, 4, 6, 8)]),
    Math.sqrt(1.5),
    1e-12,
  );
  // Rank-normalised split R-hat, chains [1,2,3,4] and [5,6,7,8]: split → [1,2] [3,4] [5,6] [7,8];
  // ranks 1…8, z = Φ⁻¹((r − 3/8)/8.25) = ∓1.434200, ∓0.852495, ∓0.472789, ∓0.152506
  // (Φ⁻¹ from scipy.stats.norm.ppf). Means −1.143348, −0.312648, +0.312648, +1.143348;
  // s² = (Δ²)/2 = 0.169194, 0.051290, 0.051290, 0.169194 → W = 0.110242;
  // B = 2·var(means) = 2·(2·1.307244 + 2·0.097749)/3 = 1.873324;
  // R̂_bulk = √((0.5·W + B/2)/W) = √8.99652 = 2.999421.
  // Folded |θ − 4.5| = [3.5,2.5,1.5,.5], [.5,1.5,2.5,3.5] gives the smaller R̂_tail = 1.618659,
  // so the reported value is 2.999421.
  const c = [Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8)];
  close(rhat(c), 2.9994207791566874, 1e-9);
  close(convergence(c).rhat, 2.9994207791566874, 1e-9);
  const z = zScale(splitChains(c));
  close(z[0][0], -1.4342001596863792, 1e-12);
  close(z[3][1], 1.4342001596863792, 1e-12);
  // Well-mixed independent chains have R̂ close to 1.
  const good = Array.from({ length: 4 }, (_, i) => ar1(i + 20, 2000, 0));
  assert.ok(rhat(good) < 1.01);
});

test('ESS bulk/tail and MCSE on i.i.d. normals are about N, and MCSE ≈ sd/√N', () => {
  const chains = Array.from({ length: 4 }, (_, i) => ar1(i + 40, 2500, 0));
  const N = 10000;
  const b = essBulk(chains),
    t = essTail(chains);
  const all = convergence(chains);
  assert.equal(all.essBulk, b);
  assert.equal(all.essTail, t);
  assert.equal(all.rhat, rhat(chains));
  assert.ok(b > 0.85 * N && b < 1.15 * N, `bulk ${b}`);
  assert.ok(t > 0.8 * N && t < 1.2 * N, `tail ${t}`);
  const m = mcseMean(chains);
  assert.ok(Math.abs(m.mcse - m.sd / Math.sqrt(N)) < (0.1 * m.sd) / Math.sqrt(N));
  // MCSE is sd/√ESS with ESS of the split raw draws.
  close(m.mcse, m.sd / Math.sqrt(ess(splitChains(chains))), 1e-12);
});

test('KS statistic by hand and the Kolmogorov p-value against scipy.special.kolmogorov', () => {
  // Draws 0.1, 0.4, 0.7 against U(0,1): D = max_i max(i/n − F, F − (i−1)/n)
  // = max(1/3 − 0.1, 0.1 − 0, 2/3 − 0.4, 0.4 − 1/3, 1 − 0.7, 0.7 − 2/3) = 0.3.
  close(ksTest([0.7, 0.1, 0.4], (x) => x).D, 0.3, 1e-15);
  // For huge n, λ = (√n + 0.12 + 0.11/√n)·D ≈ √n·D, and p = Q_KS(λ). Reference values from
  // scipy.special.kolmogorov(λ).
  const n = 1e12;
  for (const [lam, p] of [
    [0.5, 0.9639452436648751],
    [0.8, 0.5441424115741981],
    [1.0, 0.26999967167735456],
    [1.36, 0.049485876755377876],
    [1.63, 0.009846364888486529],
    [2.0, 0.0006709252557796953],
  ]) {
    close(ksPValue(lam / Math.sqrt(n), n), p, 1e-6, `λ ${lam}`);
  }
});

test('normal quantile inverts a few known points', () => {
  close(normQuantile(0.975), 1.959963984540054, 1e-14);
  close(normQuantile(0.5), 0, 1e-15);
  close(normQuantile(1e-10), -6.361340902404056, 1e-12);
});

test('a chain that never moved fails the run; divergences alone only warn', async () => {
  const { chainHealth } = await import('../../../src/sampling/index');
  const { emptyStats } = await import('../../../src/sampling/target');
  const moving = Float64Array.from({ length: 100 }, (_, i) => Math.sin(i));
  const still = new Float64Array(100).fill(-1);
  const ok = chainHealth('mh', [moving, moving], null, [emptyStats(), emptyStats()], 100);
  assert.deepEqual(ok, { status: 'ok', warnings: [] });
  const stuck = chainHealth(
    'nuts',
    [moving, still],
    null,
    [emptyStats(), { ...emptyStats(), divergences: 100 }],
    100,
  );
  assert.equal(stuck.status, 'failed');
  assert.match(stuck.warnings[0], /chain 1 never moved/);
  const diverged = chainHealth(
    'hmc',
    [moving, moving],
    null,
    [
      { ...emptyStats(), divergences: 100 },
      { ...emptyStats(), divergences: 3 },
    ],
    100,
  );
  assert.equal(diverged.status, 'failed');
  assert.match(diverged.warnings[0], /every transition of chain 0 diverged/);
  const some = chainHealth(
    'hmc',
    [moving, moving],
    null,
    [{ ...emptyStats(), divergences: 2 }, emptyStats()],
    100,
  );
  assert.equal(some.status, 'ok');
  assert.match(some.warnings[0], /2 divergent transitions/);
  // In 2-D a chain that moves only in y still moves.
  assert.equal(chainHealth('slice', [still], [moving], [emptyStats()], 100).status, 'ok');
});
