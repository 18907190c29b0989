// torch.meshgrid(*tensors, indexing='ij'): one tensor per input, each of shape (n1, …, nN) where ni is
// input i's length (a 0-d input counts as 1); indexing='xy' swaps the first two axes.
import { type Value, unknown } from '../../eval/values';
import type { D } from '../dims';
import { T, tup } from './args';
import type { OpConfig, RawCall } from './config';

function meshgrid(c: RawCall): Value | undefined {
  const { a } = c;
  const args = a.pos.length === 1 && a.pos[0].k === 'seq' ? a.pos[0].items : a.pos;
  const ix = a.kw.get('indexing');
  // 1.13 defaults to 'ij' (and warns that a later release may not).
  const xy = ix !== undefined && ix.k === 'str' && ix.v === 'xy';
  if (ix !== undefined && !(ix.k === 'str' && (ix.v === 'ij' || ix.v === 'xy')))
    return unknown('torch.meshgrid: indexing unknown');
  const sizes: D[] = [];
  for (const t of args) {
    if (t.k === 'unknown') return t;
    if (t.k !== 'tensor' || !t.shape || t.shape.length > 1)
      return unknown('torch.meshgrid: an input that is not a 0-d or 1-d tensor of known shape');
    sizes.push(t.shape.length ? t.shape[0] : 1);
  }
  if (sizes.length === 0) return unknown('torch.meshgrid: no inputs');
  const shape = sizes.slice();
  if (xy && shape.length >= 2) [shape[0], shape[1]] = [shape[1], shape[0]];
  return tup(sizes.map(() => T(shape.slice())));
}

export const MESHGRID_OPS: OpConfig[] = [
  { kind: 'raw', names: ['torch.meshgrid', 'torch.functional.meshgrid'], call: meshgrid },
];
