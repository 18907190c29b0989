// A PackedSequence as the interpreter holds it: the namedtuple PyTorch's is (data, batch_sizes,
// sorted_indices, unsorted_indices), so indexing, unpacking and `.data` read it as Python does, marked
// with its number of sequences. A tuple built from its items is a plain tuple, which a recurrent layer
// then does not take as packed (unknown, never wrong).
import type { NamedTuple } from '../eval/calls';
import type { TensorV, Value } from '../eval/values';
import type { D } from './dims';

export function makePacked(
  data: TensorV,
  batchSizes: TensorV,
  sorted: Value,
  unsorted: Value,
  batch: D,
): Value {
  const v: NamedTuple = {
    k: 'seq',
    kind: 'tuple',
    items: [data, batchSizes, sorted, unsorted],
    fields: ['data', 'batch_sizes', 'sorted_indices', 'unsorted_indices'],
    packed: { batch },
  };
  return v;
}

/** The parts of a PackedSequence, or null for any other value. */
export function packedParts(
  v: Value | undefined,
): { data: TensorV; batchSizes: TensorV; sorted: Value; unsorted: Value; batch: D } | null {
  if (!v || v.k !== 'seq') return null;
  const p = (v as NamedTuple).packed;
  const [data, batchSizes, sorted, unsorted] = v.items;
  if (!p || v.items.length !== 4 || data?.k !== 'tensor' || batchSizes?.k !== 'tensor') return null;
  return { data, batchSizes, sorted, unsorted, batch: p.batch };
}
