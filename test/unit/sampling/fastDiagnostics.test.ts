// The fast paths of the diagnostics (sort carrying values, ESS of indicators from counts, KS with
// bracketed CDF evaluations, histogram by bisection, autocorrelation on a bounded prefix) against the
// plain computations they replace: same numbers, not approximately the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ACF_DRAWS,
  acfPrefix,
  autocorrelation,
  ess,
  essBelow,
  ksThinned,
} from '../../../src/sampling/diagnostics';
import { sortWithOrder } from '../../../src/sampling/sortOrder';
import { rankCounts, summarize } from '../../../src/sampling/summarize';
import { histogram, histogramOfEntries, histogramSorted } from '../../../src/sampling/summary';
import { ksPValue, normCdf } from '../../../src/sampling/special';
import { Rng } from '../../../src/common/rng';
import { ar1, oneAtATime } from './referenceChains';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));

test('sortWithOrder sorts like a comparator sort, ties in index order, long runs of near-equal values too', () => {
  const r = new Rng(5);
  const x = new Float64Array(20000);
  for (let i = 0; i < x.length; i++) {
    const u = r.uniform();
    // Exact ties, negative and positive values, and a cluster within 1e-9 (equal top 32 bits). + 0
    // turns −0 into 0: the comparator calls them equal, the sort puts −0 first (ranks still tie them).
    x[i] =
      u < 0.3
        ? Math.round(r.normal() * 4) + 0
        : u < 0.5
          ? 1 + r.uniform() * 1e-9
          : r.normal() * 1e3;
  }
  const { sorted, order } = sortWithOrder(x);
  const want = Array.from(x.keys()).sort((a, b) => x[a] - x[b] || a - b);
  assert.deepEqual(Array.from(order), want);
  assert.deepEqual(
    Array.from(sorted),
    want.map((i) => x[i]),
  );
});

/** Stable comparator order that also orders ±∞ (whose difference is NaN). */
function comparatorOrder(x: Float64Array): number[] {
  return Array.from(x.keys()).sort((a, b) => (x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : a - b));
}

function assertSortedLikeComparator(name: string, x: Float64Array): void {
  const { sorted, order } = sortWithOrder(x);
  const want = comparatorOrder(x);
  assert.deepEqual(Array.from(order), want, name);
  for (let k = 0; k < want.length; k++)
    assert.ok(Object.is(sorted[k], x[want[k]]), `${name}: value at ${k}`);
}

test('sortWithOrder matches a stable comparator sort on skewed, heavy-tailed, tiny-range and non-finite values', () => {
  const r = new Rng(9);
  const gen = (n: number, f: (i: number) => number): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => f(i));
  const cases: [string, Float64Array][] = [
    ['empty', new Float64Array(0)],
    ['one', gen(1, () => 3)],
    ['all equal', gen(5000, () => -2.5)],
    // Enough draws for the full first pass (2,048 buckets) and a second pass in each.
    ['normal, 200,000', gen(200000, () => r.normal())],
    ['MH-like repeats', ar1(21, 100000, 0.9, 0.7)],
    ['Cauchy', gen(50000, () => r.normal() / r.normal())],
    [
      'magnitudes 1e-300 … 1e300',
      gen(30000, () => (r.uniform() < 0.5 ? -1 : 1) * 10 ** (600 * r.uniform() - 300)),
    ],
    ['powers of two', gen(20000, () => 2 ** -Math.floor(r.uniform() * 1000))],
    ['subnormals', gen(3000, (i) => (i % 7) * 5e-324)],
    ['one ulp apart', gen(3000, () => 1 + (r.uniform() < 0.5 ? 0 : 2.220446049250313e-16))],
    ['−0 and 0', gen(3000, (i) => (i % 3 === 0 ? -0 : i % 3 === 1 ? 0 : r.normal()))],
    ['one outlier', gen(50000, (i) => (i === 777 ? 1e12 : r.uniform()))],
    ['±∞', gen(5000, (i) => (i % 97 === 0 ? Infinity : i % 89 === 0 ? -Infinity : r.normal()))],
    ['largest doubles', gen(4000, () => (r.uniform() < 0.5 ? -1.7e308 : 1.7e308) * r.uniform())],
  ];
  for (const [name, x] of cases) assertSortedLikeComparator(name, x);
  // NaN has no place in a comparator order: every draw is still placed once, the others in order.
  const withNaN = gen(5000, (i) => (i % 50 === 0 ? NaN : r.normal()));
  const { sorted, order } = sortWithOrder(withNaN);
  assert.deepEqual(
    Array.from(order).sort((a, b) => a - b),
    Array.from(withNaN.keys()),
  );
  const numbers = Array.from(sorted).filter((v) => !Number.isNaN(v));
  assert.equal(numbers.length, 4900);
  for (let k = 1; k < numbers.length; k++) assert.ok(numbers[k - 1] <= numbers[k]);
});

