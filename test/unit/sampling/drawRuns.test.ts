// The runs of repeated draws (src/sampling/drawRuns.ts) against the draws they stand for: each entry
// decodes to a stretch of equal draws within one split chain, the entries tile the pool exactly as
// maximal runs cut into pieces of 2^lenBits would, and the sorted runs expanded are the sort of the
// draws themselves (values and order), whose order statistics EntryRanks reads off the entries.
// Also sortWithOrder's payload, which carries the runs through the sort.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/common/rng';
import { quantile } from '../../../src/sampling/diagnostics';
import {
  drawRuns,
  EntryRanks,
  RUN_SEGMENT,
  runCapacity,
  RunFinder,
  runSegments,
  type DrawRuns,
} from '../../../src/sampling/drawRuns';
import {
  distributePiece,
  gatherBuckets,
  gatheredStarts,
  PieceBuckets,
  sortWithOrder,
} from '../../../src/sampling/sortOrder';
import { expandEntries } from './referenceChains';

/** MH-like draws: each repeats the last one with chance `repeat`; `grid` > 0 rounds the values to it. */
function mhLike(seed: number, n: number, repeat: number, grid = 0): Float64Array {
  const r = new Rng(seed);
  const x = new Float64Array(n);
  let v = r.normal();
  for (let i = 0; i < n; i++) {
    if (i > 0 && r.uniform() >= repeat) v = 0.9 * v + Math.sqrt(1 - 0.81) * r.normal();
    // + 0: a grid value of −0 would make runs of zeros of both signs, which drawRuns refuses.
    x[i] = grid > 0 ? Math.round(v / grid) * grid + 0 : v;
  }
  return x;
}

/**
 * The entries drawRuns should give, in draw order: maximal runs of draws equal by `===` within each
 * segment (a split chain of `half` draws, cut into pieces of RUN_SEGMENT from its start), each cut
 * from its start into pieces of at most 2^lenBits.
 */
function expectedEntries(pool: Float64Array, half: number, lenBits: number): number[] {
  const maxLen = 2 ** lenBits;
  const out: number[] = [];
  for (let chain = 0; chain < pool.length; chain += half)
    for (let from = chain; from < chain + half; from += RUN_SEGMENT) {
      const to = Math.min(from + RUN_SEGMENT, chain + half);
      let s = from;
      for (let i = from + 1; i <= to; i++) {
        if (i < to && pool[i] === pool[i - 1]) continue;
        for (let p = s; p < i; p += maxLen)
          out.push(p * maxLen + (Math.min(i, p + maxLen) - p - 1));
        s = i;
      }
    }
  return out;
}

/** a and b equal element by element (Object.is); one message at the first difference. */
function sameNumbers(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, `${what}: length`);
  for (let i = 0; i < a.length; i++)
    if (!Object.is(a[i], b[i])) assert.fail(`${what}: at ${i}, ${a[i]} ≠ ${b[i]}`);
}

/** start and length of a packed entry. */
function decode(pk: number, lenBits: number): { start: number; len: number } {
  return { start: Math.floor(pk / 2 ** lenBits), len: (pk % 2 ** lenBits) + 1 };
}

/** The pool's length gives lenBits: at most 10, fewer where start · 2^lenBits would pass 2^32. */
function lenBitsOf(P: number): number {
  // Packed values stay below 2^31.
  return Math.min(10, 31 - Math.ceil(Math.log2(P)));
}

