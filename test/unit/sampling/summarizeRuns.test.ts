// The summary through the runs of repeated draws (src/sampling/drawRuns.ts, summarize.ts) against
// the one-at-a-time functions of diagnostics.ts and against the same summary through the sort of
// every draw; and essCentred, which the bulk ESS reads the centred z through, against ess.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ess, essCentred, type Chains } from '../../../src/sampling/diagnostics';
import { drawRuns } from '../../../src/sampling/drawRuns';
import { lagWork, type LagKernel } from '../../../src/sampling/lagKernel';
import { zOfRanks } from '../../../src/sampling/rankNormal';
import { sortWithOrder } from '../../../src/sampling/sortOrder';
import {
  bulkPart,
  essOfMean,
  rankCounts,
  summarize,
  summaryFinish,
  summaryStart,
  tailPart,
  type ConvergenceSummary,
  type SplitPool,
} from '../../../src/sampling/summarize';
import { ar1, expandEntries, oneAtATime, pooled } from './referenceChains';

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1e-300, Math.abs(b));
const close = (a: number, b: number): boolean => Object.is(a, b) || rel(a, b) < 1e-12;

function centredCopy(chains: Chains, into?: Float64Array): { centred: Chains; means: number[] } {
  const means = chains.map((c) => c.reduce((s, v) => s + v, 0) / c.length);
  let at = 0;
  const centred = chains.map((c, m) => {
    const out = into ? into.subarray(at, at + c.length) : new Float64Array(c.length);
    at += c.length;
    for (let i = 0; i < c.length; i++) out[i] = c[i] - means[m];
    return out;
  });
  return { centred, means };
}

/** A kernel that counts its calls, so that a test can tell it was used. */
function counting(k: LagKernel): LagKernel & { calls: number } {
  const spy = {
    calls: 0,
    sums8(base: number, t: number, end: number, out: Float64Array): void {
      spy.calls++;
      k.sums8(base, t, end, out);
    },
    holds: (view: Float64Array): boolean => k.holds(view),
  };
  return spy;
}

test('essCentred on chains less their means is ess, with and without the lag kernel', () => {
  const cases: [string, Chains][] = [
    ['4 chains, means apart', [0, 1, 2, 3].map((c) => ar1(60 + c, 5_000, 0.6, 0.4, 0.3 * c))],
    ['1 chain of MH-like repeats', [ar1(64, 20_000, 0.8, 0.5)]],
    // Lags past the direct sums: the FFT path.
    ['slow chains', [ar1(65, 30_000, 0.995), ar1(66, 30_000, 0.995)]],
    [
      'a constant chain beside a moving one',
      [new Float64Array(4_000).fill(1), ar1(67, 4_000, 0.3)],
    ],
  ];
  for (const [what, chains] of cases) {
    const want = ess(chains);
    const { centred, means } = centredCopy(chains);
    const plain = essCentred(centred, means);
    assert.ok(close(plain, want), `${what}: ${plain} vs ${want}`);
    // The same centred draws in the kernel's memory: its sums are the JS loop's, bit for bit.
    const P = chains.reduce((s, c) => s + c.length, 0);
    const work = lagWork(P, false);
    assert.ok(work.kernel, 'Node 20 has WebAssembly SIMD');
    const kernel = counting(work.kernel);
    const inKernel = centredCopy(chains, work.values);
    const viaKernel = essCentred(inKernel.centred, inKernel.means, kernel);
    assert.ok(Object.is(viaKernel, plain), `${what}, kernel: ${viaKernel} vs ${plain}`);
    assert.ok(kernel.calls > 0, `${what}: the kernel summed the lags`);
  }
  // Too short for an ESS: NaN, as from ess.
  const short = [new Float64Array([1, 2, 3])];
  assert.ok(Number.isNaN(essCentred(centredCopy(short).centred, [2])));
  assert.ok(Number.isNaN(ess(short)));
});

/** The summary through the sort of every draw (no runs): summarize's parts, by hand. */
function plainSummary(chains: Chains, rankBins = 20): ConvergenceSummary {
  const { out, all, ranked } = summaryStart(chains);
  assert.ok(ranked);
  const N = chains[0].length;
  assert.equal(N % 2, 0, 'even chains: the pool is the split pool');
  const { sorted, order } = sortWithOrder(all);
  const sp: SplitPool = {
    entries: { sorted, packed: order, lenBits: 0 },
    half: N / 2,
    count: 2 * chains.length,
  };
  out.draws = sp.entries;
  out.rankCounts = rankCounts(sp.entries, chains.length, N, rankBins);
  const P = all.length;
  const zOfRank = zOfRanks(P);
  const work = new Float64Array(P);
  const bulk = bulkPart(sp, zOfRank, work);
  const tail = tailPart(sp, sp.entries, zOfRank);
  return summaryFinish(out, bulk, tail, essOfMean(chains, work));
}

