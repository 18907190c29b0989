// torch.nn.utils.rnn: pack_padded_sequence, pad_packed_sequence, pack_sequence, pad_sequence
// (Tacotron2's encoder packs its padded batch for the LSTM). A packed batch holds sum(lengths) rows and
// pads back to max(lengths) steps, so its sizes come from the lengths' values: known only when the
// lengths are constants the analyser holds, and otherwise the result is unknown, never guessed.
import { truthy } from '../../eval/semantics';
import { dataOf, setData } from '../../eval/tensorData';
import { type TensorV, type Value, unknown } from '../../eval/values';
import { type D, isNum, knownEqual } from '../dims';
import { makePacked, packedParts } from '../packedSequence';
import { T, U, arg, intOf, tup } from './args';
import type { OpConfig, RawCall } from './config';

const NS = 'torch.nn.utils.rnn.';

/** Integer values of a list of ints or of a tensor whose elements are known exactly. */
function intValues(v: Value | undefined): number[] | null {
  if (!v) return null;
  if (v.k === 'seq') {
    const out = v.items.map(intOf);
    return out.some((x) => x === null) ? null : (out as number[]);
  }
  if (v.k !== 'tensor' || !v.shape || v.shape.length !== 1) return null;
  const d = dataOf(v);
  if (!d || d.float || !d.exact || d.v.some((x) => !Number.isInteger(x))) return null;
  return d.v;
}

const flag = (v: Value | undefined, dflt: boolean): boolean | null =>
  v === undefined ? dflt : truthy(v);

const sortedDesc = (l: readonly number[]): boolean => l.every((x, i) => i === 0 || l[i - 1] >= x);

/** batch_sizes[t]: how many sequences are longer than t, as PyTorch stores it (int64). */
function batchSizes(lengths: readonly number[]): TensorV {
  const tmax = Math.max(...lengths);
  const v = Array.from({ length: tmax }, (_, t) => lengths.filter((l) => l > t).length);
  return setData(T([tmax]), v, false, true);
}

/** What PyTorch returns as sorted_indices/unsorted_indices: None when the input was sorted already. */
const indices = (enforce: boolean, batch: number): Value => (enforce ? { k: 'none' } : T([batch]));

function packPadded(c: RawCall): Value | undefined {
  const { a } = c;
  const x = arg(a, 0, 'input');
  const lengths = intValues(arg(a, 1, 'lengths'));
  const bf = flag(arg(a, 2, 'batch_first'), false);
  const enforce = flag(arg(a, 3, 'enforce_sorted'), true);
  if (!x || x.k !== 'tensor' || !x.shape) return U('pack_padded_sequence() of an unknown shape');
  if (bf === null || enforce === null) return U('pack_padded_sequence() arguments unknown');
  const s = x.shape;
  if (s.length < 2) return U('pack_padded_sequence() of a tensor of fewer than 2 dimensions');
  if (!lengths) return U("pack_padded_sequence(): the lengths' values are unknown");
  const steps = bf ? s[1] : s[0];
  const batch = bf ? s[0] : s[1];
  // PyTorch raises for most of these, and for a length past the input gives no sum of the lengths
  // (it does not check): the analyser states nothing rather than a number.
  if (
    lengths.length === 0 ||
    knownEqual(batch, lengths.length) !== true ||
    lengths.some((l) => l <= 0 || (isNum(steps) && l > steps)) ||
    (enforce && !sortedDesc(lengths))
  )
    return U('pack_padded_sequence(): lengths that do not fit this input');
  const total = lengths.reduce((p, q) => p + q, 0);
  const data = T([total, ...s.slice(2)]);
  return makePacked(
    data,
    batchSizes(lengths),
    indices(enforce, lengths.length),
    indices(enforce, lengths.length),
    lengths.length,
  );
}

function padPacked(c: RawCall): Value | undefined {
  const { a } = c;
  const p = packedParts(arg(a, 0, 'sequence'));
  const bf = flag(arg(a, 1, 'batch_first'), false);
  if (!p || bf === null) return unknown('pad_packed_sequence() of a sequence the analyser lost');
  const s = p.data.shape;
  const steps = p.batchSizes.shape?.[0];
  if (!s || steps === undefined) return unknown('pad_packed_sequence() sizes unknown');
  const tl = arg(a, 3, 'total_length');
  let t: D = steps;
  if (tl && tl.k !== 'none') {
    const n = intOf(tl);
    // PyTorch raises when total_length is below the longest sequence.
    if (n === null || !isNum(steps) || n < steps)
      return unknown('pad_packed_sequence() total_length unknown or too short');
    t = n;
  }
  const padded = T(bf ? [p.batch, t, ...s.slice(1)] : [t, p.batch, ...s.slice(1)]);
  const lens = T([p.batch]);
  const bs = dataOf(p.batchSizes);
  // The lengths back from batch_sizes, in the original order only when it was sorted already.
  if (bs && p.sorted.k === 'none' && isNum(p.batch)) {
    const lv = Array.from({ length: p.batch }, (_, b) => bs.v.filter((n) => n > b).length);
    setData(lens, lv, false, true);
  }
  return tup([padded, lens]);
}

/** The lengths and trailing sizes of a list of tensors [L_i, *], when all are known. */
function sequences(v: Value | undefined): { lengths: number[]; rest: D[] } | null {
  if (!v || v.k !== 'seq' || v.items.length === 0) return null;
  const lengths: number[] = [];
  let rest: D[] | null = null;
  for (const t of v.items) {
    if (t.k !== 'tensor' || !t.shape || t.shape.length === 0 || !isNum(t.shape[0])) return null;
    const r = t.shape.slice(1);
    if (rest === null) rest = r;
    else if (r.length !== rest.length || r.some((d, i) => knownEqual(d, (rest as D[])[i]) !== true))
      return null;
    lengths.push(t.shape[0]);
  }
  return rest === null ? null : { lengths, rest };
}

function packSequence(c: RawCall): Value | undefined {
  const { a } = c;
  const seqs = sequences(arg(a, 0, 'sequences'));
  const enforce = flag(arg(a, 1, 'enforce_sorted'), true);
  if (!seqs || enforce === null) return U('pack_sequence() of sequences the analyser cannot size');
  const { lengths, rest } = seqs;
  if (lengths.some((l) => l <= 0) || (enforce && !sortedDesc(lengths)))
    return U('pack_sequence(): lengths PyTorch refuses');
  const total = lengths.reduce((p, q) => p + q, 0);
  const b = lengths.length;
  return makePacked(
    T([total, ...rest]),
    batchSizes(lengths),
    indices(enforce, b),
    indices(enforce, b),
    b,
  );
}

function padSequence(c: RawCall): Value | undefined {
  const { a } = c;
  const seqs = sequences(arg(a, 0, 'sequences'));
  const bf = flag(arg(a, 1, 'batch_first'), false);
  if (!seqs || bf === null) return U('pad_sequence() of sequences the analyser cannot size');
  const t = Math.max(...seqs.lengths);
  const b = seqs.lengths.length;
  return T(bf ? [b, t, ...seqs.rest] : [t, b, ...seqs.rest]);
}

export const PACKED_OPS: readonly OpConfig[] = [
  { kind: 'raw', names: [NS + 'pack_padded_sequence'], call: packPadded },
  { kind: 'raw', names: [NS + 'pad_packed_sequence'], call: padPacked },
  { kind: 'raw', names: [NS + 'pack_sequence'], call: packSequence },
  { kind: 'raw', names: [NS + 'pad_sequence'], call: padSequence },
];