/** Every check of one pool's runs; returns them. */
function checkRuns(what: string, pool: Float64Array, half: number): DrawRuns {
  const runs = drawRuns(pool, half);
  assert.ok(runs, `${what}: runs expected`);
  const P = pool.length;
  assert.equal(runs.lenBits, lenBitsOf(P), `${what}: lenBits`);
  assert.equal(runs.vals.length, runs.packed.length);
  assert.ok(runs.vals.length <= runCapacity(P), `${what}: within the capacity`);
  // Each entry decodes to a stretch of draws inside one split chain, all equal to its value (with
  // its sign), and the entries tile the pool in order.
  let next = 0;
  for (let k = 0; k < runs.vals.length; k++) {
    const { start, len } = decode(runs.packed[k], runs.lenBits);
    assert.equal(start, next, `${what}: entry ${k} starts where the last ended`);
    assert.ok(len >= 1 && len <= 2 ** runs.lenBits, `${what}: entry ${k} length ${len}`);
    assert.equal(
      Math.floor(start / half),
      Math.floor((start + len - 1) / half),
      `${what}: entry ${k} crosses a split-chain boundary`,
    );
    for (let i = start; i < start + len; i++)
      if (!Object.is(pool[i], runs.vals[k])) assert.fail(`${what}: draw ${i} in entry ${k}`);
    next = start + len;
  }
  assert.equal(next, P, `${what}: the entries cover every draw`);
  sameNumbers(
    runs.packed,
    expectedEntries(pool, half, runs.lenBits),
    `${what}: maximal runs, cut at 2^lenBits`,
  );
  // The sorted runs, expanded, are the sort of the draws.
  const e = sortWithOrder(runs.vals, false, undefined, runs.packed);
  const sorted = new Float64Array(P),
    order = new Uint32Array(P);
  expandEntries({ sorted: e.sorted, packed: e.order, lenBits: runs.lenBits }, sorted, order);
  const want = sortWithOrder(pool);
  sameNumbers(order, want.order, `${what}: order`);
  sameNumbers(sorted, want.sorted, `${what}: sorted values`);
  // Order statistics read off the entries, without expanding them.
  const ranks = new EntryRanks({ sorted: e.sorted, packed: e.order, lenBits: runs.lenBits });
  assert.equal(ranks.draws, P, `${what}: draws`);
  const step = Math.max(1, Math.floor(P / 20_000));
  for (let pos = 0; pos < P; pos += step)
    if (!Object.is(ranks.valueAt(pos), want.sorted[pos])) assert.fail(`${what}: valueAt(${pos})`);
  assert.ok(Object.is(ranks.valueAt(P - 1), want.sorted[P - 1]), `${what}: the largest`);
  for (const q of [0, 0.05, 0.3, 0.5, 0.95, 1])
    assert.ok(Object.is(ranks.quantile(q), quantile(want.sorted, q)), `${what}: quantile ${q}`);
  for (let k = 0; k < 50; k++) {
    const v = want.sorted[Math.floor((k / 50) * P)];
    let below = 0;
    while (below < P && want.sorted[below] <= v) below++;
    assert.equal(ranks.startOf(ranks.firstAbove(v)), below, `${what}: draws ≤ ${v}`);
  }
  return runs;
}

