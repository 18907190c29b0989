// The convergence summary (summarize.ts) on two threads, for runs of millions of draws: the draws,
// the sort and the rank-score table live in SharedArrayBuffers, so nothing large is copied between
// threads. This module owns the split and both of its sides.
//
// While the chains are drawn (runSampler tells it after each batch: `drawn`), the helper maps the
// summary's buffers, fills in the rank-score table, draws the autocorrelation plot once the chains
// hold its prefix and, where the sampler repeats draws (MH, HMC), finds the runs of each segment of
// 2^19 draws and distributes them into buckets (DrawnWork). A fresh process runs each of these
// loops once, unoptimised at first, and the helper's core is otherwise idle then. After:
//
//   this thread                         the helper thread
//   moments                             the runs of the last segment
//   sort: both threads gather and sort chunks of buckets (SharedSort), or this thread sorts alone
//   bulk z, bulk R-hat, bulk ESS ┐      ESS of the raw split draws (the mean's MCSE)
//   KS (the caller's, on the     ├────→ rank plot counts, folded z and tail R-hat,
//   bulk ESS and the sort)       │      5 % / 95 % quantiles with their ESS and MCSE
//   joins the parts ←────────────┘
//
// Each part is the same function on the same inputs as on one thread, so the summary is identical
// bit for bit. Where a worker cannot start (or dies), and below MIN_THREADED_DRAWS, where starting a
// thread costs more than it saves, the summary runs on this thread.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parentPort, Worker } from 'node:worker_threads';
import { acfPrefix, autocorrelation, PLOT_LAGS, type Chains } from './diagnostics';
import { RunFinder, runCapacity, type FoundRuns, type RankEntries } from './drawRuns';
import { lagKernel, lagWork, type LagKernel, type LagMemory } from './lagKernel';
import { zOfRanks } from './rankNormal';
import { distributePiece, gatherBuckets, gatheredStarts, PieceBuckets } from './sortOrder';
import {
  bulkPart,
  essOfMean,
  rankCounts,
  sortDraws,
  sortedRuns,
  summarize,
  summaryFinish,
  summaryStart,
  tailPart,
  type ConvergenceSummary,
  type DrawSort,
  type SplitPool,
  type TailPart,
} from './summarize';

/** Pooled draws below which one thread is faster (a worker takes tens of milliseconds to start). */
export const MIN_THREADED_DRAWS = 1 << 19;

/** The first message of a job: the draws (one shared buffer per chain) and where the table goes. */
interface JobMessage {
  kind: 'job';
  chains: SharedArrayBuffer[];
  zOfRank: SharedArrayBuffer;
  rankBins: number;
  /** Also the autocorrelation plot (diagnostics.ts's `autocorrelation` of the chains). */
  acf: boolean;
  /** A mapped buffer (P doubles) for the mean's ESS, when one was reserved. */
  essWork: SharedArrayBuffer | null;
  /** essWork's WebAssembly memory, when it is one: the lagged sums then run in the kernel. */
  essMemory: LagMemory | null;
  /** zOfRank holds the table already (a reserved one). */
  tableReady: boolean;
  /** These are the chains the helper worked on while they were drawn (ReserveMessage's `stream`). */
  streamed: boolean;
}

/**
 * A SharedSort's state: the pieces (one per segment of runs, distributed by distributePiece as it
 * was drawn, at `bases` in the stream's sorted/order, their buckets' starts in `pieceStarts`), each
 * bucket's start in the result (`starts`), and the chunks' claims and plan (`ctl`).
 */
interface SharedSortMessage {
  ctl: SharedArrayBuffer;
  starts: SharedArrayBuffer;
  pieceStarts: SharedArrayBuffer;
  bases: SharedArrayBuffer;
}

/** A shared array's buffer and the length used of it (reserved buffers are longer). */
interface SharedPart {
  buffer: SharedArrayBuffer;
  length: number;
}

