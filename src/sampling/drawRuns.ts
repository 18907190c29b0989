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
 * The runs of `pool` (split chains of `half` draws, one after another; a run never crosses from one
 * into the next), or null when there are too few repeats for them to pay. Equal values of opposite
 * sign (−0 and 0) in one run give null, so that the sorted draws rebuilt from the runs keep each
 * sign.
 * `into`: arrays of at least runCapacity(P) entries to write to instead of new ones.
 */
export function drawRuns(
  pool: Float64Array,
  half: number,
  into?: { vals: Float64Array; packed: Uint32Array },
): DrawRuns | null {
  const P = pool.length;
  if (P === 0 || half === 0 || P % half !== 0) return null;
  const posBits = 32 - Math.clz32(P - 1);
  // Packed values below 2^31: V8 then reads them as int32, where one above would deoptimise a
  // loop midway through millions of entries (the first time it meets one).
  const lenBits = Math.min(MAX_LEN_BITS, 31 - posBits);
  if (lenBits < MIN_LEN_BITS) return null;
  const cap = runCapacity(P);
  const vals = into?.vals ?? new Float64Array(cap),
    packed = into?.packed ?? new Uint32Array(cap);
  const R = findRuns(pool, half, lenBits, cap, vals, packed);
  if (R < 0) return null;
  return { vals: vals.subarray(0, R), packed: packed.subarray(0, R), lenBits };
}

/** The runs into vals/packed; −1 when they exceed `cap`, or as soon as the probe says they will. */
function findRuns(
  pool: Float64Array,
  half: number,
  lenBits: number,
  cap: number,
  vals: Float64Array,
  packed: Uint32Array,
): number {
  const P = pool.length;
  let r = -1;
  for (let from = 0; from < P; from += half) {
    // A split chain's first draw always starts a run.
    r++;
    vals[r] = pool[from];
    packed[r] = from;
    const probe = from === 0 ? Math.min(half, PROBE) : 1;
    r = markRuns(pool, from + 1, from + probe, r, vals, packed);
    if (from === 0 && r + 1 > MAX_RUN_SHARE * probe && probe < half) return -1;
    r = markRuns(pool, from + probe, from + half, r, vals, packed);
    if (r + 1 > cap) return -1;
  }
  return packRuns(pool, r + 1, lenBits, cap, vals, packed);
}

/**
 * Every draw from `from` to `to` − 1 writes its run's value and, into `ends`, its own index, so that
 * each run ends up holding its last index; a draw unequal to the previous one starts the next run.
 * Nothing branches on the draws: about half of MH's repeat, at random, which a branch would
 * mispredict (the boolean added as a number compiles to a flag, three times faster here). Writes
 * past the arrays' end (more runs than the capacity) are dropped, and the caller gives up on the
 * count returned.
 */
function markRuns(
  pool: Float64Array,
  from: number,
  to: number,
  r: number,
  vals: Float64Array,
  ends: Uint32Array,
): number {
  if (from >= to) return r;
  let prev = pool[from - 1];
  for (let i = from; i < to; i++) {
    const v = pool[i];
    r += +(v !== prev);
    prev = v;
    vals[r] = v;
    ends[r] = i;
  }
  return r;
}

/**
 * The R runs' last indices (`packed`, from markRuns) turned into start · 2^lenBits + (length − 1),
 * in place; a run longer than 2^lenBits continues in further entries of the same value. −1 when
 * those exceed `cap`, or when a run of zeros holds both −0 and 0: they compare equal, so markRuns
 * joins them, where the sort of the draws keeps each sign (runs of zeros are rare, and each is read
 * once).
 */
function packRuns(
  pool: Float64Array,
  R: number,
  lenBits: number,
  cap: number,
  vals: Float64Array,
  packed: Uint32Array,
): number {
  const maxLen = 2 ** lenBits;
  let prevEnd = -1,
    k = 0;
  for (; k < R; k++) {
    const end = packed[k];
    if (end - prevEnd > maxLen) break;
    if (vals[k] === 0 && !oneSign(pool, prevEnd + 1, end)) return -1;
    packed[k] = (prevEnd + 1) * maxLen + (end - prevEnd - 1);
    prevEnd = end;
  }
  if (k === R) return R;
  // From the first run too long for one entry on: count the pieces, then fill from the last entry,
  // each moved up by the pieces before it, so that nothing is overwritten unread.
  const first = k;
  let extra = 0;
  for (let q = first, pe = prevEnd; q < R; q++) {
    const end = packed[q];
    if (vals[q] === 0 && !oneSign(pool, pe + 1, end)) return -1;
    extra += Math.ceil((end - pe) / maxLen) - 1;
    pe = end;
  }
  if (R + extra > cap) return -1;
  let at = R + extra;
  for (let q = R - 1; q >= first; q--) {
    const end = packed[q],
      start = q > first ? packed[q - 1] + 1 : prevEnd + 1,
      v = vals[q];
    // Pieces of maxLen draws from the start, the last one shorter: written last piece first.
    let pieceEnd = end + 1;
    while (pieceEnd > start) {
      const s = start + Math.floor((pieceEnd - 1 - start) / maxLen) * maxLen;
      at--;
      vals[at] = v;
      packed[at] = s * maxLen + (pieceEnd - s - 1);
      pieceEnd = s;
    }
  }
  return R + extra;
}

/** Whether the draws from … to (inclusive) all have the sign of the first (−0 or 0). */
function oneSign(pool: Float64Array, from: number, to: number): boolean {
  const sign = 1 / pool[from];
  for (let i = from + 1; i <= to; i++) if (1 / pool[i] !== sign) return false;
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
