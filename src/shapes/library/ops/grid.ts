// Coordinate grids and sampling: torch.meshgrid, F.grid_sample and F.unfold (RAFT's correlation
// lookup and its convex upsampling). Shapes as PyTorch 1.13 gives them; anything not evaluated is
// unknown.
import { iterate } from '../../eval/semantics';
import { type Value, unknown } from '../../eval/values';
import { type D, isNum, mul, product } from '../dims';
import { convOut } from '../formulas';
import { T, U, arg, intList } from './args';
import { type OpConfig, type RawCall, type TensorCall, tensorNames } from './config';

/** meshgrid(*tensors, indexing='ij'): N tensors of shape (n1, …, nN); 'xy' swaps the first two. */
function meshgrid(c: RawCall): Value | undefined {
  const { a } = c;
  const one = a.pos.length === 1 ? a.pos[0] : undefined;
  const ins = one && one.k === 'seq' ? iterate(one) : a.pos;
  const why = 'torch.meshgrid() of tensors the analyser cannot enumerate';
  if (!ins || ins.length === 0) return unknown(why);
  const sizes: D[] = [];
  for (const t of ins) {
    if (t.k !== 'tensor' || !t.shape || t.shape.length > 1) return unknown(why);
    // A 0-d tensor counts as one element.
    sizes.push(t.shape.length ? t.shape[0] : 1);
  }
  const ix = a.kw.get('indexing');
  if (ix && ix.k !== 'str') return unknown('torch.meshgrid() indexing unknown');
  const out = [...sizes];
  if (ix?.k === 'str' && ix.v === 'xy' && out.length >= 2) [out[0], out[1]] = [out[1], out[0]];
  return { k: 'seq', kind: 'tuple', items: sizes.map(() => T([...out])) };
}

/** grid_sample(input (N, C, *in), grid (N, *out, k)) → (N, C, *out). */
function gridSample(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const g = arg(a, 0, 'grid');
  const s = x.shape;
  if (!s || !g || g.k !== 'tensor' || !g.shape) return U('F.grid_sample() shapes unknown');
  const gs = g.shape;
  if ((s.length !== 4 && s.length !== 5) || gs.length !== s.length)
    return U('F.grid_sample() takes a 4-d or 5-d input and a grid of the same rank');
  // PyTorch raises on a batch mismatch; unknown here rather than a guessed size.
  if (isNum(s[0]) && isNum(gs[0]) && s[0] !== gs[0])
    return U('F.grid_sample() input and grid batch sizes differ');
  return T([s[0], s[1], ...gs.slice(1, -1)]);
}

/** unfold(input (N, C, H, W) or (C, H, W), kernel_size, dilation, padding, stride) → (N, C·∏k, L). */
function unfold(c: TensorCall): Value | undefined {
  const { x, a } = c;
  const s = x.shape;
  if (!s || (s.length !== 3 && s.length !== 4)) return U('F.unfold() takes a 3-d or 4-d input');
  const pair = (v: Value | undefined, dflt: number): number[] | null => {
    const l = v === undefined ? [dflt] : intList(v);
    return l && (l.length === 1 || l.length === 2) ? (l.length === 1 ? [l[0], l[0]] : l) : null;
  };
  const k = pair(arg(a, 0, 'kernel_size'), NaN);
  const dl = pair(arg(a, 1, 'dilation'), 1);
  const p = pair(arg(a, 2, 'padding'), 0);
  const st = pair(arg(a, 3, 'stride'), 1);
  if (!k || k.some(Number.isNaN) || !dl || !p || !st) return U('F.unfold() arguments unknown');
  const hw = s.slice(-2);
  const blocks: D[] = [];
  for (let i = 0; i < 2; i++) {
    const o = convOut('', hw[i], k[i], st[i], p[i], dl[i]).out;
    if (o === null || (isNum(o) && o < 1)) return U('F.unfold() blocks unknown');
    blocks.push(o);
  }
  const ch = mul(s[s.length - 3], k[0] * k[1]);
  const L = product(blocks);
  return T(s.length === 4 ? [s[0], ch, L] : [ch, L]);
}

export const GRID_OPS: readonly OpConfig[] = [
  { kind: 'raw', names: ['torch.meshgrid'], call: meshgrid },
  { kind: 'tensor', names: tensorNames(['grid_sample'], ['functional']), call: gridSample },
  { kind: 'tensor', names: tensorNames(['unfold'], ['functional']), call: unfold },
];
