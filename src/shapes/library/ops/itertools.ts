// itertools as library helpers use it to build tuples (torch's and timm's _ntuple:
// `tuple(repeat(x, n))`). An iterator is held as the list of what it yields, as zip() is.
import { MAX_ITERATIONS, allocate } from '../../eval/budget';
import { type Value, unknown } from '../../eval/values';
import { arg, intOf } from './args';
import type { OpConfig, RawCall } from './config';

function repeatFn({ a }: RawCall): Value | undefined {
  const x = arg(a, 0, 'object');
  const times = arg(a, 1, 'times');
  if (!x) return unknown('itertools.repeat() of nothing');
  // Without a count it never ends: nothing the analyser can hold.
  const count = times ? intOf(times) : null;
  if (count === null)
    return unknown('itertools.repeat() without a count the analyser can evaluate');
  if (count > MAX_ITERATIONS) return unknown(`itertools.repeat() of ${count} items`);
  const over = allocate(Math.max(0, count), 'itertools.repeat()');
  if (over) return unknown(over);
  return { k: 'seq', kind: 'list', items: Array.from({ length: Math.max(0, count) }, () => x) };
}

export const ITERTOOLS_OPS: OpConfig[] = [
  { kind: 'raw', names: ['itertools.repeat'], call: repeatFn },
];
