// Advanced indexing: `t[idx]` with an int64 tensor or a list of ints, as PyTorch does it. Ints,
// slices, None and `...` are applied first (a zero-dimensional int64 tensor counts as an int);
// the index tensors then broadcast together, and their shape takes the place of the dimensions they
// index when those are adjacent in what is left, or goes first when something separates them
// (`t[idx, :, idx2]`). A boolean or uint8 index is a mask, whose result size depends on its values:
// unknown, as is an index whose dtype is not known. Also index_select and gather, whose shapes come
// from the index's shape alone.
import type { IndexItem } from '../../eval/calls';
import type { Value } from '../../eval/values';
import { type D, isNum } from '../dims';
import * as S from '../shapeops';
import { sliceLength } from '../../eval/semantics';
import { normDim } from '../layers/rule';
import { T, U, arg, intOf } from './args';
import { type OpConfig, type TensorCall, tensorNames } from './config';

/** A dimension of the basic-indexed view: a size, or the place of an index tensor of that shape. */
type Slot = { size: D } | { index: D[] };

/** The shape of a list of ints as an index (`[[0, 1], [1, 2]]`), null when it is not one. */
function listShape(v: Value): D[] | null {
  if (v.k !== 'seq' || v.items.length === 0) return null;
  const first = v.items[0];
  if (first.k === 'seq') {
    const inner = listShape(first);
    if (!inner) return null;
    for (const item of v.items) {
      const s = listShape(item);
      if (!s || s.length !== inner.length || s.some((d, i) => d !== inner[i])) return null;
    }
    return [v.items.length, ...inner];
  }
  // A bool among the items makes the list a mask.
  return v.items.every((x) => x.k === 'num' && !x.float) ? [v.items.length] : null;
}

/** What an index item selects: a basic item (null), the shape of an index tensor, or why it is unknown. */
function indexShape(v: Value): D[] | string | null {
  if (v.k === 'tensor') {
    if (!v.shape) return v.why ?? 'index shape unknown';
    if (v.dtype === 'int64') return v.shape.length === 0 ? null : v.shape;
    if (v.dtype === 'bool' || v.dtype === 'uint8')
      return 'a boolean mask (its result size depends on its values)';
    return v.dtype
      ? `an index of dtype ${v.dtype} (PyTorch 1.13 takes int64, bool or uint8)`
      : 'an index tensor of unknown dtype (an integer index and a boolean mask give different shapes)';
  }
  if (v.k === 'seq') return listShape(v) ?? 'an index list the analyser cannot read';
  return null;
}

/** The result of `x[idx]` when idx holds an index tensor or list; undefined when it holds none. */
export function advancedIndex(s: D[], idx: IndexItem[]): Value | undefined {
  const shapes = idx.map((i) => (i.t === 'index' ? indexShape(i.v) : null));
  if (shapes.every((x) => x === null)) return undefined;
  for (const x of shapes) if (typeof x === 'string') return U(x);
  const consumed = idx.filter(
    (i) => i.t !== 'ellipsis' && !(i.t === 'index' && i.v.k === 'none'),
  ).length;
  if (consumed > s.length) return U('too many indices');
  const slots: Slot[] = [];
  let d = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    const shape = shapes[k];
    if (i.t === 'ellipsis') {
      for (const end = d + s.length - consumed; d < end; d++) slots.push({ size: s[d] });
    } else if (i.t === 'slice') {
      const size = s[d++];
      if (i.lo === undefined && i.hi === undefined && (i.step === undefined || i.step === 1))
        slots.push({ size });
      else {
        if (!isNum(size)) return U('slice of a symbolic dimension');
        const r = sliceLength(size, i);
        if (r === null) return U('slice bounds unknown');
        slots.push({ size: r });
      }
    } else if (i.v.k === 'none') slots.push({ size: 1 });
    else if (shape) {
      slots.push({ index: shape as D[] });
      d++;
    } else if ((i.v.k === 'num' && !i.v.float) || i.v.k === 'tensor') d++;
    else return U('index the analyser cannot evaluate');
  }
  while (d < s.length) slots.push({ size: s[d++] });
  let b: D[] | null = null;
  const at: number[] = [];
  for (let k = 0; k < slots.length; k++) {
    const slot = slots[k];
    if (!('index' in slot)) continue;
    at.push(k);
    if (!b) b = slot.index;
    else {
      const r = S.broadcast(b, slot.index);
      if (!('shape' in r)) return U('index tensors that do not broadcast together');
      b = r.shape;
    }
  }
  if (!b) return undefined;
  const sizes = (from: number, to: number): D[] =>
    slots.slice(from, to).flatMap((x) => ('size' in x ? [x.size] : []));
  const adjacent = at[at.length - 1] - at[0] === at.length - 1;
  return adjacent
    ? T([...sizes(0, at[0]), ...b, ...sizes(at[at.length - 1] + 1, slots.length)])
    : T([...b, ...sizes(0, slots.length)]);
}