/** Sorted entries (drawRuns.ts's RankEntries) in shared memory. */
interface EntriesPart {
  sorted: SharedPart;
  packed: SharedPart;
  lenBits: number;
}

/**
 * The second: the split pool's sorted entries, and every pooled draw's when they differ (an odd
 * chain's middle draw is not in the split pool).
 */
interface SortedMessage {
  kind: 'sorted';
  split: EntriesPart;
  all: EntriesPart | null;
  half: number;
  count: number;
}

/**
 * Buffers for the summary of P pooled draws, allocated when the sampling starts: the helper writes
 * a byte in every page so that the kernel maps them while the chains run (a fresh buffer costs
 * about half a millisecond per megabyte to map, on whichever thread first writes it), and fills in
 * the rank-score table, which needs only P.
 */
interface ReserveMessage {
  kind: 'reserve';
  buffers: SharedArrayBuffer[];
  table: SharedArrayBuffer;
  /** Set to 1 (Atomics) once every page is written and the table is complete. */
  ready: SharedArrayBuffer;
  /** Chains to work on as they are drawn (DrawnMessage). */
  stream: StreamSpec | null;
}

/**
 * Chains being drawn, and the summary's work that the helper does while the sampling goes on: the
 * autocorrelation plot once its prefix of every chain is drawn (`acf`), and, when the sampler
 * repeats draws, their runs a segment at a time (RunFinder) into `runs` (P long each: segments may
 * finish out of pool order).
 */
interface StreamSpec {
  chains: SharedArrayBuffer[];
  N: number;
  acf: boolean;
  /**
   * Where the runs go, each P long: found into vals/packed, each segment's then distributed into
   * sorted/order (a SharedSort's pieces), and the sorted runs gathered back into vals/packed.
   */
  runs: {
    vals: SharedArrayBuffer;
    packed: SharedArrayBuffer;
    sorted: SharedArrayBuffer;
    order: SharedArrayBuffer;
  } | null;
}

/** Every chain holds its first `done` draws (−1: the draws were thrown away; stop looking). */
interface DrawnMessage {
  kind: 'drawn';
  done: number;
}

/** What the helper found, sent before the summary's parts: the runs in the stream's buffers. */
interface FoundMessage {
  R: number;
  lenBits: number;
  range: [number, number];
}

type Reply =
  | { kind: 'table' }
  /**
   * `sort`: both threads now finish the runs' sort (SharedSort), into the stream's vals/packed;
   * null: this thread sorts them.
   */
  | { kind: 'runs'; found: FoundMessage | null; sort: SharedSortMessage | null }
  /** The helper finished the shared sort's last chunk. */
  | { kind: 'allSorted' }
  | {
      kind: 'parts';
      rankCounts: number[][];
      tail: TailPart;
      essMean: number;
      acf: number[] | null;
    }
  | { kind: 'failed'; message: string };