test('sortWithOrder on runs of repeats (MH rejections), −0 beside 0, one value throughout: a stable sort', () => {
  const r = new Rng(11);
  const cases: [string, Float64Array][] = [];
  // Half the draws repeat the last one, as at MH's usual acceptance; values on a coarse grid, so
  // equal values also come in runs far apart.
  const mh = new Float64Array(30000);
  for (let i = 0; i < mh.length; i++)
    mh[i] = i > 0 && r.uniform() < 0.5 ? mh[i - 1] : Math.round(r.normal() * 50) / 10;
  cases.push(['MH-like repeats on a grid', mh]);
  // −0 and 0 side by side share a run: each keeps its own sign in the sorted values.
  const signed = new Float64Array(4000);
  for (let i = 0; i < signed.length; i++)
    signed[i] = i % 7 < 4 ? (i % 2 === 0 ? -0 : 0) : i % 7 === 4 ? r.normal() : signed[i - 1];
  cases.push(['−0 and 0 in one run', signed]);
  cases.push(['one value throughout', new Float64Array(5000).fill(3)]);
  for (const [name, x] of cases) assertSortedLikeComparator(name, x);
});

test('summarize gives the numbers of the one-at-a-time functions: ties across the median, odd chains, a stuck chain, slow chains', () => {
  const r = new Rng(31);
  // Integers −3 … 3 around a median of 0: every |v − med| ties across both sides.
  const ints = (n: number): Float64Array =>
    Float64Array.from({ length: n }, () => Math.round(r.normal() * 1.5));
  const cases: [string, Float64Array[]][] = [
    ['MH-like repeats, 1 chain', [ar1(41, 60000, 0.8, 0.6)]],
    ['3 chains, odd length', [0, 1, 2].map((s) => ar1(42 + s, 20001, 0.5, 0.3))],
    ['integers, ties across the median', [ints(10000), ints(10000)]],
    ['one chain elsewhere', [ar1(45, 8000, 0.3), ar1(46, 8000, 0.3).map((v) => v + 3)]],
    ['a stuck chain beside a moving one', [ar1(47, 5000, 0.2), new Float64Array(5000).fill(0.5)]],
    ['slow, lags past the direct sums', [ar1(48, 40000, 0.995)]],
  ];
  for (const [name, chains] of cases) {
    const s = summarize(chains);
    const want = oneAtATime(chains);
    const got = s as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(want))
      assert.ok(Object.is(got[k], v) || rel(got[k], v) < 1e-12, `${name}: ${k} ${got[k]} vs ${v}`);
  }
});

test('essBelow equals ess of the 0/1 indicator series, on either side of one half and past its lag blocks', () => {
  const cases: [string, Float64Array[]][] = [
    ['iid', [ar1(1, 3001, 0), ar1(2, 3001, 0)]],
    ['AR(1) 0.6 with repeats', [ar1(3, 4000, 0.6, 0.5)]],
    ['AR(1) 0.99 (lags past 64)', [ar1(4, 20000, 0.99), ar1(5, 20000, 0.99)]],
    ['AR(1) 0.999 (lags past the count sweeps)', [ar1(6, 40000, 0.999)]],
  ];
  for (const [name, chains] of cases)
    for (const q of [-1.6, -0.2, 0.3, 1.6]) {
      const ind = chains.map((c) => c.map((v) => (v <= q ? 1 : 0)));
      const a = essBelow(chains, q),
        b = ess(ind);
      assert.ok(rel(a, b) < 1e-9, `${name}, q ${q}: ${a} vs ${b}`);
    }
  assert.ok(Number.isNaN(essBelow([new Float64Array([1, 2, 3])], 2)));
  assert.ok(Number.isNaN(essBelow([new Float64Array(10).fill(1)], 2)), 'constant indicator');
});

