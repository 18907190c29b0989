// The convergence summary split over two threads (src/sampling/summarizeThreads.ts) against the same
// summary on one thread: every number bit for bit, whatever the chains (odd lengths drop a middle
// draw, MH-like repeats make ties, a constant chain has no variance, a non-finite draw stops the rank
// statistics), and the fallback to one thread when the helper is gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng } from '../../../src/common/rng';
import { autocorrelation, PLOT_LAGS, type Chains } from '../../../src/sampling/diagnostics';
import { drawRuns } from '../../../src/sampling/drawRuns';
import { sortWithOrder } from '../../../src/sampling/sortOrder';
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

/** SummaryThread's reserved buffers, a private field: read here to tell whether a summary used them. */
interface ReservedView {
  sorted: SharedArrayBuffer;
  order: SharedArrayBuffer;
  runs: { vals: SharedArrayBuffer } | null;
  ready: SharedArrayBuffer;
}

function reservedOf(thread: SummaryThread): ReservedView {
  const r = (thread as unknown as { reserved: ReservedView | null }).reserved;
  assert.ok(r, 'reserve() kept its buffers');
  return r;
}

/**
 * Until the helper has mapped the reserved buffers and filled in the table (its ready flag), so
 * that the next summary surely takes them; fails after two minutes rather than hang.
 */
async function untilReady(r: ReservedView): Promise<void> {
  const flag = new Int32Array(r.ready);
  for (let t = 0; t < 6000 && Atomics.load(flag, 0) !== 1; t++)
    await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(Atomics.load(flag, 0), 1, 'the helper never finished with the reserved buffers');
}

test('buffers reserved before the sampling (mapped, with the table, by the helper) give the same summary', async () => {
  const thread = new SummaryThread();
  thread.start();
  try {
    for (const [what, M, N, repeat] of [
      ['1 chain of 1.2 M draws', 1, 1_200_000, 0],
      ['3 chains of 40,000', 3, 40_000, 0],
      ['3 chains of 40,000 with MH-like repeats', 3, 40_000, 0.5],
    ] as const) {
      thread.reserve(M * N);
      const c = chains(thread, 21 + M, M, N, repeat);
      // Straight away (the helper may still be mapping the buffers: they are not used then) and
      // once the helper has finished with them.
      assertIdentical(await thread.summarize(c), summarize(c), `${what}, at once`);
      thread.reserve(M * N);
      const r = reservedOf(thread);
      await untilReady(r);
      const got = await thread.summarize(c);
      assertIdentical(got, summarize(c), what);
      // Without repeats the sort of every draw is the result, in the reserved buffer; with them the
      // runs are sorted into buffers of their own, for which this reserve() took no room.
      if (repeat === 0)
        assert.equal(
          got.draws?.sorted.buffer,
          r.sorted,
          `${what}: the sort in the reserved buffer`,
        );
    }
  } finally {
    thread.close();
  }
});