/** The helper thread's side: answers jobs until it is terminated. */
export function serveSummaryThread(): void {
  const port = parentPort;
  if (!port) return;
  let job: {
    chains: Chains;
    zOfRank: Float64Array;
    rankBins: number;
    essMean: number;
    acf: number[] | null;
  } | null = null;
  let stream: DrawnWork | null = null;
  port.on('message', (m: JobMessage | SortedMessage | ReserveMessage | DrawnMessage) => {
    try {
      if (m.kind === 'reserve') {
        for (const b of [...m.buffers, m.table]) {
          const bytes = new Uint8Array(b);
          for (let i = 0; i < bytes.length; i += 4096) bytes[i] = 0;
        }
        zOfRanks(m.table.byteLength / 8, new Float64Array(m.table));
        stream = m.stream ? new DrawnWork(m.stream) : null;
        Atomics.store(new Int32Array(m.ready), 0, 1);
        return;
      }
      if (m.kind === 'drawn') {
        if (m.done < 0) stream = null;
        else stream?.drawn(m.done);
        return;
      }
      if (m.kind === 'job') {
        const chains = m.chains.map((b) => new Float64Array(b));
        const zOfRank = m.tableReady
          ? new Float64Array(m.zOfRank)
          : zOfRanks(m.zOfRank.byteLength / 8, new Float64Array(m.zOfRank));
        port.postMessage({ kind: 'table' } satisfies Reply);
        const early = m.streamed ? stream : null;
        if (m.streamed && !early) throw new Error('a streamed job without its stream');
        // Another summary's job (say of y while x is drawn) leaves the stream to its own.
        if (m.streamed) stream = null;
        if (early?.findsRuns) {
          const found = early.runs();
          const sort = found ? early.sharedSort() : null;
          port.postMessage({ kind: 'runs', found, sort: sort?.message ?? null } satisfies Reply);
          if (sort?.sortChunks()) port.postMessage({ kind: 'allSorted' } satisfies Reply);
        }
        // While the other thread sorts.
        const P = zOfRank.length;
        const essWork = m.essMemory
          ? {
              values: new Float64Array(m.essMemory.buffer, 0, P),
              kernel: lagKernel(m.essMemory),
            }
          : m.essWork
            ? { values: new Float64Array(m.essWork), kernel: null }
            : lagWork(P, false);
        const essMean = essOfMean(chains, essWork.values, essWork.kernel);
        const acf = m.acf ? (early?.autocorrelation() ?? autocorrelation(chains, PLOT_LAGS)) : null;
        job = { chains, zOfRank, rankBins: m.rankBins, essMean, acf };
        return;
      }
      if (!job) throw new Error('sorted draws before a job');
      const sp: SplitPool = { entries: entriesOf(m.split), half: m.half, count: m.count };
      const all = m.all ? entriesOf(m.all) : sp.entries;
      const N = job.chains[0].length;
      port.postMessage({
        kind: 'parts',
        rankCounts: rankCounts(all, job.chains.length, N, job.rankBins),
        tail: tailPart(sp, all, job.zOfRank),
        essMean: job.essMean,
        acf: job.acf,
      } satisfies Reply);
      job = null;
    } catch (e) {
      job = null;
      port.postMessage({
        kind: 'failed',
        message: e instanceof Error ? e.message : String(e),
      } satisfies Reply);
    }
  });
}

/** Chunks the shared sort's buckets are claimed in, of about equal numbers of entries. */
const SORT_CHUNKS = 32;
/** SharedSort's ctl: three counters, then the chunks' first buckets and the end. */
const SORT_CTL_INTS = 3 + SORT_CHUNKS + 1;

/**
 * The runs' sort, finished by both threads. While the chains were drawn, the helper distributed
 * each segment's runs on its own (distributePiece, one bucket function for all); now each thread
 * claims chunks of buckets (Atomics on `ctl`) and, for each bucket, gathers its part of every piece
 * and sorts it (gatherBuckets), until no chunk is left, so that neither thread waits while the
 * other has work. ctl = [next chunk, chunks done, chunks, then each chunk's first bucket and the
 * end]. Every bucket ends up as sortWithOrder would sort it, whoever sorts what.
 */
class SharedSort {
  /** `src`: the pieces' sorted/order; `dst`: where the sorted runs go (vals/packed). */
  constructor(
    readonly message: SharedSortMessage,
    private readonly src: { vals: Float64Array; packed: Uint32Array },
    private readonly dst: { vals: Float64Array; packed: Uint32Array },
  ) {}