/**
 * The index items of `x[key]` as Python hands PyTorch the key: a tuple value (`idx = (0, 1); x[idx]`)
 * is several indices, and so is a short list holding a list, a tensor, None or `...` (PyTorch
 * follows NumPy's old rule: `x[[[0, 1], [1, 2]]]` is `x[[0, 1], [1, 2]]`). `tuple` is whether the
 * subscript was written with a comma, which makes its one item a single index whatever it holds.
 */
export function keyItems(idx: IndexItem[], tuple: boolean): IndexItem[] {
  if (tuple || idx.length !== 1) return idx;
  const only = idx[0];
  if (only.t !== 'index' || only.v.k !== 'seq') return idx;
  const v = only.v;
  const several =
    v.kind === 'tuple' ||
    (v.items.length < 32 &&
      v.items.some((x) => x.k === 'seq' || x.k === 'tensor' || x.k === 'none' || isEllipsis(x)));
  if (!several) return idx;
  return v.items.map((x): IndexItem => (isEllipsis(x) ? { t: 'ellipsis' } : { t: 'index', v: x }));
}

const isEllipsis = (v: Value): boolean => v.k === 'ext' && v.path === 'Ellipsis' && !v.self;

/** `x.index_select(dim, index)`: the dimension takes the length of a 1-D (or 0-D) index. */
function indexSelectOp(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  if (!s) return U(x.why ?? 'shape unknown');
  const d = intOf(arg(a, 0, 'dim'));
  const index = arg(a, 1, 'index');
  const nd = d === null ? null : normDim(d, s.length);
  if (nd === null) return U('dim unknown');
  if (!index || index.k !== 'tensor' || !index.shape) return U('index unknown');
  if (index.shape.length > 1) return U('index_select with an index of more than one dimension');
  const out = [...s];
  out[nd] = index.shape.length === 0 ? 1 : index.shape[0];
  return T(out);
}

/** `x.gather(dim, index)`: the index's shape, where its rank is the input's as PyTorch requires. */
function gatherOp(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  const index = arg(a, 1, 'index');
  if (!s) return U(x.why ?? 'shape unknown');
  const d = intOf(arg(a, 0, 'dim'));
  const nd = d === null ? null : normDim(d, s.length);
  if (nd === null) return U('dim unknown');
  if (!index || index.k !== 'tensor' || !index.shape) return U('index unknown');
  const is = index.shape;
  if (is.length !== s.length) return U('gather with an index of another rank');
  // Elsewhere than along dim the index may not be longer than the input (PyTorch raises).
  for (let k = 0; k < s.length; k++) {
    const [i, n] = [is[k], s[k]];
    if (k !== nd && !(isNum(i) && isNum(n) && i <= n))
      return U('gather index larger than its input');
  }
  return T(is);
}

export const INDEX_OPS: OpConfig[] = [
  {
    kind: 'tensor',
    names: tensorNames(['index_select'], ['method', 'torch']),
    call: indexSelectOp,
  },
  { kind: 'tensor', names: tensorNames(['gather'], ['method', 'torch']), call: gatherOp },
];