/** KS and PIT the plain way: the CDF at every draw. */
function plainKs(xs: Float64Array, cdf: (x: number) => number, bins: number) {
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

test('KS reads thinned draws from the shared sort and brackets the CDF, with the same D, p and PIT', () => {
  for (const [name, chains, cdf, iid] of [
    ['iid normal', [ar1(7, 50000, 0)], normCdf, true],
    [
      'AR(1) 0.8, 3 chains, wrong CDF',
      [0, 1, 2].map((s) => ar1(8 + s, 30001, 0.8)),
      (x: number) => normCdf(x / 1.1),
      false,
    ],
    ['repeats (read from their runs)', [ar1(11, 40000, 0.5, 0.6)], normCdf, false],
    ['repeats, 2 chains', [ar1(12, 40000, 0.5, 0.6), ar1(13, 40000, 0.5, 0.6)], normCdf, false],
    ['repeats, i.i.d. test of every draw', [ar1(14, 20000, 0, 0.6)], normCdf, true],
  ] as const) {
    const cx = summarize(chains as Float64Array[]);
    const fast = ksThinned(chains as Float64Array[], cdf, cx.essBulk, iid, cx.draws, 20);
    const slow = ksThinned(chains as Float64Array[], cdf, cx.essBulk, iid);
    // The thinned draws by hand, sorted, and the CDF at each.
    const thin = slow.thin;
    const xs: number[] = [];
    for (const c of chains) for (let i = c.length - 1; i >= 0; i -= thin) xs.push(c[i]);
    const plain = plainKs(Float64Array.from(xs).sort(), cdf, 20);
    for (const got of [fast, slow]) {
      assert.equal(got.D, plain.D, name);
      assert.equal(got.p, plain.p, name);
      assert.deepEqual(got.pit, plain.pit, name);
      assert.equal(got.n, xs.length, name);
    }
  }
});

test('KS brackets never hide a CDF that jumps, or one that is NaN somewhere', () => {
  const xs = Float64Array.from({ length: 5000 }, (_, i) => i / 5000);
  const step = (x: number): number => (x < 0.5003 ? x : Math.min(1, x + 0.01));
  const nanAt = (x: number): number => (x > 0.7 && x < 0.7001 ? NaN : x);
  for (const cdf of [step, nanAt]) {
    const got = ksThinned([xs], cdf, NaN, true, {
      sorted: xs,
      packed: Uint32Array.from(xs, (_, i) => i),
      lenBits: 0,
    });
    const plain = plainKs(xs, cdf, 20);
    assert.ok(Object.is(got.D, plain.D), `${got.D} vs ${plain.D}`);
    assert.deepEqual(got.pit, plain.pit);
  }
});

test('histogramSorted and histogramOfEntries (runs of repeats) count like histogram', () => {
  const x = ar1(12, 100000, 0.3, 0.4);
  const sorted = sortWithOrder(x).sorted;
  // Half the draws repeat: the summary sorts their runs, and the histogram reads those.
  const repeats = ar1(13, 100000, 0.3, 0.6);
  const draws = summarize([repeats]).draws;
  assert.ok(draws && draws.lenBits > 0, 'the summary sorted runs');
  for (const [lo, hi, bins] of [
    [-2, 2, 60],
    [-10, 10, 7],
    [0.1, 0.2, 1000],
    [5, 6, 3],
  ]) {
    assert.deepEqual(histogramSorted(sorted, lo, hi, bins), histogram([x], lo, hi, bins));
    assert.deepEqual(histogramOfEntries(draws, lo, hi, bins), histogram([repeats], lo, hi, bins));
  }
});

test('autocorrelation reads every draw of a short run and the first ACF_DRAWS of a long one', () => {
  const direct = (c: Float64Array, t: number): number => {
    let m = 0;
    for (const v of c) m += v;
    m /= c.length;
    let s = 0,
      s0 = 0;
    for (let i = 0; i < c.length; i++) s0 += (c[i] - m) ** 2;
    for (let i = 0; i + t < c.length; i++) s += (c[i] - m) * (c[i + t] - m);
    return s / s0;
  };
  const short = [ar1(13, 5000, 0.7), ar1(14, 5000, 0.7)];
  assert.equal(acfPrefix(short), 5000);
  const a = autocorrelation(short, 100);
  for (const t of [0, 1, 5, 37, 100])
    assert.ok(Math.abs(a[t] - (direct(short[0], t) + direct(short[1], t)) / 2) < 1e-12, `lag ${t}`);
  const long = [ar1(15, ACF_DRAWS + 1000, 0.7)];
  assert.equal(acfPrefix(long), ACF_DRAWS);
  const b = autocorrelation(long, 10);
  const prefix = long[0].subarray(0, ACF_DRAWS);
  for (const t of [0, 3, 10]) assert.ok(Math.abs(b[t] - direct(prefix, t)) < 1e-12, `lag ${t}`);
  assert.equal(
    acfPrefix([ar1(16, 100000, 0), ar1(17, 100000, 0), ar1(18, 100000, 0)]),
    Math.ceil(ACF_DRAWS / 3),
  );
});

test('rank plot counts of one chain (counted from the bin edges) equal counting every rank', () => {
  for (const S of [1, 2, 7, 19, 20, 21, 999, 1001, 60_000, 123_457, 4_000_000 - 1])
    for (const bins of [1, 3, 7, 20, 100]) {
      const order = Uint32Array.from({ length: S }, (_, i) => i);
      const want = new Array<number>(bins).fill(0);
      for (let i = 0; i < S; i++) want[Math.floor((i * bins) / S)]++;
      const draws = { sorted: new Float64Array(S), packed: order, lenBits: 0 };
      assert.deepEqual(rankCounts(draws, 1, S, bins), [want], `S ${S}, ${bins} bins`);
    }
});

test('rank statistics of finite draws too large to square are those of the draws scaled down', () => {
  // Their sum of squares overflows to ∞, which must not be taken for a non-finite draw.
  const x = ar1(15, 20000, 0.5, 0.3);
  // A power of two scales every draw and every distance exactly.
  const big = x.map((v) => v * 2 ** 600);
  const a = summarize([big]),
    b = summarize([x]);
  for (const k of ['rhat', 'rhatBulk', 'rhatTail', 'essBulk', 'essTail'] as const)
    assert.ok(Number.isFinite(a[k]) && a[k] === b[k], `${k}: ${a[k]} vs ${b[k]}`);
});
