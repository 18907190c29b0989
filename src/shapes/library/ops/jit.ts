// torch.jit.isinstance(x, T): TorchScript's isinstance, which also takes typing's generic forms
// (torchtext's RobertaEncoder: `if torch.jit.isinstance(output, List[Tensor])`). The interpreter
// keeps a subscripted generic as its origin with `[...]` (`typing.List[...]`), its arguments dropped,
// so only what the origin decides is answered: a tensor is no list, a list no tensor. Anything else
// (a list's item types) is unknown.
import { type Value, unknown } from '../../eval/values';
import type { OpConfig, RawCall } from './config';

/** The kinds of value each generic's origin admits. */
const ORIGINS: Readonly<Record<string, readonly Value['k'][]>> = {
  List: ['seq'],
  Tuple: ['seq'],
  Sequence: ['seq'],
  Dict: ['dict'],
};

function jitIsinstance(c: RawCall): Value | undefined {
  const [v, t] = c.a.pos;
  const why = 'torch.jit.isinstance() of a value or type the analyser cannot classify';
  if (!v || !t || t.k !== 'ext' || v.k === 'unknown') return unknown(why);
  if (t.path === 'torch.Tensor') {
    if (v.k === 'tensor') return { k: 'bool', v: true };
    return v.k === 'seq' || v.k === 'dict' || v.k === 'none'
      ? { k: 'bool', v: false }
      : unknown(why);
  }
  const g = /^typing\.(\w+)\[\.\.\.\]$/.exec(t.path);
  const kinds = g ? ORIGINS[g[1]] : undefined;
  if (!kinds) return unknown(why);
  // A tensor, a number or None is never a container; which items a container holds is not asked.
  if (v.k === 'tensor' || v.k === 'num' || v.k === 'none' || v.k === 'bool')
    return { k: 'bool', v: false };
  if (!kinds.includes(v.k))
    return v.k === 'seq' || v.k === 'dict' ? { k: 'bool', v: false } : unknown(why);
  return unknown(why);
}

export const JIT_OPS: readonly OpConfig[] = [
  { kind: 'raw', names: ['torch.jit.isinstance'], call: jitIsinstance },
];
