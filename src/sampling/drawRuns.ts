// Runs of repeated draws. An MH chain repeats its last draw at every rejection (half of its draws at
// the usual acceptance), and every rank statistic of the summary depends only on each run's value
// and length: the ranks of a run are a tie, and its draws share one z. Sorting the runs instead of
// the draws halves the sort, the scatter of the bulk z and the folded ranks at millions of MH draws.
//
// A run is packed into one uint32, its start (split-pool index) · 2^lenBits + (length − 1), so that
// the sort carries it as the index it would otherwise carry, and nothing is read back at random to
// learn a run's length. lenBits = 0 is the plain case: every draw its own run, the packed value its
// index; summarize.ts reads both through RankEntries.

/** Sorted values, each with the packed start and length of the draws it stands for. */
export interface RankEntries {
  /** Ascending; ties in start order. */
  sorted: Float64Array;
  /** start · 2^lenBits + (length − 1) of each entry of `sorted`. */
  packed: Uint32Array;
  lenBits: number;
}

/** The runs in draw order, before the sort. */
export interface DrawRuns {
  vals: Float64Array;
  packed: Uint32Array;
  lenBits: number;
}

/**
 * Runs only pay where they are at most this share of the draws: below it the sort and the scatter
 * shrink by more than the pass that finds the runs costs.
 */
const MAX_RUN_SHARE = 0.75;
/** Draws read before deciding that the runs will not pay (a chain without repeats gives up here). */
const PROBE = 1 << 16;
/** Longest run one entry holds (longer ones continue in the next entry, as a tie). */
const MAX_LEN_BITS = 10;
/** Fewer length bits than this leave runs too short to be worth it (pools beyond 2^27 draws). */
const MIN_LEN_BITS = 3;

/** Entries `drawRuns` may write for a pool of P draws: the capacity of its `into` arrays. */
export function runCapacity(P: number): number {
  return Math.floor(MAX_RUN_SHARE * P);
}

/**
 * Draws per segment. Runs are found one segment at a time, and a run never crosses from one into
 * the next, as it never crosses from one split chain into the next (a run cut in two is two entries
 * of one value, a tie, which every rank statistic reads as one run). Fixed boundaries let the
 * summary's helper thread find each segment's runs as soon as the chains have drawn it
 * (summarizeThreads.ts), with the very entries that drawRuns gives for the whole pool at once.
 */
export const RUN_SEGMENT = 1 << 19;

/**
 * The segments of a pool of split chains of `half` draws, as [from, to) pairs of pool indices in
 * pool order: each split chain cut into pieces of RUN_SEGMENT draws from its start.
 */
export function runSegments(P: number, half: number): number[] {
  const out: number[] = [];
  for (let from = 0; from < P; from += half)
    for (let s = from; s < from + half; s += RUN_SEGMENT)
      out.push(s, Math.min(s + RUN_SEGMENT, from + half));
  return out;
}

/**
 * The runs of `pool` (split chains of `half` draws, one after another; a run never crosses from one
 * into the next, nor from one RUN_SEGMENT into the next), or null when there are too few repeats
 * for them to pay. Equal values of opposite sign (−0 and 0) in one run give null, so that the
 * sorted draws rebuilt from the runs keep each sign.
 * `into`: arrays of at least runCapacity(P) entries to write to instead of new ones.
 */
export function drawRuns(
  pool: Float64Array,
  half: number,
  into?: { vals: Float64Array; packed: Uint32Array },
): DrawRuns | null {
  const P = pool.length;
  const cap = runCapacity(P);
  const finder = RunFinder.create(
    P,
    half,
    into?.vals ?? new Float64Array(cap),
    into?.packed ?? new Uint32Array(cap),
  );
  if (!finder) return null;
  for (let k = 0; k < finder.segments && !finder.failed; k++) finder.add(k, pool, 0);
  return finder.finish()?.runs ?? null;
}

/** What RunFinder.finish gives: the runs in pool order, and the range of their values. */
export interface FoundRuns {
  runs: DrawRuns;
  /** Smallest and largest value, for the sort's first pass (sortWithOrder's `range`). */
  range: [number, number];
}

