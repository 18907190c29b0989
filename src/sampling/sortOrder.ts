// Sorting millions of draws together with the index each came from: what ranks, quantiles, the
// folded ranks, KS and the histogram of a run all read. A comparator sort or per-value binary
// searches cost seconds at millions of draws, more than the sampling did.

/** Buckets of the first pass over all draws: about 2,000 draws each at 4 M, 2,048 write streams. */
const TOP_BUCKETS = 2048;
/** Ranges this short are finished by insertion sort. */
const INSERTION = 24;
/**
 * Distribution passes before a range falls back to a comparator sort. Each pass splits a range's
 * [min, max] into equal buckets; smooth densities need two, while values spread over hundreds of
 * orders of magnitude could otherwise peel off a few per pass.
 */
const MAX_DEPTH = 6;

/**
 * `vals` sorted ascending, and the index of each sorted value in `vals` (equal values keep their
 * index order, −0 and 0 count as equal). One pass distributes every draw, value and index, into
 * TOP_BUCKETS equal-width buckets of [min, max]; each bucket, small enough to stay in the cache, is
 * then distributed again over its own [min, max] and finished by insertion sort. A bucket's number
 * floor((v − min)·scale) never decreases as v grows (each floating-point step rounds monotonically),
 * and every pass is stable, so the result is exactly that of a stable comparator sort. Non-finite
 * values go through radixSortWithOrder instead. `shared`: the result lives in SharedArrayBuffers, for
 * a second thread to read without a copy (src/sampling/summarizeThreads.ts); `into`: arrays (n long)
 * to write the result to instead of new ones. `payload` (n long, ascending): what `order` carries for
 * each value instead of its index, e.g. the packed start and length of a run of repeated draws
 * (drawRuns.ts); ties stay in payload order. `known`: the values' [min, max] when the caller has
 * it already (NaN for both if any value is NaN or ±∞), which saves a pass over them.
 */
export function sortWithOrder(
  vals: Float64Array,
  shared = false,
  into?: { sorted: Float64Array; order: Uint32Array },
  payload?: Uint32Array,
  known?: readonly [number, number],
): { sorted: Float64Array; order: Uint32Array } {
  const n = vals.length;
  const range = new Float64Array(2);
  let finite: boolean;
  if (known) {
    range[0] = known[0];
    range[1] = known[1];
    finite = !Number.isNaN(known[0]);
  } else finite = n > 0 && finiteRange(vals, range);
  if (n === 0 || !finite || !(range[1] - range[0] < Infinity)) {
    const r = radixSortWithOrder(vals);
    if (payload) for (let i = 0; i < n; i++) r.order[i] = payload[r.order[i]];
    if (!shared && !into) return r;
    const sorted = into?.sorted ?? new Float64Array(new SharedArrayBuffer(8 * n)),
      order = into?.order ?? new Uint32Array(new SharedArrayBuffer(4 * n));
    sorted.set(r.sorted);
    order.set(r.order);
    return { sorted, order };
  }
  const lo = range[0],
    hi = range[1];
  const sorted =
      into?.sorted ??
      new Float64Array(shared ? new SharedArrayBuffer(8 * n) : new ArrayBuffer(8 * n)),
    order =
      into?.order ??
      new Uint32Array(shared ? new SharedArrayBuffer(4 * n) : new ArrayBuffer(4 * n));
  const B = Math.min(TOP_BUCKETS, Math.max(1, n >> 4));
  const start = new Uint32Array(B + 1);
  const scale = B / (hi - lo);
  if (!(scale < Infinity) || lo === hi) {
    // One value throughout, or a range too narrow to divide: already in order, or left to the
    // fallback below.
    sorted.set(vals);
    if (payload) order.set(payload.subarray(0, n));
    else for (let i = 0; i < n; i++) order[i] = i;
    if (lo !== hi) comparatorSort(sorted, order, 0, n);
    return { sorted, order };
  }
  distribute(vals, payload ?? null, 0, n, sorted, order, 0, lo, scale, B, start);
  const scratch = new Scratch();
  for (let b = 0; b < B; b++) sortRange(sorted, order, start[b], start[b + 1], 1, scratch);
  return { sorted, order };
}

/**
 * A fixed bucket function for a first pass done a piece at a time (a segment of draws, as soon as
 * it is drawn), when the values' range is not known yet: equal-width buckets over a range guessed
 * from the first piece, widened, with values outside it in the end buckets. Any bucket function
 * that never decreases as the value grows gives sortWithOrder's result once each bucket is sorted;
 * a poor guess only makes the end buckets bigger.
 */