  /**
   * The sort of `pieces` pieces (their buckets' starts in pieceStarts, at `bases`): each bucket's
   * start in the result, and the buckets cut into chunks of about equal entries.
   */
  static plan(
    pieceStarts: Uint32Array,
    bases: Uint32Array,
    B: number,
    src: { vals: Float64Array; packed: Uint32Array },
    dst: { vals: Float64Array; packed: Uint32Array },
  ): SharedSort {
    const starts = new Uint32Array(new SharedArrayBuffer(4 * (B + 1)));
    gatheredStarts(pieceStarts, B, starts);
    const n = starts[B];
    const ctl = new Int32Array(new SharedArrayBuffer(4 * SORT_CTL_INTS));
    let c = 0;
    for (let b = 1; b < B && c < SORT_CHUNKS - 1; b++)
      if (starts[b] >= ((c + 1) * n) / SORT_CHUNKS) ctl[3 + ++c] = b;
    ctl[3 + ++c] = B;
    ctl[2] = c;
    return new SharedSort(
      {
        ctl: ctl.buffer as SharedArrayBuffer,
        starts: starts.buffer as SharedArrayBuffer,
        pieceStarts: pieceStarts.buffer as SharedArrayBuffer,
        bases: bases.buffer as SharedArrayBuffer,
      },
      src,
      dst,
    );
  }

  /** Sorts chunks until none is left to claim; true if this thread finished the last of them. */
  sortChunks(): boolean {
    const ctl = new Int32Array(this.message.ctl);
    const starts = new Uint32Array(this.message.starts);
    const pieceStarts = new Uint32Array(this.message.pieceStarts);
    const bases = new Uint32Array(this.message.bases);
    const chunks = ctl[2];
    let last = false;
    for (;;) {
      const i = Atomics.add(ctl, 0, 1);
      if (i >= chunks) return last;
      gatherBuckets(
        this.src.vals,
        this.src.packed,
        bases,
        pieceStarts,
        this.dst.vals,
        this.dst.packed,
        starts,
        ctl[3 + i],
        ctl[4 + i],
      );
      last = Atomics.add(ctl, 1, 1) === chunks - 1;
    }
  }
}

/**
 * The helper's side of a stream: the runs of each segment once every chain has drawn it, and the
 * autocorrelation plot once every chain has drawn the prefix it reads; the same numbers as after
 * the sampling, earlier, while the helper's core would otherwise wait.
 */
class DrawnWork {
  private readonly chains: Float64Array[];
  private readonly N: number;
  private readonly finder: RunFinder | null;
  private readonly runBuffers: {
    vals: Float64Array;
    packed: Uint32Array;
    sorted: Float64Array;
    order: Uint32Array;
  } | null;
  /** Each segment's runs distributed as it is found: SharedSort's pieces. */
  private pieces: { plan: PieceBuckets; starts: Uint32Array; bases: Uint32Array } | null = null;
  private acf: number[] | null = null;
  private readonly wantsAcf: boolean;

  constructor(spec: StreamSpec) {
    this.chains = spec.chains.map((b) => new Float64Array(b));
    this.N = spec.N;
    this.wantsAcf = spec.acf;
    this.runBuffers = spec.runs
      ? {
          vals: new Float64Array(spec.runs.vals),
          packed: new Uint32Array(spec.runs.packed),
          sorted: new Float64Array(spec.runs.sorted),
          order: new Uint32Array(spec.runs.order),
        }
      : null;
    this.finder = this.runBuffers
      ? RunFinder.create(
          this.chains.length * spec.N,
          spec.N / 2,
          this.runBuffers.vals,
          this.runBuffers.packed,
        )
      : null;
  }

  /** Whether the stream asked for the runs: `runs()` is then the job's first reply after the table. */
  get findsRuns(): boolean {
    return this.runBuffers !== null;
  }

  /**
   * The runs' sort for both threads to finish, when every segment's runs were distributed as they
   * were found; null otherwise (this thread then sorts them).
   */
  sharedSort(): SharedSort | null {
    const rb = this.runBuffers,
      pc = this.pieces;
    if (!rb || !pc || !this.finder?.finish()) return null;
    return SharedSort.plan(
      pc.starts,
      pc.bases,
      pc.plan.B,
      { vals: rb.sorted, packed: rb.order },
      { vals: rb.vals, packed: rb.packed },
    );
  }