test('buffers reserved with room for the runs of repeats give the same summary, and hold the runs', async () => {
  const thread = new SummaryThread();
  thread.start();
  try {
    for (const [what, M, N] of [
      ['1 chain of 1.2 M MH-like draws', 1, 1_200_000],
      ['3 chains of 40,000', 3, 40_000],
    ] as const) {
      thread.reserve(M * N, true);
      const r = reservedOf(thread);
      const runBuffers = r.runs;
      assert.ok(runBuffers, `${what}: room for the runs`);
      const c = chains(thread, 31 + M, M, N, 0.5);
      await untilReady(r);
      const before = thread.twoThreadRuns;
      const got = await thread.summarize(c, 20, true);
      assert.equal(thread.twoThreadRuns, before + 1, `${what}: the helper thread took part`);
      assertIdentical(got, summarize(c), what);
      // The result is the runs, sorted into the reserved buffers of the draws' sort (where the
      // helper read them from); the buffer of their values in draw order then staged the bulk z.
      assert.equal(got.draws?.sorted.buffer, r.sorted, `${what}: sorted runs reserved`);
      assert.equal(got.draws?.packed.buffer, r.order, `${what}: packed runs reserved`);
      const all = new Float64Array(M * N);
      c.forEach((x, m) => all.set(x, m * N));
      const runs = drawRuns(all, N / 2);
      assert.ok(runs, `${what}: MH-like draws have runs`);
      const want = sortWithOrder(runs.vals, false, undefined, runs.packed);
      const R = runs.vals.length;
      assert.deepEqual(
        Array.from(new Float64Array(r.sorted, 0, R)),
        Array.from(want.sorted),
        `${what}: the sorted runs in the reserved buffer`,
      );
      assert.deepEqual(
        Array.from(new Uint32Array(r.order, 0, R)),
        Array.from(want.order),
        `${what}: their packed starts and lengths in the reserved buffer`,
      );
      const staged = new Float64Array(runBuffers.vals, 0, R);
      assert.ok(
        staged.some((v) => v !== 0),
        `${what}: the reserved values' buffer was written`,
      );
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

/** The reserved buffers a stream uses, beyond ReservedView's. */
interface StreamedView extends ReservedView {
  dest: SharedArrayBuffer;
  streamed: Float64Array[] | null;
}

/**
 * Chains filled the way runSampler fills them, `batch` draws of every chain at a time with the
 * helper told after each (SummaryThread.drawn), from `values` (one array per chain); `dropAt`: the
 * batch after which the draws count as thrown away (drawn(−1)), as a sampler that starts again.
 */
function drawInBatches(
  thread: SummaryThread,
  values: Float64Array[],
  batch: number,
  repeats: boolean,
  dropAt = -1,
): { c: Chains; r: StreamedView } {
  const N = values[0].length;
  const c = values.map(() => thread.draws(N));
  thread.reserve(values.length * N, repeats, c, true);
  const r = reservedOf(thread) as StreamedView;
  let b = 0;
  for (let done = 0; done < N; b++) {
    const next = Math.min(N, done + batch);
    c.forEach((x, m) => x.set(values[m].subarray(done, next), done));
    done = next;
    if (b === dropAt) thread.drawn(-1);
    else thread.drawn(done);
  }
  return { c, r };
}

/** AR(1) values with MH-like repeats (`repeat`), chain m shifted by m · shift. */
function values(seed: number, M: number, N: number, repeat: number, shift = 0): Float64Array[] {
  return chains(new SummaryThread(), seed, M, N, repeat, shift);
}

test('chains worked on as they are drawn give the summary of one thread, bit for bit', async () => {
  const thread = new SummaryThread();
  thread.start();
  try {
    const late = values(44, 1, 1_200_000, 0.5)[0];
    // Far outside every bucket guessed from the first segment, late in the chain.
    late[1_000_000] = 1e12;
    late[1_100_000] = -1e12;
    const cases: [string, Float64Array[], number][] = [
      // Two segments per split chain (2^19 draws and the rest), found in pool order.
      ['1 chain of 1.2 M MH-like draws', values(41, 1, 1_200_000, 0.5), 50_000],
      // Chains side by side: chain 1's first segment is found before chain 0's second, so the
      // runs of early segments wait at their place in the pool and move down later.
      ['3 chains of 600,000', values(42, 3, 600_000, 0.5), 37_000],
      // Chains 1 … 3 lie beyond the buckets guessed from chain 0's first segment.
      ['4 chains of 300,000, each shifted by 3', values(43, 4, 300_000, 0.5, 3), 64_000],
      ['an outlier on each side, drawn late', [late], 100_000],
    ];
    for (const [what, v, batch] of cases) {
      const { c, r } = drawInBatches(thread, v, batch, true);
      await untilReady(r);
      const before = thread.twoThreadRuns;
      const got = await thread.summarize(c, 20, true);
      assert.equal(thread.twoThreadRuns, before + 1, `${what}: the helper thread took part`);
      assertIdentical(got, summarize(c), what);
      assert.deepEqual(got.autocorrelation, autocorrelation(c, PLOT_LAGS), `${what}: plot`);
      // The runs found while drawing, sorted by both threads back into the runs' own buffers.
      assert.equal(got.draws?.sorted.buffer, r.runs?.vals, `${what}: sorted where they were found`);
      assert.equal(got.draws?.packed.buffer, r.dest, `${what}: packed where they were found`);
    }
  } finally {
    thread.close();
  }
});

test('a stream that cannot be used falls back to the sort after the sampling, with the same summary', async () => {
  const thread = new SummaryThread();
  thread.start();
  try {
    // Without repeats the runs do not pay: the helper gives up on them, and every draw is sorted.
    const plain = drawInBatches(thread, values(51, 2, 400_000, 0), 50_000, true);
    await untilReady(plain.r);
    const got = await thread.summarize(plain.c, 20, true);
    assertIdentical(got, summarize(plain.c), 'no repeats');
    assert.equal(got.draws?.sorted.buffer, plain.r.sorted, 'no repeats: the sort of every draw');
    // Draws thrown away midway: the helper stops, and the runs are found after the sampling, in
    // fresh buffers (the helper may still be writing the reserved ones when the summary starts).
    const dropped = drawInBatches(thread, values(52, 2, 400_000, 0.5), 50_000, true, 3);
    assert.equal(
      (thread as unknown as { reserved: unknown }).reserved,
      null,
      'the reservation is dropped',
    );
    await untilReady(dropped.r);
    const got2 = await thread.summarize(dropped.c, 20, true);
    assertIdentical(got2, summarize(dropped.c), 'thrown away');
    assert.notEqual(got2.draws?.sorted.buffer, dropped.r.sorted, 'thrown away: fresh buffers');
    // A summary of other chains than the stream's (the stream is for x, not y) ignores it.
    const xs = drawInBatches(thread, values(53, 1, 600_000, 0.5), 100_000, true);
    await untilReady(xs.r);
    const ys = values(54, 1, 600_000, 0.5).map((y) => {
      const s = thread.draws(y.length);
      s.set(y);
      return s;
    });
    assertIdentical(await thread.summarize(ys), summarize(ys), 'other chains');
    const got3 = await thread.summarize(xs.c);
    assertIdentical(got3, summarize(xs.c), 'then the streamed ones');
    assert.equal(got3.draws?.sorted.buffer, xs.r.runs?.vals, 'the stream served its own chains');
  } finally {
    thread.close();
  }
});

test('runSampler: MH and HMC diagnostics over chains drawn side by side are those of the summary on one thread', async () => {
  for (const sampler of ['mh', 'hmc'] as const) {
    let drawn: Chains = [];
    const r = await runSampler(
      { expr: 'exp(-x^2/2) * (1 + sin(3x)^2)', sampler, n: 300_000, chains: 3, seed: 5 },
      { onProgress: () => undefined, onDraws: (xs) => (drawn = xs) },
    );
    const one = summarize(drawn);
    for (const k of ['essBulk', 'essTail', 'rhat', 'mcseMean', 'mean', 'sd'] as const)
      assert.ok(same(r[k] as number, one[k]), `${sampler}: ${k} ${String(r[k])} ≠ ${one[k]}`);
  }
});