export class PieceBuckets {
  readonly B = TOP_BUCKETS;
  private constructor(
    readonly lo: number,
    readonly scale: number,
  ) {}

  /** Buckets over [lo, hi] (the first piece's range) widened by an eighth of it on each side. */
  static around(lo: number, hi: number): PieceBuckets {
    const w = hi - lo;
    const scale = TOP_BUCKETS / (1.25 * w);
    // One value throughout (or no usable width): every value in bucket 0, sorted there.
    return w > 0 && scale < Infinity
      ? new PieceBuckets(lo - w / 8, scale)
      : new PieceBuckets(Number.isFinite(lo) ? lo : 0, 0);
  }
}

/**
 * The first pass over one piece: vals/payload[from, from + len) distributed, stably, into
 * dstVal/dstIdx[at …] by `plan`'s buckets; `starts` (B + 1 long) receives each bucket's start
 * within the piece (from 0).
 */
export function distributePiece(
  vals: Float64Array,
  payload: Uint32Array,
  from: number,
  len: number,
  dstVal: Float64Array,
  dstIdx: Uint32Array,
  at: number,
  plan: PieceBuckets,
  starts: Uint32Array,
): void {
  const B = plan.B;
  distribute(vals, payload, from, len, dstVal, dstIdx, at, plan.lo, plan.scale, B, starts);
  for (let b = 0; b <= B; b++) starts[b] -= at;
}

/**
 * Where each bucket starts once the pieces (their buckets' starts in pieceStarts, B + 1 per piece)
 * are gathered, into `starts` (B + 1 long): gatherBuckets' `starts`.
 */
export function gatheredStarts(pieceStarts: Uint32Array, B: number, starts: Uint32Array): void {
  const pieces = pieceStarts.length / (B + 1);
  let n = 0;
  for (let b = 0; b < B; b++) {
    starts[b] = n;
    for (let p = 0; p < pieces; p++)
      n += pieceStarts[p * (B + 1) + b + 1] - pieceStarts[p * (B + 1) + b];
  }
  starts[B] = n;
}

/**
 * Buckets b0 … b1 − 1 of pieces distributed by distributePiece, brought together and sorted: bucket
 * b is every piece's bucket b, pieces in order (piece p at srcVal/srcIdx[bases[p] …], its bucket
 * starts at pieceStarts[p·(B + 1) …]), written to dstVal/dstIdx from starts[b] on, then sorted. The
 * pieces in order keep equal values in payload order, as sortWithOrder does.
 */
export function gatherBuckets(
  srcVal: Float64Array,
  srcIdx: Uint32Array,
  bases: Uint32Array,
  pieceStarts: Uint32Array,
  dstVal: Float64Array,
  dstIdx: Uint32Array,
  starts: Uint32Array,
  b0: number,
  b1: number,
): void {
  const B = starts.length - 1;
  const pieces = bases.length;
  const scratch = new Scratch();
  for (let b = b0; b < b1; b++) {
    let at = starts[b];
    for (let p = 0; p < pieces; p++) {
      const row = p * (B + 1);
      at = copyRange(
        srcVal,
        srcIdx,
        bases[p] + pieceStarts[row + b],
        bases[p] + pieceStarts[row + b + 1],
        dstVal,
        dstIdx,
        at,
      );
    }
    sortRange(dstVal, dstIdx, starts[b], starts[b + 1], 1, scratch);
  }
}

/** src[from … to) copied to dst[at …]; returns where the copy ends. */
function copyRange(
  srcVal: Float64Array,
  srcIdx: Uint32Array,
  from: number,
  to: number,
  dstVal: Float64Array,
  dstIdx: Uint32Array,
  at: number,
): number {
  for (let i = from; i < to; i++, at++) {
    dstVal[at] = srcVal[i];
    dstIdx[at] = srcIdx[i];
  }
  return at;
}

/**
 * [min, max] of vals (at least one) into `range`, false if any is NaN or ±∞. The running min and
 * max start from a Float64Array so that V8 keeps them as raw doubles from the first draw on.
 */
function finiteRange(vals: Float64Array, range: Float64Array): boolean {
  range[0] = range[1] = vals[0];
  let lo = range[0],
    hi = range[1],
    finite = true;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
    // NaN and ±∞ (v − v is NaN for both).
    if (v - v !== 0) finite = false;
  }
  range[0] = lo;
  range[1] = hi;
  return finite;
}

