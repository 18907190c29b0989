// The convergence summary split over two threads (src/sampling/summarizeThreads.ts) against the same
// summary on one thread: every number bit for bit, whatever the chains (odd lengths drop a middle
// draw, MH-like repeats make ties, a constant chain has no variance, a non-finite draw stops the rank
// statistics), and the fallback to one thread when the helper is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/common/rng';
import { autocorrelation, PLOT_LAGS, type Chains } from '../../../src/sampling/diagnostics';
import { summarize, type ConvergenceSummary } from '../../../src/sampling/summarize';
import { runSampler, SampleCancelled } from '../../../src/sampling';
import {
  liveSummaryThreads,
  MIN_THREADED_DRAWS,
  SummaryThread,
} from '../../../src/sampling/summarizeThreads';

/** AR(1) chains; `repeat` is the chance a draw repeats the last one, as an MH rejection does. */
function chains(
  thread: SummaryThread,
  seed: number,
  M: number,
  N: number,
  repeat: number,
  shift = 0,
): Chains {
  const r = new Rng(seed);
  return Array.from({ length: M }, (_, c) => {
    const x = thread.draws(N);
    let v = r.normal();
    for (let i = 0; i < N; i++) {
      if (i === 0 || r.uniform() >= repeat) v = 0.9 * v + Math.sqrt(1 - 0.81) * r.normal();
      x[i] = v + c * shift;
    }
    return x;
  });
}

const same = (a: number, b: number): boolean => Object.is(a, b);

function assertIdentical(two: ConvergenceSummary, one: ConvergenceSummary, what: string): void {
  for (const k of Object.keys(one) as (keyof ConvergenceSummary)[]) {
    const a = two[k],
      b = one[k];
    if (typeof b === 'number') assert.ok(same(a as number, b), `${what}: ${k} ${String(a)} ≠ ${b}`);
  }
  assert.deepEqual(two.rankCounts, one.rankCounts, `${what}: rank counts`);
  const entries = (s: ConvergenceSummary) =>
    s.draws
      ? {
          sorted: Array.from(s.draws.sorted),
          packed: Array.from(s.draws.packed),
          bits: s.draws.lenBits,
        }
      : null;
  assert.deepEqual(entries(two), entries(one), `${what}: the sorted draws`);
}

test('two threads give the summary of one thread, bit for bit', async () => {
  const thread = new SummaryThread();
  thread.start();
  try {
    const cases: [string, Chains][] = [
      ['1 chain, MH-like repeats', chains(thread, 1, 1, 60_000, 0.5)],
      ['4 chains of odd length, one shifted', chains(thread, 2, 4, 20_001, 0.3, 0.5)],
      [
        '3 chains on a coarse grid (many ties)',
        chains(thread, 3, 3, 30_000, 0).map((c) => c.map((v) => Math.round(v * 4) / 4)),
      ],
      // Plain (not shared) arrays are copied into shared memory: the same numbers.
      ['2 plain chains', chains(new SummaryThread(), 4, 2, 40_000, 0.2)],
      // Over 2^20 pooled draws: the rank-score table takes its Taylor steps.
      ['1 chain of 1.2 M draws', chains(thread, 5, 1, 1_200_000, 0.5)],
    ];
    for (const [what, c] of cases) {
      const before = thread.twoThreadRuns;
      const got = await thread.summarize(c, 20, true);
      assertIdentical(got, summarize(c), what);
      assert.equal(thread.twoThreadRuns, before + 1, `${what}: the helper thread took part`);
      // Asked for, the helper also drew the autocorrelation plot: the one this thread would draw.
      assert.deepEqual(got.autocorrelation, autocorrelation(c, PLOT_LAGS), `${what}: plot`);
    }
    // No rank statistics to split: answered here, the same as on one thread.
    const constant = [new Float64Array(1000).fill(2), new Float64Array(1000).fill(2)];
    assertIdentical(await thread.summarize(constant), summarize(constant), 'constant chains');
    const nan = chains(thread, 6, 2, 1000, 0);
    nan[1][500] = NaN;
    assertIdentical(await thread.summarize(nan), summarize(nan), 'a NaN draw');
  } finally {
    thread.close();
  }
});

test('buffers reserved before the sampling (mapped, with the table, by the helper) give the same summary', async () => {
  const thread = new SummaryThread();
  thread.start();
  try {
    for (const [what, M, N] of [
      ['1 chain of 1.2 M draws', 1, 1_200_000],
      ['3 chains of 40,000', 3, 40_000],
    ] as const) {
      thread.reserve(M * N);
      const c = chains(thread, 21 + M, M, N, 0.5);
      // Straight away (the helper may still be mapping the buffers: they are not used then) and
      // once the helper has surely finished with them.
      assertIdentical(await thread.summarize(c), summarize(c), `${what}, at once`);
      thread.reserve(M * N);
      await new Promise((r) => setTimeout(r, 1500));
      const got = await thread.summarize(c);
      assertIdentical(got, summarize(c), what);
      // The result lives in the reserved buffers: shared memory of exactly the pool's size.
      assert.ok(got.draws?.sorted.buffer instanceof SharedArrayBuffer, `${what}: reserved sort`);
    }
  } finally {
    thread.close();
  }
});

test('without its helper (never started, or closed) the summary runs on this thread', async () => {
  const never = new SummaryThread();
  const c = chains(never, 7, 2, 5000, 0.4);
  assert.ok(!(c[0].buffer instanceof SharedArrayBuffer), 'no helper, no shared memory');
  assertIdentical(await never.summarize(c), summarize(c), 'never started');
  assert.equal(never.twoThreadRuns, 0);
  const closed = new SummaryThread();
  closed.start();
  closed.close();
  assertIdentical(await closed.summarize(c), summarize(c), 'closed');
  assert.equal(closed.twoThreadRuns, 0);
});

/** Waits (terminate is asynchronous) until no helper thread is alive, or fails after 20 s. */
async function noHelperLeft(what: string): Promise<void> {
  for (let t = 0; t < 200 && liveSummaryThreads() > 0; t++)
    await new Promise((r) => setTimeout(r, 100));
  assert.equal(liveSummaryThreads(), 0, `${what}: a helper thread outlived its run`);
}

test('a large run starts a helper thread and ends it, finished or cancelled', async () => {
  // The tests above close theirs; a terminated thread is counted until its exit arrives.
  await noHelperLeft('earlier tests');
  const params = {
    expr: 'exp(-x^2/2)',
    sampler: 'mh' as const,
    n: MIN_THREADED_DRAWS,
    chains: 1,
    seed: 3,
  };
  let during = 0;
  const r = await runSampler(params, {
    onProgress: () => (during = Math.max(during, liveSummaryThreads())),
  });
  assert.equal(during, 1, 'the helper runs beside the chains');
  assert.ok(Number.isFinite(r.essBulk) && Number.isFinite(r.rhat));
  await noHelperLeft('finished');
  const ac = new AbortController();
  let events = 0;
  await assert.rejects(
    runSampler(
      { ...params, n: 4 * MIN_THREADED_DRAWS },
      { signal: ac.signal, onProgress: () => void (++events === 2 && ac.abort()) },
    ),
    (e: unknown) => e instanceof SampleCancelled,
  );
  await noHelperLeft('cancelled');
  // Below the threshold, no thread at all.
  let small = 0;
  await runSampler(
    { ...params, n: 10_000 },
    { onProgress: () => (small = Math.max(small, liveSummaryThreads())) },
  );
  assert.equal(small, 0);
});