  /** Distributes segment k's runs, just found (SharedSort's piece k). */
  private distributeSegment(k: number): void {
    const f = this.finder,
      rb = this.runBuffers;
    if (!f || !rb || f.failed) return;
    const [base, count] = f.placed(k);
    if (!this.pieces) {
      // The bucket function, for every piece: from the range of the first segment found.
      const [lo, hi] = f.rangeSoFar();
      const plan = PieceBuckets.around(lo, hi);
      this.pieces = {
        plan,
        starts: new Uint32Array(new SharedArrayBuffer(4 * f.segments * (plan.B + 1))),
        bases: new Uint32Array(new SharedArrayBuffer(4 * f.segments)),
      };
    }
    const pc = this.pieces;
    // Each piece at its segment's own place in the pool: the runs of a segment that came early
    // move down later (RunFinder), and pieces must never overlap.
    const at = f.segment(k)[0];
    pc.bases[k] = at;
    distributePiece(
      rb.vals,
      rb.packed,
      base,
      count,
      rb.sorted,
      rb.order,
      at,
      pc.plan,
      pc.starts.subarray(k * (pc.plan.B + 1), (k + 1) * (pc.plan.B + 1)),
    );
  }

  /** Every chain now holds its first `done` draws. */
  drawn(done: number): void {
    if (this.wantsAcf && !this.acf && done >= acfPrefix(this.chains))
      this.acf = autocorrelation(this.chains, PLOT_LAGS);
    const f = this.finder;
    if (!f) return;
    for (const k of f.missing()) {
      if (f.failed) return;
      const [from, to] = f.segment(k);
      const c = Math.floor(from / this.N);
      if (to - c * this.N <= done) {
        f.add(k, this.chains[c], c * this.N);
        this.distributeSegment(k);
      }
    }
  }

  /**
   * The runs of all the draws (every chain drawn in full), null where they do not pay or cannot be
   * packed for a pool this size.
   */
  runs(): FoundMessage | null {
    this.drawn(this.N);
    const f = this.finder?.finish();
    return f ? { R: f.runs.vals.length, lenBits: f.runs.lenBits, range: f.range } : null;
  }

  /** The autocorrelation plot, if it was computed already. */
  autocorrelation(): number[] | null {
    return this.acf;
  }
}

/** The buffers of SummaryThread.reserve. */
interface Reserved {
  P: number;
  sorted: SharedArrayBuffer;
  order: SharedArrayBuffer;
  table: SharedArrayBuffer;
  /** In the lagged sums' kernel memory where WebAssembly allows (lagWork). */
  work: { values: Float64Array; kernel: LagKernel | null };
  dest: SharedArrayBuffer;
  essWork: { values: Float64Array; memory: LagMemory | null };
  /**
   * Doubles for the runs' values, when the sampler repeats draws (P of them when the helper finds
   * the runs as the chains are drawn, else runCapacity(P)); the runs sort into `sorted` and `order`
   * (the sort of every draw, unused when the runs pay) and pack into `dest`.
   */
  runs: { vals: SharedArrayBuffer } | null;
  /** The chains whose runs the helper finds while they are drawn, if any. */
  streamed: Float64Array[] | null;
  /** 1 once the helper has mapped them all (until then the helper is writing to them). */
  ready: SharedArrayBuffer;
}

/** Helper threads alive right now: tests check that a run, finished or cancelled, leaves none. */
const live = new Set<Worker>();
export function liveSummaryThreads(): number {
  return live.size;
}