/**
 * The runs of a pool, found one segment at a time in any order (runSegments' numbering). Segments
 * that arrive in pool order are written one after another; one that arrives early waits at its own
 * pool index (the arrays are then P long: a segment has at most as many runs as draws), and
 * finish() moves it down into place. Either way the result is drawRuns' for the whole pool.
 */
export class RunFinder {
  /** Set once the runs will not pay (or a run mixes −0 and 0): finish() then gives null. */
  failed = false;
  /** How many segments the pool has. */
  readonly segments: number;
  private readonly bounds: number[];
  private readonly cap: number;
  /** Per segment: the index of its first entry, and its entry count (−1 until it is added). */
  private readonly base: Float64Array;
  private readonly count: Float64Array;
  /** Segments before this one (pool order) are all added: the next is written right after them. */
  private inOrder = 0;
  private end = 0;
  private total = 0;
  private lo = Infinity;
  private hi = -Infinity;
  private finite = true;

  private constructor(
    P: number,
    half: number,
    readonly lenBits: number,
    private readonly vals: Float64Array,
    private readonly packed: Uint32Array,
  ) {
    this.cap = runCapacity(P);
    this.bounds = runSegments(P, half);
    this.segments = this.bounds.length / 2;
    this.base = new Float64Array(this.segments);
    this.count = new Float64Array(this.segments).fill(-1);
  }

  /**
   * A finder for a pool of P draws in split chains of `half`, writing to vals/packed (at least
   * runCapacity(P) long, or P long if segments may arrive out of pool order); null when runs cannot
   * be packed for a pool this size.
   */
  static create(
    P: number,
    half: number,
    vals: Float64Array,
    packed: Uint32Array,
  ): RunFinder | null {
    if (P === 0 || half === 0 || P % half !== 0) return null;
    const posBits = 32 - Math.clz32(P - 1);
    // Packed values below 2^31: V8 then reads them as int32, where one above would deoptimise a
    // loop midway through millions of entries (the first time it meets one).
    const lenBits = Math.min(MAX_LEN_BITS, 31 - posBits);
    if (lenBits < MIN_LEN_BITS) return null;
    return new RunFinder(P, half, lenBits, vals, packed);
  }

  /** Segment k's [from, to) in the pool. */
  segment(k: number): [number, number] {
    return [this.bounds[2 * k], this.bounds[2 * k + 1]];
  }

  /**
   * Finds segment k's runs in `src`, whose first element is pool draw `offset` (0 for the pool
   * itself, chain · N for one of its chains of N draws).
   */
  add(k: number, src: Float64Array, offset: number): void {
    if (this.failed || this.count[k] >= 0) return;
    const from = this.bounds[2 * k],
      to = this.bounds[2 * k + 1];
    const base = k === this.inOrder ? this.end : from;
    const limit = k === this.inOrder ? this.vals.length : to;
    const R = segmentRuns(
      src,
      -offset,
      from,
      to,
      base,
      limit,
      this.lenBits,
      this.vals,
      this.packed,
    );
    this.total += Math.max(R, 0);
    if (R < 0 || this.total > this.cap) {
      this.failed = true;
      return;
    }
    this.base[k] = base;
    this.count[k] = R;
    for (let i = base; i < base + R; i++) {
      const v = this.vals[i];
      if (v < this.lo) this.lo = v;
      if (v > this.hi) this.hi = v;
      if (v - v !== 0) this.finite = false;
    }
    while (this.inOrder < this.segments && this.count[this.inOrder] >= 0) {
      const j = this.inOrder++;
      // A segment that waited at its pool index moves down to follow the ones before it.
      if (this.base[j] !== this.end) {
        const b = this.base[j],
          c = this.count[j];
        this.vals.copyWithin(this.end, b, b + c);
        this.packed.copyWithin(this.end, b, b + c);
        this.base[j] = this.end;
      }
      this.end += this.count[j];
    }
  }

  /** Where segment k's entries are now, and how many: [first, count] (count −1: not added). */
  placed(k: number): [number, number] {
    return [this.base[k], this.count[k]];
  }