test('drawRuns: the entries decode to maximal runs, and the sorted runs expand to the sort of the draws', () => {
  // MH at its usual acceptance, one split chain pair.
  checkRuns('MH-like, 1 chain', mhLike(1, 100_000, 0.5), 50_000);
  // Four chains, eight split chains, each shorter than the probe.
  const four = new Float64Array(4 * 30_000);
  for (let c = 0; c < 4; c++) four.set(mhLike(10 + c, 30_000, 0.6), c * 30_000);
  checkRuns('MH-like, 4 chains', four, 15_000);
  // A repeat straddling every split-chain boundary: the last draws of one split chain and the first
  // of the next are equal; each side is a run of its own.
  const straddle = mhLike(2, 8 * 2_500, 0.5);
  for (let b = 2_500; b < straddle.length; b += 2_500)
    for (let i = b - 3; i < b + 4; i++) straddle[i] = straddle[b - 4];
  const r = checkRuns('repeats straddling split boundaries', straddle, 2_500);
  for (let k = 0; k < r.vals.length; k++) {
    const { start } = decode(r.packed[k], r.lenBits);
    if (start > 0 && start % 2_500 === 0)
      assert.ok(Object.is(r.vals[k], r.vals[k - 1]), 'the boundary splits one run in two');
  }
  // A stuck stretch of 5,000 equal draws (past 2^10: it continues in further entries), another of
  // exactly 2^10 and one of 2^10 + 1, between ordinary MH draws.
  const stuck = mhLike(3, 200_000, 0.5);
  stuck.fill(0.25, 1_000, 6_000);
  stuck.fill(-1.5, 50_000, 51_024);
  stuck.fill(2.5, 120_000, 121_025);
  const s = checkRuns('stuck stretches', stuck, 100_000);
  let pieces = 0;
  for (let k = 0; k < s.vals.length; k++) if (s.vals[k] === 0.25) pieces++;
  assert.equal(pieces, Math.ceil(5_000 / 1_024), 'the 5,000 draws in five entries');
  // The long runs only after short ones (the in-place move of the later entries) and first of all.
  const longFirst = mhLike(4, 40_000, 0.5);
  longFirst.fill(7, 0, 3_000);
  checkRuns('a long run first', longFirst, 20_000);
  // A stuck chain: every split chain one run, in pieces; beside a moving chain.
  const stuckChain = new Float64Array(2 * 20_000);
  stuckChain.fill(0.5, 0, 20_000);
  stuckChain.set(mhLike(5, 20_000, 0.5), 20_000);
  checkRuns('a stuck chain beside a moving one', stuckChain, 10_000);
  checkRuns('one stuck chain', new Float64Array(30_000).fill(-3), 15_000);
  // Values on a coarse grid: equal values in runs far apart, which the sort must keep in start order.
  const grid = new Float64Array(3 * 40_000);
  for (let c = 0; c < 3; c++) grid.set(mhLike(20 + c, 40_000, 0.5, 0.25), c * 40_000);
  checkRuns('a coarse grid', grid, 20_000);
  // Runs of −0 alone, and of 0 alone, keep their signs.
  const zeros = mhLike(6, 20_000, 0.5);
  zeros.fill(-0, 100, 140);
  zeros[140] = 0.75;
  zeros.fill(0, 141, 150);
  zeros.fill(-0, 3_000, 3_001);
  zeros.fill(-0, 15_000, 17_000);
  checkRuns('runs of −0 and of 0', zeros, 10_000);
});

test('drawRuns: lenBits shrinks for pools past 2^21 draws, and runs still decode', () => {
  // 2^22 + 2 draws: positions need 23 bits, leaving 8 for lengths below 2^31.
  const P = (1 << 22) + 2;
  const x = mhLike(7, P, 0.5);
  x.fill(1.25, 10_000, 12_000);
  const runs = checkRuns('2^22 + 2 draws', x, P / 2);
  assert.equal(runs.lenBits, 8);
  // Every packed value fits an int32 (V8 reads them without a deoptimisation).
  assert.ok(runs.packed.every((pk) => pk < 2 ** 31));
});

