// A large result crosses from the worker to the host in parts, one part per turn of the host's event
// loop. Receiving a message deserializes it in one synchronous step on the host thread, and a
// 3.7 MB analysis (a ModuleList of 20,000 layers, a 5,000-line file) took 40–90 ms there: long
// enough to freeze typing. Split, no step deserializes more than about PART_BYTES, and the host asks
// for the next part only after it has handled the last, so the parts never queue up into one block.
//
// Splitting is structural, so the host rebuilds the very value the handler returned (not a JSON
// round trip, which would turn NaN or Infinity into null): arrays larger than a quarter part are sent
// item by item in batches, and an item larger than a whole part is itself split the same way.

/** How far to walk from the result to the array a part appends to: object keys and array indices. */
type PathKey = string | number;

export interface ResultPart {
  /** The array the items are appended to, from the head. */
  path: PathKey[];
  items: unknown[];
}

export interface SplitResult {
  /** The result with every split array empty; each part appends to one of them, in order. */
  head: unknown;
  parts: ResultPart[];
}

/** About 2–4 ms of deserializing on an idle host (measured at ~20 ms per MB under load). */
export const PART_BYTES = 128 * 1024;

interface Plan {
  /** What stands for the value in its parent: the value itself when nothing in it was split. */
  skel: unknown;
  /** Approximate serialized size of the skeleton alone, and of the whole value. */
  skelSize: number;
  size: number;
  /** Parts that fill the skeleton, with paths relative to it, in the order they must be applied. */
  parts: ResultPart[];
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Sizes are JSON-like byte counts: what matters is that they grow with the deserializing work. */
function leafSize(v: unknown): number {
  if (typeof v === 'string') return v.length + 2;
  if (typeof v === 'object' && v !== null && ArrayBuffer.isView(v)) return v.byteLength;
  return 8;
}

function prefixed(key: PathKey, parts: ResultPart[]): ResultPart[] {
  return parts.map((p) => ({ path: [key, ...p.path], items: p.items }));
}

/** Leaves and opaque values: nothing in them is split, so no Plan is allocated for them. */
function isSplittable(v: unknown): v is unknown[] | Record<string, unknown> {
  return typeof v === 'object' && v !== null && (Array.isArray(v) || isPlainObject(v));
}

function plan(v: unknown[] | Record<string, unknown>, limit: number): Plan {
  if (Array.isArray(v)) return planArray(v, limit);
  let skelSize = 2;
  let size = 2;
  let copy: Record<string, unknown> | undefined;
  let parts: ResultPart[] | undefined;
  for (const key in v) {
    if (!Object.hasOwn(v, key)) continue;
    const x = v[key];
    if (!isSplittable(x)) {
      const n = key.length + 3 + leafSize(x);
      skelSize += n;
      size += n;
      continue;
    }
    const kid = plan(x, limit);
    skelSize += key.length + 3 + kid.skelSize;
    size += key.length + 3 + kid.size;
    if (kid.parts.length > 0) {
      copy ??= { ...v };
      copy[key] = kid.skel;
      (parts ??= []).push(...prefixed(key, kid.parts));
    }
  }
  return { skel: copy ?? v, skelSize, size, parts: parts ?? NONE };
}

const NONE: ResultPart[] = [];

function planArray(v: unknown[], limit: number): Plan {
  let size = 2;
  let split = false;
  const kids: (Plan | undefined)[] = new Array<Plan | undefined>(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (isSplittable(x)) {
      const k = plan(x, limit);
      kids[i] = k;
      size += k.size + 1;
      if (k.parts.length > 0) split = true;
    } else size += leafSize(x) + 1;
  }
  if (size <= limit / 4 && !split) return { skel: v, skelSize: size, size, parts: NONE };
  // Sent by parts: the skeleton is empty, and batches of consecutive items follow, each item's own
  // parts right after the batch that delivers it (its index is then known).
  const parts: ResultPart[] = [];
  let batch: unknown[] = [];
  let batchSize = 0;
  let pending: ResultPart[] = [];
  const flush = (): void => {
    if (batch.length > 0) parts.push({ path: [], items: batch }, ...pending);
    batch = [];
    batchSize = 0;
    pending = [];
  };
  for (let i = 0; i < v.length; i++) {
    const k = kids[i];
    const itemSize = k ? k.skelSize : leafSize(v[i]);
    if (batch.length > 0 && batchSize + itemSize > limit) flush();
    batch.push(k ? k.skel : v[i]);
    batchSize += itemSize + 1;
    if (k && k.parts.length > 0) pending.push(...prefixed(i, k.parts));
  }
  flush();
  return { skel: [], skelSize: 2, size, parts };
}

/**
 * The parts of `value` when it is larger than `limit` (approximately, in serialized bytes); null
 * when it goes whole. Values inside typed arrays and class instances are never split.
 */
export function splitResult(value: unknown, limit = PART_BYTES): SplitResult | null {
  if (!isSplittable(value)) return null;
  const p = plan(value, limit);
  // A value that fits in one part goes whole: parts cost the host a round trip each.
  if (p.parts.length === 0 || p.size <= limit) return null;
  return { head: p.skel, parts: p.parts };
}

/** Appends one part's items to the head, in place. Throws on a path the head does not have. */
export function applyPart(head: unknown, part: ResultPart): void {
  let target: unknown = head;
  for (const key of part.path) {
    // Own properties only: a key such as "__proto__" must not walk out of the result.
    if (typeof target !== 'object' || target === null || !Object.hasOwn(target, key))
      throw new Error(
        `a result part names a path the result does not have: ${part.path.join('.')}`,
      );
    target = (target as Record<PathKey, unknown>)[key];
  }
  if (!Array.isArray(target))
    throw new Error(`a result part appends to something not a list: ${part.path.join('.')}`);
  for (const item of part.items) target.push(item);
}