  /** The smallest and largest value of the entries so far (NaN for both if one is not finite). */
  rangeSoFar(): [number, number] {
    return this.finite ? [this.lo, this.hi] : [NaN, NaN];
  }

  /** Which segments are still to add, in pool order. */
  missing(): number[] {
    const out: number[] = [];
    for (let k = 0; k < this.segments; k++) if (this.count[k] < 0) out.push(k);
    return out;
  }

  /** The runs of every segment, or null if they do not pay or a segment is missing. */
  finish(): FoundRuns | null {
    if (this.failed || this.inOrder < this.segments) return null;
    const R = this.end;
    return {
      runs: {
        vals: this.vals.subarray(0, R),
        packed: this.packed.subarray(0, R),
        lenBits: this.lenBits,
      },
      range: this.rangeSoFar(),
    };
  }
}

/**
 * The runs of pool draws from … to − 1 (read at src[i + shift]) written from vals/packed[base] on,
 * at most up to `limit`: their count, or −1 when they will not pay (the pool's first segment
 * probes: too many runs in its first PROBE draws), exceed `limit`, or a run mixes −0 and 0.
 */
function segmentRuns(
  src: Float64Array,
  shift: number,
  from: number,
  to: number,
  base: number,
  limit: number,
  lenBits: number,
  vals: Float64Array,
  packed: Uint32Array,
): number {
  // A segment's first draw always starts a run.
  let r = base;
  vals[r] = src[from + shift];
  packed[r] = from;
  const probe = from === 0 ? Math.min(to - from, PROBE) : 1;
  r = markRuns(src, shift, from + 1, from + probe, r, vals, packed);
  if (from === 0 && r - base + 1 > MAX_RUN_SHARE * probe && probe < to - from) return -1;
  r = markRuns(src, shift, from + probe, to, r, vals, packed);
  if (r + 1 > limit) return -1;
  return packRuns(src, shift, from, base, r + 1, lenBits, limit, vals, packed);
}

/**
 * Every draw from `from` to `to` − 1 writes its run's value and, into `ends`, its own index, so that
 * each run ends up holding its last index; a draw unequal to the previous one starts the next run.
 * Nothing branches on the draws: about half of MH's repeat, at random, which a branch would
 * mispredict (the boolean added as a number compiles to a flag, three times faster here). Writes
 * past the arrays' end (more runs than the capacity) are dropped, and the caller gives up on the
 * count returned. Pool draw i is src[i + shift].
 */
function markRuns(
  src: Float64Array,
  shift: number,
  from: number,
  to: number,
  r: number,
  vals: Float64Array,
  ends: Uint32Array,
): number {
  if (from >= to) return r;
  let prev = src[from - 1 + shift];
  for (let i = from; i < to; i++) {
    const v = src[i + shift];
    r += +(v !== prev);
    prev = v;
    vals[r] = v;
    ends[r] = i;
  }
  return r;
}

/**
 * The runs from `first` to `end` − 1 (their last indices in `packed`, from markRuns; the first
 * starts at pool draw `from`) turned into start · 2^lenBits + (length − 1), in place; a run longer
 * than 2^lenBits continues in further entries of the same value. Returns the entry count, or −1
 * when the entries would pass `limit`, or when a run of zeros holds both −0 and 0: they compare
 * equal, so markRuns joins them, where the sort of the draws keeps each sign (runs of zeros are
 * rare, and each is read once).
 */