/** Numbers read only off the sorted draws and their order: the same doubles on either path. */
const FROM_THE_SORT = ['mean', 'sd', 'q05', 'q95', 'mcseQ05', 'mcseQ95', 'essTail', 'essMean'];

function checkRunsSummary(what: string, chains: Chains, slowToo: boolean): void {
  const N = chains[0].length;
  assert.ok(drawRuns(pooled(chains), N / 2), `${what}: the summary goes through the runs`);
  const s = summarize(chains);
  const got = s as unknown as Record<string, number>;
  const plain = plainSummary(chains);
  const p = plain as unknown as Record<string, number>;
  // The result's entries: the runs, which expanded are the sort of every draw.
  const P = chains.length * N;
  assert.ok(s.draws && s.draws.lenBits > 0, `${what}: the result holds runs`);
  const sorted = new Float64Array(P),
    order = new Uint32Array(P);
  expandEntries(s.draws, sorted, order);
  const want = sortWithOrder(pooled(chains));
  assert.deepEqual(Array.from(order), Array.from(want.order), `${what}: order`);
  assert.deepEqual(Array.from(sorted), Array.from(want.sorted), `${what}: sorted`);
  assert.deepEqual(s.rankCounts, plain.rankCounts, `${what}: rank counts`);
  for (const k of Object.keys(p)) {
    if (typeof p[k] !== 'number') continue;
    if (FROM_THE_SORT.includes(k))
      assert.ok(Object.is(got[k], p[k]), `${what}: ${k} ${got[k]} ≠ ${p[k]}`);
    else assert.ok(close(got[k], p[k]), `${what}: ${k} ${got[k]} vs plain ${p[k]}`);
  }
  if (!slowToo) return;
  for (const [k, v] of Object.entries(oneAtATime(chains)))
    assert.ok(close(got[k], v), `${what}: ${k} ${got[k]} vs one at a time ${v}`);
}

test('summarize through the runs of repeats gives the numbers of the plain sort and of the one-at-a-time functions', () => {
  // Four chains of MH-like repeats, one shifted.
  checkRunsSummary(
    '4 chains of MH-like repeats',
    [0, 1, 2, 3].map((c) => ar1(70 + c, 20_000, 0.8, 0.5, c === 3 ? 0.5 : 0)),
    true,
  );
  // One chain with long stuck stretches (each in several entries of 2^10 draws).
  const stuck = ar1(74, 60_000, 0.8, 0.5);
  stuck.fill(stuck[2_999], 3_000, 8_000);
  stuck.fill(stuck[39_999], 40_000, 43_100);
  checkRunsSummary('1 chain, long stuck stretches', [stuck], true);
  // Equal draws on both sides of every split boundary (the middle of each chain, and the end of one
  // chain beside the start of the next): each side a run of its own.
  const chains = [ar1(75, 10_000, 0.7, 0.5), ar1(76, 10_000, 0.7, 0.5), ar1(77, 10_000, 0.7, 0.5)];
  for (const c of chains) c.fill(c[4_990], 4_990, 5_010);
  chains[1].fill(chains[0][9_999], 0, 15);
  chains[2].fill(chains[1][9_999], 0, 15);
  checkRunsSummary('repeats across split boundaries', chains, true);
  // A stuck chain beside moving ones: its split chains have no variance.
  checkRunsSummary(
    'a stuck chain',
    [ar1(78, 8_000, 0.5, 0.5), new Float64Array(8_000).fill(0.1), ar1(79, 8_000, 0.5, 0.5)],
    true,
  );
  // Values on a coarse grid: ties far apart and across the median.
  checkRunsSummary(
    'a coarse grid',
    [ar1(80, 20_000, 0.6, 0.5), ar1(81, 20_000, 0.6, 0.5)].map((c) =>
      c.map((v) => Math.round(v * 4) / 4 + 0),
    ),
    true,
  );
  // Past 2^20 pooled draws, where the ties are scored from the table's Taylor steps.
  checkRunsSummary('1.2 M MH-like draws', [ar1(82, 1_200_000, 0.9, 0.5)], false);
});
