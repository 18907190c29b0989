// F.conv1d/2d/3d and F.conv_transpose1d/2d/3d: the layer rule of the same convolution, its channels
// and kernel read from the weight's shape as PyTorch reads them, applied once.
import { noArgs } from '../../eval/calls';
import { type Value, unknown } from '../../eval/values';
import { isNum } from '../dims';
import { LAYERS } from '../layers';
import { U, arg, intOf, n, record, tup } from './args';
import type { TensorCall } from './config';

// torch.nn.functional's signatures after (input, weight, bias): conv_transpose puts output_padding
// and groups before dilation.
const CONV_AFTER_BIAS = ['stride', 'padding', 'dilation', 'groups'] as const;
const CONV_T_AFTER_BIAS = ['stride', 'padding', 'output_padding', 'groups', 'dilation'] as const;

function convFunctional(c: TensorCall, dims: 1 | 2 | 3, transposed: boolean): Value | undefined {
  const { it, x, a, site, label } = c;
  const rule = LAYERS.get(`${transposed ? 'ConvTranspose' : 'Conv'}${dims}d`);
  if (!rule) return undefined;
  const w = arg(a, 0, 'weight');
  const why = `${label}: the weight's shape is unknown`;
  if (!w || w.k !== 'tensor' || !w.shape)
    return record(it, label, x, [x], U(w && w.k === 'tensor' && w.why ? w.why : why), site);
  const ws = w.shape;
  if (ws.length !== dims + 2 || !ws.every(isNum))
    return record(
      it,
      label,
      x,
      [x],
      U(`${label}: a weight of ${dims + 2} known sizes is needed`),
      site,
    );
  const b = arg(a, 1, 'bias');
  const kw = new Map<string, Value>();
  const names = transposed ? CONV_T_AFTER_BIAS : CONV_AFTER_BIAS;
  for (let i = 0; i < names.length; i++) {
    const v = arg(a, 2 + i, names[i]);
    if (v) kw.set(names[i], v);
  }
  // A bias of unknown kind does not change the shape; only the (unshown) leaf's own count reads it.
  kw.set('bias', { k: 'bool', v: b !== undefined && b.k !== 'none' });
  // Channels come from the weight: (out, in / groups, *k), transposed (in, out / groups, *k).
  const gv = kw.get('groups');
  const g = gv === undefined ? 1 : intOf(gv);
  const perGroup = g === null ? unknown(`${label}: groups unknown`) : n((ws[1] as number) * g);
  const [cin, cout] = transposed ? [n(ws[0]), perGroup] : [perGroup, n(ws[0])];
  const mv = it.buildLeaf(rule, noArgs([cin, cout, tup(ws.slice(2).map(n))], kw), site);
  if (mv.k !== 'module') return undefined;
  return it.applyLeaf(mv.m, noArgs([x]), site, label);
}

export const CONV_FUNCTIONAL: [string[], (c: TensorCall) => Value | undefined][] = [
  [['conv1d'], (c) => convFunctional(c, 1, false)],
  [['conv2d'], (c) => convFunctional(c, 2, false)],
  [['conv3d'], (c) => convFunctional(c, 3, false)],
  [['conv_transpose1d'], (c) => convFunctional(c, 1, true)],
  [['conv_transpose2d'], (c) => convFunctional(c, 2, true)],
  [['conv_transpose3d'], (c) => convFunctional(c, 3, true)],
];