function packRuns(
  src: Float64Array,
  shift: number,
  from: number,
  first: number,
  end: number,
  lenBits: number,
  limit: number,
  vals: Float64Array,
  packed: Uint32Array,
): number {
  const maxLen = 2 ** lenBits;
  let prevEnd = from - 1,
    k = first;
  for (; k < end; k++) {
    const last = packed[k];
    if (last - prevEnd > maxLen) break;
    if (vals[k] === 0 && !oneSign(src, shift, prevEnd + 1, last)) return -1;
    packed[k] = (prevEnd + 1) * maxLen + (last - prevEnd - 1);
    prevEnd = last;
  }
  if (k === end) return end - first;
  // From the first run too long for one entry on: count the pieces, then fill from the last entry,
  // each moved up by the pieces before it, so that nothing is overwritten unread.
  const long = k;
  let extra = 0;
  for (let q = long, pe = prevEnd; q < end; q++) {
    const last = packed[q];
    if (vals[q] === 0 && !oneSign(src, shift, pe + 1, last)) return -1;
    extra += Math.ceil((last - pe) / maxLen) - 1;
    pe = last;
  }
  if (end + extra > limit) return -1;
  let at = end + extra;
  for (let q = end - 1; q >= long; q--) {
    const last = packed[q],
      start = q > long ? packed[q - 1] + 1 : prevEnd + 1,
      v = vals[q];
    // Pieces of maxLen draws from the start, the last one shorter: written last piece first.
    let pieceEnd = last + 1;
    while (pieceEnd > start) {
      const s = start + Math.floor((pieceEnd - 1 - start) / maxLen) * maxLen;
      at--;
      vals[at] = v;
      packed[at] = s * maxLen + (pieceEnd - s - 1);
      pieceEnd = s;
    }
  }
  return end + extra - first;
}

/** Whether pool draws from … to (inclusive, at src[i + shift]) all have the sign of the first (−0 or 0). */
function oneSign(src: Float64Array, shift: number, from: number, to: number): boolean {
  const sign = 1 / src[from + shift];
  for (let i = from + 1; i <= to; i++) if (1 / src[i + shift] !== sign) return false;
  return true;
}

/** Every draw's value in sorted order (`draws` of them): each entry's value, as often as it stands. */
export function entryValues(e: RankEntries, draws: number): Float64Array {
  const out = new Float64Array(draws);
  const mask = (1 << e.lenBits) - 1;
  let i = 0;
  for (let k = 0; k < e.packed.length; k++)
    out.fill(e.sorted[k], i, (i += (e.packed[k] & mask) + 1));
  return out;
}

/**
 * Sorted positions over entries: where each entry's draws start among all the draws sorted, for the
 * order statistics (quantiles, counts at or below a value) without rebuilding every draw. With one
 * draw per entry the position is the index itself and nothing is computed.
 */
export class EntryRanks {
  /**
   * starts[k]: draws before entry k (R + 1 long; pools stay below 2^32 draws, and a uint32 is half
   * the memory to map); null with one draw per entry.
   */
  private readonly starts: Uint32Array | null;
  /** Every draw the entries stand for. */
  readonly draws: number;

  constructor(readonly entries: RankEntries) {
    const { packed, lenBits } = entries;
    const R = packed.length;
    if (lenBits === 0) {
      this.starts = null;
      this.draws = R;
      return;
    }
    const mask = (1 << lenBits) - 1;
    const starts = new Uint32Array(R + 1);
    let s = 0;
    for (let k = 0; k < R; k++) {
      starts[k] = s;
      s += (packed[k] & mask) + 1;
    }
    starts[R] = s;
    this.starts = starts;
    this.draws = s;
  }

  /** Draws before entry k in sorted order (k = R: all of them). */
  startOf(k: number): number {
    return this.starts ? this.starts[k] : k;
  }

  /** The pos-th smallest draw (0-based). */
  valueAt(pos: number): number {
    const { sorted } = this.entries;
    const starts = this.starts;
    if (!starts) return sorted[pos];
    // The last entry starting at or before pos.
    let a = 0,
      b = sorted.length - 1;
    while (a < b) {
      const mid = (a + b + 1) >>> 1;
      if (starts[mid] <= pos) a = mid;
      else b = mid - 1;
    }
    return sorted[a];
  }

  /** The first entry whose value is above q (R when none is). */
  firstAbove(q: number): number {
    const { sorted } = this.entries;
    let a = 0,
      b = sorted.length;
    while (a < b) {
      const mid = (a + b) >>> 1;
      if (sorted[mid] <= q) a = mid + 1;
      else b = mid;
    }
    return a;
  }

  /** Quantile with linear interpolation between order statistics (NumPy's default). */
  quantile(q: number): number {
    const pos = (this.draws - 1) * q;
    const lo = Math.floor(pos),
      hi = Math.ceil(pos);
    const a = this.valueAt(lo),
      b = this.valueAt(hi);
    return a + (b - a) * (pos - lo);
  }
}