function spawn(): Worker {
  // Bundled: dist/summaryWorker.js sits next to the bundle running this (esbuild.mjs builds it).
  const js = join(__dirname, 'summaryWorker.js');
  if (existsSync(js)) return new Worker(js);
  // From sources (tests, the bench, tsx): the TypeScript entry through tsx's require hook, since a
  // worker does not inherit the parent's --import loader for its entry file.
  const tsx = createRequire(__filename).resolve('tsx/cjs');
  const ts = join(__dirname, 'summaryWorker.ts');
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(ts)});`, {
    eval: true,
  });
}

const sharedOf = (a: Float64Array | Uint32Array): SharedArrayBuffer | null =>
  a.buffer instanceof SharedArrayBuffer &&
  a.byteOffset === 0 &&
  a.byteLength === a.buffer.byteLength
    ? a.buffer
    : null;

function toShared<T extends Float64Array | Uint32Array>(a: T): SharedArrayBuffer {
  const s = sharedOf(a);
  if (s) return s;
  const b = new SharedArrayBuffer(a.byteLength);
  new Uint8Array(b).set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  return b;
}

function entriesPart(e: RankEntries): EntriesPart {
  return { sorted: sharedPart(e.sorted), packed: sharedPart(e.packed), lenBits: e.lenBits };
}

function entriesOf(p: EntriesPart): RankEntries {
  return {
    sorted: new Float64Array(p.sorted.buffer, 0, p.sorted.length),
    packed: new Uint32Array(p.packed.buffer, 0, p.packed.length),
    lenBits: p.lenBits,
  };
}

/** A's shared buffer when it starts one (a prefix of a reserved buffer), else a shared copy. */
function sharedPart(a: Float64Array | Uint32Array): SharedPart {
  const shared = a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0;
  return { buffer: shared ? (a.buffer as SharedArrayBuffer) : toShared(a), length: a.length };
}

/**
 * A helper thread for one sampling run: started before the sampling (it boots meanwhile), handed
 * each dimension's draws after it, closed when the run ends however it ends.
 */
export class SummaryThread {
  private worker: Worker | null = null;
  private failed: Error | null = null;
  private readonly waiting: ((r: Reply | Error) => void)[] = [];
  /** Replies that came before anything waited for them. */
  private readonly inbox: Reply[] = [];
  /** Summaries that both threads computed (not a fallback): what tests check the split by. */
  twoThreadRuns = 0;
  /** Buffers from `reserve`, until a summary of their size takes them. */
  private reserved: Reserved | null = null;

  /** Starts the worker; without worker_threads (or if it cannot start) every summary runs here. */
  start(): void {
    if (this.worker) return;
    try {
      const w = spawn();
      // Never what keeps a process alive.
      w.unref();
      w.on('message', (r: Reply) => {
        const f = this.waiting.shift();
        if (f) f(r);
        else this.inbox.push(r);
      });
      const die = (e: Error): void => {
        this.failed = e;
        for (const f of this.waiting.splice(0)) f(e);
      };
      w.on('error', die);
      w.on('exit', (code) => {
        live.delete(w);
        die(new Error(`summary thread exited (code ${code})`));
      });
      live.add(w);
      this.worker = w;
    } catch (e) {
      this.failed = e instanceof Error ? e : new Error(String(e));
    }
  }

  /** Storage for one chain's draws: shared when a helper will read them. */
  draws(n: number): Float64Array {
    return this.worker && !this.failed
      ? new Float64Array(new SharedArrayBuffer(8 * n))
      : new Float64Array(n);
  }

  /**
   * Buffers for the summary of `P` pooled draws (even chains), mapped by the helper while the
   * chains run; the next summary of that size uses them. Only worth it at millions of draws.
   * `repeats`: the sampler repeats its last draw at a rejection, so buffers for the runs too.
   * `chains` (in shared memory, from `draws`): the helper works on them as they are drawn (`drawn`
   * says how far): their runs when `repeats`, and their autocorrelation plot when `acf`.
   */
  reserve(P: number, repeats = false, chains?: Chains, acf = false): void {
    const w = this.worker;
    if (!w || this.failed) return;
    // The helper works on the chains as they are drawn when it can read them where they are drawn.
    const streamed =
      (repeats || acf) && chains && chains.every((c) => sharedOf(c) !== null) ? [...chains] : null;
    const r: Reserved = {
      P,
      sorted: new SharedArrayBuffer(8 * P),
      order: new SharedArrayBuffer(4 * P),
      table: new SharedArrayBuffer(8 * P),
      work: lagWork(P, true),
      dest: new SharedArrayBuffer(4 * P),
      essWork: lagWork(P, true),
      runs: repeats ? { vals: new SharedArrayBuffer(8 * (streamed ? P : runCapacity(P))) } : null,
      streamed,
      ready: new SharedArrayBuffer(4),
    };
    this.reserved = r;
    const runs = r.runs ? [r.runs.vals] : [];
    w.postMessage({
      kind: 'reserve',
      buffers: [
        r.sorted,
        r.order,
        sharedPart(r.work.values).buffer,
        r.dest,
        sharedPart(r.essWork.values).buffer,
        ...runs,
      ],
      table: r.table,
      ready: r.ready,
      stream: streamed
        ? {
            chains: streamed.map((c) => sharedPart(c).buffer),
            N: streamed[0].length,
            acf,
            runs: r.runs
              ? { vals: r.runs.vals, packed: r.dest, sorted: r.sorted, order: r.order }
              : null,
          }
        : null,
    } satisfies ReserveMessage);
  }

  /**
   * Every chain passed to `reserve` now holds its first `done` draws; −1 when they were thrown away
   * (a sampler that starts again), so that the helper stops finding their runs.
   */
  drawn(done: number): void {
    if (!this.reserved?.streamed || !this.worker || this.failed) return;
    this.worker.postMessage({ kind: 'drawn', done } satisfies DrawnMessage);
    // Until the helper reads this, it may still be writing the buffers: none of them is used.
    if (done < 0) this.reserved = null;
  }

  /**
   * `whileWaiting`: work of the caller's that needs only the bulk ESS and the sorted draws (KS),
   * run on this thread while the helper finishes its side; called at most once, and not at all
   * when the summary runs on one thread (the caller then does that work after it).
   */
  async summarize(
    chains: Chains,
    rankBins = 20,
    acf = false,
    whileWaiting?: (essBulk: number, draws: RankEntries) => void,
  ): Promise<ConvergenceSummary> {
    if (!this.worker || this.failed) return summarize(chains, rankBins);
    try {
      return await this.twoThreads(this.worker, chains, rankBins, acf, whileWaiting);
    } catch {
      // The helper died midway: the whole summary again, here (the same numbers, later).
      return summarize(chains, rankBins);
    }
  }

  close(): void {
    const w = this.worker;
    this.worker = null;
    if (w) void w.terminate();
  }

  /** The helper's next reply, in the order it sends them. */
  private reply(): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const take = (r: Reply | Error): void => {
        if (r instanceof Error) reject(r);
        else if (r.kind === 'failed') reject(new Error(r.message));
        else resolve(r);
      };
      const early = this.inbox.shift();
      if (early) return take(early);
      if (this.failed) return reject(this.failed);
      this.waiting.push(take);
    });
  }

  private async twoThreads(
    w: Worker,
    chains: Chains,
    rankBins: number,
    acf: boolean,
    whileWaiting?: (essBulk: number, draws: RankEntries) => void,
  ): Promise<ConvergenceSummary> {
    const { out, all, ranked } = summaryStart(chains);
    if (!ranked) return out;
    const N = chains[0].length;
    // The split pool drops each odd chain's middle draw.
    const P = chains.length * 2 * Math.floor(N / 2);
    // Reserved buffers fit even chains of this size (the pool is then the split pool), and only
    // once the helper is done with them: never wait for that, take fresh buffers instead.
    const r0 = this.reserved;
    // The helper works on these very chains as they are drawn.
    const streamed =
      r0?.streamed?.length === chains.length && r0.streamed.every((c, i) => c === chains[i]);
    // While it works on others, the buffers are its: keep them for those, take fresh ones here.
    const res =
      r0?.P === P &&
      P === chains.length * N &&
      (streamed || !r0.streamed) &&
      Atomics.load(new Int32Array(r0.ready), 0) === 1
        ? r0
        : null;
    if (res || streamed || !r0?.streamed) this.reserved = null;
    // Ready, the helper has the stream's work (it set up the stream before the flag).
    const useStream = streamed && res !== null;
    const zBuf = res?.table ?? new SharedArrayBuffer(8 * P);
    const table = this.reply();
    // Awaited below; until then a failure must not count as unhandled.
    table.catch(() => undefined);
    const runsFound = useStream && res.runs ? this.reply() : null;
    w.postMessage({
      kind: 'job',
      chains: chains.map(toShared),
      zOfRank: zBuf,
      rankBins,
      acf,
      essWork: res ? sharedPart(res.essWork.values).buffer : null,
      essMemory: res?.essWork.memory ?? null,
      tableReady: res !== null,
      streamed: useStream,
    } satisfies JobMessage);
    const cap = runCapacity(P);
    let found: FoundRuns | null | undefined;
    let d: DrawSort | null = null;
    if (runsFound && res?.runs) {
      const reply = await runsFound;
      if (reply.kind !== 'runs') throw new Error('summary thread: unexpected reply');
      const f = reply.found;
      found = f && {
        runs: {
          vals: new Float64Array(res.runs.vals, 0, f.R),
          packed: new Uint32Array(res.dest, 0, f.R),
          lenBits: f.lenBits,
        },
        range: f.range,
      };
      if (found && reply.sort) {
        // Sort buckets beside the helper, then wait for its last chunk if it has it. The sorted
        // runs replace the runs in vals/packed, and the pieces' buffers are bulkZ's staging.
        const pieces = { vals: new Float64Array(res.sorted), packed: new Uint32Array(res.order) };
        const sort = new SharedSort(reply.sort, pieces, {
          vals: new Float64Array(res.runs.vals),
          packed: new Uint32Array(res.dest),
        });
        if (!sort.sortChunks()) {
          const done = await this.reply();
          if (done.kind !== 'allSorted') throw new Error('summary thread: unexpected reply');
        }
        d = sortedRuns(
          { sorted: found.runs.vals, packed: found.runs.packed, lenBits: found.runs.lenBits },
          { z: pieces.vals, packed: pieces.packed },
          N,
          chains.length,
        );
      }
    }
    d ??= sortDraws(
      chains,
      all,
      true,
      res
        ? {
            sorted: new Float64Array(res.sorted),
            order: new Uint32Array(res.order),
            runs: res.runs
              ? {
                  vals: new Float64Array(res.runs.vals),
                  // Where runs pay, the buffers of the draws' sort and of their staging are free.
                  packed: new Uint32Array(res.dest, 0, cap),
                  sorted: new Float64Array(res.sorted, 0, cap),
                  order: new Uint32Array(res.order, 0, cap),
                }
              : undefined,
          }
        : undefined,
      found,
    );
    const sp = d.sp;
    const draws = d.all;
    out.draws = draws;
    w.postMessage({
      kind: 'sorted',
      split: entriesPart(sp.entries),
      all: draws === sp.entries ? null : entriesPart(draws),
      half: sp.half,
      count: sp.count,
    } satisfies SortedMessage);
    await table;
    const parts = this.reply();
    parts.catch(() => undefined);
    const { values: work, kernel } = res ? res.work : lagWork(P, false);
    const staging = d.staging ?? (res ? { z: work, packed: new Uint32Array(res.dest) } : undefined);
    const bulk = bulkPart(sp, new Float64Array(zBuf), work, staging, kernel);
    whileWaiting?.(bulk.essBulk, draws);
    const r = await parts;
    if (r.kind !== 'parts') throw new Error('summary thread: unexpected reply');
    out.rankCounts = r.rankCounts;
    if (r.acf) out.autocorrelation = r.acf;
    this.twoThreadRuns++;
    return summaryFinish(out, bulk, r.tail, r.essMean);
  }
}