test('drawRuns gives null where runs do not pay or cannot stand for the draws', () => {
  // Too few repeats: the probe over the first split chain gives up.
  assert.equal(drawRuns(mhLike(8, 200_000, 0), 100_000), null, 'no repeats');
  assert.equal(drawRuns(mhLike(8, 200_000, 0.2), 100_000), null, 'too few repeats');
  // The first split chain repeats enough for the probe, the rest do not: past the capacity.
  const late = mhLike(9, 4 * 50_000, 0);
  late.set(mhLike(10, 50_000, 0.9), 0);
  assert.equal(drawRuns(late, 50_000), null, 'runs beyond the capacity');
  // The probe decides on the first 2^16 draws alone: without repeats there, runs that would fit
  // later on are not looked for.
  const lateRepeats = mhLike(16, 200_000, 0.95);
  lateRepeats.set(mhLike(17, 1 << 16, 0), 0);
  assert.equal(drawRuns(lateRepeats, 100_000), null, 'the probe gives up');
  assert.ok(drawRuns(lateRepeats.subarray(1 << 16), (200_000 - (1 << 16)) / 2), 'runs past it');
  // Runs within the capacity, until a long one cut into pieces passes it.
  const P = 200_000,
    cap = runCapacity(P);
  const cut = mhLike(18, P, 0);
  const L = P - cap + 11;
  cut.fill(0.5, 0, L);
  assert.ok(P - L + 1 <= cap && P - L + Math.ceil(L / 1024) > cap, 'the pieces pass it');
  assert.equal(drawRuns(cut, P / 2), null, 'pieces beyond the capacity');
  // A pool that is not whole split chains, or empty.
  const mh = mhLike(11, 30_001, 0.5);
  assert.equal(drawRuns(mh, 10_000), null, 'P % half ≠ 0');
  assert.equal(drawRuns(new Float64Array(0), 1), null, 'no draws');
  assert.equal(drawRuns(mh, 0), null, 'half 0');
  // One run of zeros holding −0 and 0: the sort of the draws keeps each sign, the runs could not.
  const mixed = mhLike(12, 20_000, 0.5);
  mixed.fill(-0, 500, 510);
  mixed.fill(0, 510, 520);
  assert.equal(drawRuns(mixed, 10_000), null, '−0 then 0 in one run');
  mixed.fill(0, 500, 510);
  mixed[515] = -0;
  assert.equal(drawRuns(mixed, 10_000), null, '−0 inside a run of 0');
  // The same after a run long enough to be cut in pieces (the second pass over the runs).
  const afterLong = mhLike(13, 20_000, 0.5);
  afterLong.fill(3, 100, 2_000);
  afterLong.fill(0, 5_000, 5_010);
  afterLong[5_009] = -0;
  assert.equal(drawRuns(afterLong, 10_000), null, 'mixed zeros after a long run');
  // A long run of zeros of mixed sign: joined by ===, refused.
  const longZeros = mhLike(14, 20_000, 0.5);
  longZeros.fill(0, 100, 3_000);
  longZeros[2_500] = -0;
  assert.equal(drawRuns(longZeros, 10_000), null, 'mixed zeros in a long run');
});

test('drawRuns writes into the arrays given, which need only runCapacity(P) entries', () => {
  const x = mhLike(15, 60_000, 0.5);
  const cap = runCapacity(x.length);
  assert.equal(cap, Math.floor(0.75 * x.length));
  const into = { vals: new Float64Array(cap), packed: new Uint32Array(cap) };
  const runs = drawRuns(x, 30_000, into);
  assert.ok(runs);
  assert.equal(runs.vals.buffer, into.vals.buffer);
  assert.equal(runs.packed.buffer, into.packed.buffer);
  const fresh = drawRuns(x, 30_000);
  assert.ok(fresh);
  assert.deepEqual(Array.from(runs.packed), Array.from(fresh.packed));
  assert.deepEqual(Array.from(runs.vals), Array.from(fresh.vals));
});

/** Stable comparator order (ties by index), ±∞ included. */
function comparatorOrder(x: Float64Array): number[] {
  return Array.from(x.keys()).sort((a, b) => (x[a] < x[b] ? -1 : x[a] > x[b] ? 1 : a - b));
}

/** sortWithOrder with `payload` must order as without it, with payload[index] in place of each index. */
function checkPayload(what: string, x: Float64Array, payload: Uint32Array): void {
  const want = comparatorOrder(x);
  for (const variant of ['plain', 'shared', 'into'] as const) {
    const into =
      variant === 'into'
        ? { sorted: new Float64Array(x.length), order: new Uint32Array(x.length) }
        : undefined;
    const got = sortWithOrder(x, variant === 'shared', into, payload);
    assert.deepEqual(
      Array.from(got.order),
      want.map((i) => payload[i]),
      `${what} (${variant}): order carries the payload, ties in payload order`,
    );
    for (let k = 0; k < want.length; k++)
      assert.ok(Object.is(got.sorted[k], x[want[k]]), `${what} (${variant}): value ${k}`);
    if (variant === 'shared') assert.ok(got.order.buffer instanceof SharedArrayBuffer);
    if (into) assert.equal(got.order, into.order, `${what}: written into the arrays given`);
  }
}