/** Temporary copies of a range and per-depth bucket starts, reused by every range sorted. */
class Scratch {
  val = new Float64Array(0);
  idx = new Uint32Array(0);
  readonly start: Uint32Array[] = [];
  ensure(len: number): void {
    if (this.val.length >= len) return;
    const size = Math.max(len, 2 * this.val.length, 4096);
    this.val = new Float64Array(size);
    this.idx = new Uint32Array(size);
  }
  starts(depth: number, buckets: number): Uint32Array {
    const s = this.start[depth];
    if (s && s.length > buckets) return s;
    return (this.start[depth] = new Uint32Array(Math.max(buckets + 1, 257)));
  }
}

/**
 * Stable counting sort of src[from … from + len) by bucket ⌊(v − lo)·scale⌋, clamped to 0 … B − 1
 * as a double before it is cut to an integer (a piece's values may lie beyond its buckets, and one
 * far out would overflow the int32), into dst[at …]; srcIdx null means the index of src[i] is i. `start` receives each bucket's first
 * position in dst, start[B] the end. Each loop is a function of its own, always called with the
 * same types: a loop that V8 had to deoptimise midway (a branch it had not seen yet) would run
 * unoptimised over millions of draws.
 */
function distribute(
  src: Float64Array,
  srcIdx: Uint32Array | null,
  from: number,
  len: number,
  dstVal: Float64Array,
  dstIdx: Uint32Array,
  at: number,
  lo: number,
  scale: number,
  B: number,
  start: Uint32Array,
): void {
  countBuckets(src, from, from + len, lo, scale, B, start);
  let sum = at;
  for (let b = 0; b < B; b++) {
    const c = start[b];
    start[b] = sum;
    sum += c;
  }
  start[B] = sum;
  // Two loops rather than one with `srcIdx ? srcIdx[i] : i` inside: the 4 M-element hot loop stays
  // branch-free and monomorphic.
  if (srcIdx) moveWithIndex(src, srcIdx, from, from + len, dstVal, dstIdx, lo, scale, B, start);
  else moveWithPosition(src, from, from + len, dstVal, dstIdx, lo, scale, B, start);
  // The counters now hold each bucket's end, which is the next bucket's start.
  for (let b = B; b > 0; b--) start[b] = start[b - 1];
  start[0] = at;
}

function countBuckets(
  src: Float64Array,
  from: number,
  end: number,
  lo: number,
  scale: number,
  B: number,
  start: Uint32Array,
): void {
  const last = B - 1;
  start.fill(0, 0, B + 1);
  for (let i = from; i < end; i++) {
    const x = (src[i] - lo) * scale;
    start[x < last ? (x > 0 ? x | 0 : 0) : last]++;
  }
}

function moveWithIndex(
  src: Float64Array,
  srcIdx: Uint32Array,
  from: number,
  end: number,
  dstVal: Float64Array,
  dstIdx: Uint32Array,
  lo: number,
  scale: number,
  B: number,
  start: Uint32Array,
): void {
  const last = B - 1;
  for (let i = from; i < end; i++) {
    const v = src[i];
    const x = (v - lo) * scale;
    const j = start[x < last ? (x > 0 ? x | 0 : 0) : last]++;
    dstVal[j] = v;
    dstIdx[j] = srcIdx[i];
  }
}

function moveWithPosition(
  src: Float64Array,
  from: number,
  end: number,
  dstVal: Float64Array,
  dstIdx: Uint32Array,
  lo: number,
  scale: number,
  B: number,
  start: Uint32Array,
): void {
  const last = B - 1;
  for (let i = from; i < end; i++) {
    const v = src[i];
    const x = (v - lo) * scale;
    const j = start[x < last ? (x > 0 ? x | 0 : 0) : last]++;
    dstVal[j] = v;
    dstIdx[j] = i;
  }
}

