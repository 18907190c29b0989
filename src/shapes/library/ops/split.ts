// torch.tensor_split and x.tensor_split (MViT splits off its class token with it). Unlike split() and
// chunk(), the pieces are PyTorch's slices x[prev:idx] for a list of indices (so they may be empty
// and indices may be negative or past the end), or n sections whose first L % n are one longer.
import { allocate } from '../../eval/budget';
import { type Value, unknown } from '../../eval/values';
import { isNum } from '../dims';
import { normDim } from '../layers/rule';
import { T, arg, intOf, n, tup } from './args';
import { type OpConfig, type TensorCall, tensorNames } from './config';

/** Python's clamping of a slice bound into [0, size]. */
function clampBound(i: number, size: number): number {
  const j = i < 0 ? i + size : i;
  return Math.min(Math.max(j, 0), size);
}

function tensorSplitOp(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  if (!s) return unknown(x.why ?? 'tensor_split() of a tensor of unknown shape');
  // torch 1.13's overloads name the second argument `sections`, `indices` or
  // `tensor_indices_or_sections` (a tensor, whose values are not known here).
  const how = a.pos[0] ?? a.kw.get('sections') ?? a.kw.get('indices');
  const d = intOf(arg(a, 1, 'dim') ?? n(0));
  const nd = d === null ? null : normDim(d, s.length);
  if (!how || nd === null) return unknown('tensor_split() sections or dim unknown');
  const size = s[nd];
  if (!isNum(size)) return unknown('tensor_split() of a symbolic dimension');
  let lengths: number[];
  if (how.k === 'seq') {
    const idx = how.items.map(intOf);
    if (idx.some((i) => i === null)) return unknown('tensor_split() indices unknown');
    const over = allocate(idx.length + 1, 'tensor_split()');
    if (over) return unknown(over);
    const bounds = [0, ...(idx as number[]).map((i) => clampBound(i, size)), size];
    lengths = [];
    for (let k = 1; k < bounds.length; k++) lengths.push(Math.max(0, bounds[k] - bounds[k - 1]));
  } else {
    const k = intOf(how);
    if (k === null || how.k !== 'num' || how.float)
      return unknown('tensor_split() sections unknown');
    // PyTorch raises for k < 1; left unknown rather than guessed.
    if (k < 1) return unknown('tensor_split() with fewer than one section');
    const over = allocate(k, 'tensor_split()');
    if (over) return unknown(over);
    const base = Math.floor(size / k);
    const extra = size % k;
    lengths = Array.from({ length: k }, (_, i) => base + (i < extra ? 1 : 0));
  }
  return tup(
    lengths.map((len) => {
      const sh = [...s];
      sh[nd] = len;
      return T(sh);
    }),
  );
}

export const SPLIT_OPS: readonly OpConfig[] = [
  {
    kind: 'tensor',
    names: tensorNames(['tensor_split'], ['method', 'torch']),
    call: tensorSplitOp,
  },
];