test('sortWithOrder carries a payload in place of the index, ties in payload order, on every path', () => {
  const r = new Rng(17);
  // An ascending payload with gaps, as packed runs are (start · 2^lenBits + length − 1).
  const payloadOf = (n: number): Uint32Array => {
    const p = new Uint32Array(n);
    let at = 0;
    for (let i = 0; i < n; i++) {
      p[i] = at;
      at += 1 + Math.floor(r.uniform() * 2_000);
    }
    return p;
  };
  const gen = (n: number, f: (i: number) => number): Float64Array =>
    Float64Array.from({ length: n }, (_, i) => f(i));
  const cases: [string, Float64Array][] = [
    // The distribution passes, with ties on a grid far apart.
    ['grid values', gen(50_000, () => Math.round(r.normal() * 20) / 4 + 0)],
    ['normal', gen(20_000, () => r.normal())],
    ['a few, insertion sort only', gen(20, () => Math.round(r.normal() * 2) + 0)],
    // Non-finite values: the radix sort. (+ 0 above: it puts −0 before 0, a comparator ties them.)
    [
      '±∞ among grid values',
      gen(5_000, (i) =>
        i % 97 === 0 ? Infinity : i % 89 === 0 ? -Infinity : Math.round(r.normal() * 8) + 0,
      ),
    ],
    // One value throughout: no pass at all.
    ['one value throughout', new Float64Array(3_000).fill(0.5)],
    // Two values one subnormal step apart: a range too narrow to divide (the comparator fallback).
    ['a range too narrow to divide', gen(3_000, () => (r.uniform() < 0.5 ? 0 : 5e-324))],
  ];
  for (const [what, x] of cases) checkPayload(what, x, payloadOf(x.length));
});

test('RunFinder: segments found in any order give drawRuns’ entries for the whole pool, and their range', () => {
  // Three chains of 700,000 draws: split chains of 350,000, each one segment; then one chain of
  // 1.5 M (split chains of 750,000: a segment of 2^19 draws and the rest each).
  for (const [what, M, N] of [
    ['3 chains', 3, 700_000],
    ['1 chain of 1.5 M', 1, 1_500_000],
  ] as const) {
    const pool = new Float64Array(M * N);
    for (let c = 0; c < M; c++) pool.set(mhLike(30 + c, N, 0.5), c * N);
    // A run across a segment boundary (the first split chain's 2^19-th draw) is cut there.
    if (N / 2 > RUN_SEGMENT) pool.fill(0.125, RUN_SEGMENT - 5, RUN_SEGMENT + 5);
    const want = drawRuns(pool, N / 2);
    assert.ok(want, `${what}: runs`);
    const segments = runSegments(pool.length, N / 2).length / 2;
    const orders = [
      Array.from({ length: segments }, (_, k) => segments - 1 - k),
      Array.from({ length: segments }, (_, k) => (k * 5) % segments),
    ];
    for (const order of orders) {
      if (new Set(order).size !== segments) continue;
      const P = pool.length;
      const finder = RunFinder.create(P, N / 2, new Float64Array(P), new Uint32Array(P));
      assert.ok(finder, `${what}: a finder`);
      assert.equal(finder.segments, segments);
      for (const k of order) {
        assert.equal(finder.finish(), null, `${what}: not before every segment is in`);
        const [from] = finder.segment(k);
        const c = Math.floor(from / N);
        finder.add(k, pool.subarray(c * N, (c + 1) * N), c * N);
      }
      const got = finder.finish();
      assert.ok(got, `${what}: found`);
      sameNumbers(got.runs.packed, want.packed, `${what}, order ${order.join(',')}: packed`);
      sameNumbers(got.runs.vals, want.vals, `${what}, order ${order.join(',')}: values`);
      let lo = Infinity,
        hi = -Infinity;
      for (const v of pool) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      assert.deepEqual(got.range, [lo, hi], `${what}: range`);
    }
  }
  // The same refusals as drawRuns: no repeats (the first segment's probe).
  const plain = mhLike(40, 600_000, 0);
  const f = RunFinder.create(600_000, 300_000, new Float64Array(600_000), new Uint32Array(600_000));
  assert.ok(f);
  f.add(0, plain, 0);
  assert.ok(f.failed, 'the probe gives up');
  f.add(1, plain, 0);
  assert.equal(f.finish(), null);
  // A non-finite value: the range says so.
  const nan = mhLike(41, 600_000, 0.5);
  nan[400_000] = NaN;
  const g = RunFinder.create(600_000, 300_000, new Float64Array(600_000), new Uint32Array(600_000));
  assert.ok(g);
  g.add(1, nan, 0);
  g.add(0, nan, 0);
  const found = g.finish();
  assert.ok(found && Number.isNaN(found.range[0]) && Number.isNaN(found.range[1]), 'NaN range');
});