/** Sorts val/idx[from … to) in place, stably by value. */
function sortRange(
  val: Float64Array,
  idx: Uint32Array,
  from: number,
  to: number,
  depth: number,
  scratch: Scratch,
): void {
  const len = to - from;
  if (len <= INSERTION) {
    insertionSort(val, idx, from, to);
    return;
  }
  let lo = val[from],
    hi = lo;
  for (let i = from + 1; i < to; i++) {
    const v = val[i];
    if (v < lo) lo = v;
    else if (v > hi) hi = v;
  }
  // Equal values throughout: the passes before kept them in index order.
  if (lo === hi) return;
  const B = Math.min(4096, len >> 2);
  const scale = B / (hi - lo);
  if (depth >= MAX_DEPTH || !(scale < Infinity)) {
    comparatorSort(val, idx, from, to);
    return;
  }
  scratch.ensure(len);
  scratch.val.set(val.subarray(from, to));
  scratch.idx.set(idx.subarray(from, to));
  const start = scratch.starts(depth, B);
  distribute(scratch.val, scratch.idx, 0, len, val, idx, from, lo, scale, B, start);
  for (let b = 0; b < B; b++) {
    const s = start[b],
      e = start[b + 1];
    if (e - s > 1) sortRange(val, idx, s, e, depth + 1, scratch);
  }
}

function insertionSort(val: Float64Array, idx: Uint32Array, from: number, to: number): void {
  for (let a = from + 1; a < to; a++) {
    const t = idx[a],
      v = val[a];
    let b = a - 1;
    // Strictly greater: equal values keep their order (a stable sort).
    while (b >= from && val[b] > v) {
      idx[b + 1] = idx[b];
      val[b + 1] = val[b];
      b--;
    }
    idx[b + 1] = t;
    val[b + 1] = v;
  }
}

/** Stable sort of a range by value, ties by index: O(n log n) whatever the values. */
function comparatorSort(val: Float64Array, idx: Uint32Array, from: number, to: number): void {
  const pairs = Array.from({ length: to - from }, (_, k) => ({
    v: val[from + k],
    i: idx[from + k],
  }));
  pairs.sort((p, q) => p.v - q.v || p.i - q.i);
  for (let k = 0; k < pairs.length; k++) {
    val[from + k] = pairs[k].v;
    idx[from + k] = pairs[k].i;
  }
}

/**
 * The same result for any values, NaN and ±∞ included: an LSD radix sort on the top 32 bits of
 * each double's order-preserving bit pattern (sign, exponent and 20 mantissa bits), 11 bits per
 * pass, moving the values themselves with their indices so that nothing is read back at random;
 * then each run of equal 32-bit keys is put in exact order on the full values.
 */
function radixSortWithOrder(vals: Float64Array): { sorted: Float64Array; order: Uint32Array } {
  const n = vals.length;
  // Float64Array's own buffer may be shared or offset: the sort works on aligned copies.
  let val = Float64Array.from(vals),
    idx = new Uint32Array(n);
  let val2 = new Float64Array(n),
    idx2 = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  // Negative numbers: flip every bit; positive: flip the sign bit. Then unsigned order = numeric order.
  const keyOf = (h: number): number => (h < 0 ? ~h : h ^ 0x80000000) >>> 0;
  // 11-bit digits: 2048 counters stay in the L1 cache, and three passes cover 32 bits. One read
  // counts the digits of all three passes.
  const count = new Uint32Array(3 * 2048);
  let words = new Int32Array(val.buffer, 0, 2 * n);
  for (let i = 0; i < n; i++) {
    const k = keyOf(words[2 * i + 1]);
    count[k & 0x7ff]++;
    count[2048 + ((k >>> 11) & 0x7ff)]++;
    count[4096 + (k >>> 22)]++;
  }
  for (let pass = 0; pass < 3; pass++) {
    const shift = 11 * pass,
      base = 2048 * pass;
    // A digit that is the same for every key (common in the high bits) needs no pass.
    if (n === 0 || count[base + ((keyOf(words[1]) >>> shift) & 0x7ff)] === n) continue;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = count[base + d];
      count[base + d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const d = base + ((keyOf(words[2 * i + 1]) >>> shift) & 0x7ff);
      const j = count[d];
      count[d] = j + 1;
      val2[j] = val[i];
      idx2[j] = idx[i];
    }
    [val, val2] = [val2, val];
    [idx, idx2] = [idx2, idx];
    words = new Int32Array(val.buffer, 0, 2 * n);
  }
  for (let i = 0; i < n;) {
    const h = words[2 * i + 1];
    let j = i + 1,
      same = true;
    for (; j < n && words[2 * j + 1] === h; j++) same &&= val[j] === val[i];
    if (!same) {
      if (j - i > 32) comparatorSort(val, idx, i, j);
      else insertionSort(val, idx, i, j);
    }
    i = j;
  }
  return { sorted: val, order: idx };
}