test('distributePiece and gatherBuckets: pieces distributed on their own, gathered in any order, give sortWithOrder’s result', () => {
  const r = new Rng(77);
  // Runs-like values (payload ascending), with ties, values far outside the first piece's range,
  // −0 beside 0, and one piece holding a single value throughout.
  const n = 200_000;
  const vals = new Float64Array(n);
  for (let i = 0; i < n; i++) vals[i] = Math.round(r.normal() * 64) / 64 + 0;
  vals[150_000] = 1e300;
  vals[150_001] = -1e300;
  vals[160_000] = -0;
  vals.fill(2.5, 170_000, 180_000);
  const payload = Uint32Array.from({ length: n }, (_, i) => 3 * i + 1);
  const bounds = [0, 50_000, 90_000, 170_000, 180_000, n];
  const want = sortWithOrder(vals, false, undefined, payload);
  for (const firstPiece of [0, 3]) {
    const [a, b] = [bounds[firstPiece], bounds[firstPiece + 1]];
    let lo = Infinity,
      hi = -Infinity;
    for (let i = a; i < b; i++) {
      lo = Math.min(lo, vals[i]);
      hi = Math.max(hi, vals[i]);
    }
    const plan = PieceBuckets.around(lo, hi);
    const B = plan.B;
    const pieces = bounds.length - 1;
    const srcVal = new Float64Array(n),
      srcIdx = new Uint32Array(n);
    const pieceStarts = new Uint32Array(pieces * (B + 1));
    // Each piece somewhere else than where it came from, as a segment found early is.
    const bases = Uint32Array.from({ length: pieces }, (_, p) => bounds[p]);
    for (let p = 0; p < pieces; p++)
      distributePiece(
        vals,
        payload,
        bounds[p],
        bounds[p + 1] - bounds[p],
        srcVal,
        srcIdx,
        bases[p],
        plan,
        pieceStarts.subarray(p * (B + 1), (p + 1) * (B + 1)),
      );
    const starts = new Uint32Array(B + 1);
    gatheredStarts(pieceStarts, B, starts);
    assert.equal(starts[B], n);
    const dstVal = new Float64Array(n),
      dstIdx = new Uint32Array(n);
    // Buckets gathered in chunks, last chunk first.
    for (const [b0, b1] of [
      [1500, B],
      [0, 700],
      [700, 1500],
    ])
      gatherBuckets(srcVal, srcIdx, bases, pieceStarts, dstVal, dstIdx, starts, b0, b1);
    sameNumbers(dstIdx, want.order, `buckets from piece ${firstPiece}: order`);
    sameNumbers(dstVal, want.sorted, `buckets from piece ${firstPiece}: values`);
  }
  // One value throughout the first piece: every value in one bucket, still sorted.
  const flat = PieceBuckets.around(2.5, 2.5);
  assert.equal(flat.scale, 0);
});
