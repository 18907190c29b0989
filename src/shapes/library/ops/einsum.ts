// torch.einsum: the output shape from the equation string, read as PyTorch 1.13's parser reads it
// (spaces ignored, `...` for broadcast dimensions, a label repeated in one operand taking the
// diagonal, an implicit output of the ellipsis then the labels seen once in ASCII order), with its
// error messages where the sizes cannot agree. MaxViT's and HDemucs's attention are written this way.
import type { Value } from '../../eval/values';
import { type D, dimToString, isNum, knownEqual } from '../dims';
import type { ShapeOr } from '../shapeops';
import { U, fromShapeOr, record } from './args';
import type { OpConfig, RawCall } from './config';

interface Operand {
  labels: string[];
  /** Where `...` stands among the labels (the index of the label after it), or -1. */
  ell: number;
}

type Parsed = { ops: Operand[]; out: Operand | null } | { error: string } | { unknown: string };

const isLabel = (c: string): boolean => /^[a-zA-Z]$/.test(c);
const invalid = (i: number): { error: string } => ({
  error: `einsum(): invalid subscript given at index ${i} in the equation string, subscripts must be in [a-zA-Z]`,
});

function parse(eq: string, count: number): Parsed {
  const arrow = eq.indexOf('->');
  const lhsEnd = arrow < 0 ? eq.length : arrow;
  const ops: Operand[] = [{ labels: [], ell: -1 }];
  for (let i = 0; i < lhsEnd; i++) {
    const c = eq[i];
    const cur = ops[ops.length - 1];
    if (c === ' ') continue;
    if (c === ',') {
      if (ops.length === count)
        return { error: 'einsum(): fewer operands were provided than specified in the equation' };
      ops.push({ labels: [], ell: -1 });
    } else if (c === '.') {
      const k = ops.length - 1;
      if (cur.ell >= 0)
        return {
          error: `einsum(): found '.' for operand ${k} for which an ellipsis was already found`,
        };
      if (eq[i + 1] !== '.' || eq[i + 2] !== '.' || i + 2 >= lhsEnd)
        return { error: `einsum(): found '.' for operand ${k} that is not part of any ellipsis` };
      cur.ell = cur.labels.length;
      i += 2;
    } else if (isLabel(c)) cur.labels.push(c);
    else return invalid(i);
  }
  if (ops.length < count)
    return { error: 'einsum(): more operands were provided than specified in the equation' };
  if (arrow < 0) return { ops, out: null };
  const out: Operand = { labels: [], ell: -1 };
  for (let i = arrow + 2; i < eq.length; i++) {
    const c = eq[i];
    if (c === ' ') continue;
    if (c === '.') {
      // PyTorch's messages for a malformed ellipsis in the output are not checked here.
      if (out.ell >= 0 || eq.slice(i, i + 3) !== '...') return { unknown: 'einsum() output `...`' };
      out.ell = out.labels.length;
      i += 2;
    } else if (isLabel(c)) {
      if (out.labels.includes(c))
        return { error: `einsum(): output subscript ${c} appears more than once in the output` };
      if (!ops.some((o) => o.labels.includes(c)))
        return {
          error: `einsum(): output subscript ${c} does not appear in the equation for any input operand`,
        };
      out.labels.push(c);
    } else return invalid(i);
  }
  return { ops, out };
}

/** The result of an einsum: its shape and its multiply-adds (null where not counted). */
type EinsumResult = { shape: D[]; macs: number | null } | { error: string } | { unknown: string };

/**
 * The shape of torch.einsum(eq, *operands). Multiply-adds for two operands follow how PyTorch
 * computes it: labels in one operand only and not in the output are summed out first, then one
 * batched product over the labels of the output and those the two share (matmul's m·n·k). One
 * operand multiplies nothing; for three or more the order of the pairwise products decides the count,
 * so it is left uncounted.
 */
function einsumShape(eq: string, shapes: readonly D[][]): EinsumResult {
  const p = parse(eq, shapes.length);
  if (!('ops' in p)) return p;
  const size = new Map<string, D>();
  let ellRank = 0;
  for (let k = 0; k < p.ops.length; k++) {
    const o = p.ops[k];
    const nd = shapes[k].length;
    const l = o.labels.length;
    if (o.ell < 0 && l !== nd)
      return {
        error: `einsum(): the number of subscripts in the equation (${l}) does not match the number of dimensions (${nd}) for operand ${k} and no ellipsis was given`,
      };
    if (o.ell >= 0 && l > nd)
      return {
        error: `einsum(): the number of subscripts in the equation (${l}) is more than the number of dimensions (${nd}) for operand ${k}`,
      };
    if (o.ell >= 0) ellRank = Math.max(ellRank, nd - l);
  }
  const ellDims: D[] = Array<D>(ellRank).fill(1);
  for (let k = 0; k < p.ops.length; k++) {
    const o = p.ops[k];
    const s = shapes[k];
    const ellN = o.ell < 0 ? 0 : s.length - o.labels.length;
    const seen = new Map<string, D>();
    for (let j = 0; j < o.labels.length; j++) {
      const c = o.labels[j];
      const d = s[o.ell >= 0 && j >= o.ell ? j + ellN : j];
      const before = seen.get(c);
      if (before !== undefined) {
        const eq2 = knownEqual(before, d);
        if (eq2 === false)
          return {
            error: `einsum(): subscript ${c} is repeated for operand ${k} but the sizes don't match, ${dimToString(d)} != ${dimToString(before)}`,
          };
        if (eq2 === null)
          return { unknown: `einsum(): cannot tell whether subscript ${c} sizes match` };
        continue;
      }
      seen.set(c, d);
      const prev = size.get(c);
      if (prev === undefined || prev === 1) size.set(c, d);
      else if (d !== 1) {
        const same = knownEqual(prev, d);
        if (same === false)
          return {
            error: `einsum(): subscript ${c} has size ${dimToString(d)} for operand ${k} which does not broadcast with previously seen size ${dimToString(prev)}`,
          };
        if (same === null)
          return { unknown: `einsum(): cannot tell whether subscript ${c} sizes broadcast` };
      }
    }
    for (let j = 0; j < ellN; j++) {
      const at = ellRank - ellN + j;
      const d = s[o.ell + j];
      const prev = ellDims[at];
      if (prev === 1) ellDims[at] = d;
      else if (d !== 1) {
        const same = knownEqual(prev, d);
        if (same === false)
          return {
            error: `einsum(): dimension ${at} covered by ellipsis in operand ${k}has size ${dimToString(d)} which does not broadcast with previously seen ellipsis with size ${dimToString(prev)} for the respective dimension`,
          };
        if (same === null)
          return { unknown: 'einsum(): cannot tell whether `...` sizes broadcast' };
      }
    }
  }
  const out = p.out ?? implicitOutput(p.ops);
  const labelSize = (c: string): D => size.get(c) as D;
  const shape: D[] = out.labels.map(labelSize);
  if (out.ell >= 0) shape.splice(out.ell, 0, ...ellDims);
  return { shape, macs: countMacs(p.ops, out, labelSize, ellDims) };
}

function implicitOutput(ops: readonly Operand[]): Operand {
  const n = new Map<string, number>();
  for (const o of ops) for (const c of o.labels) n.set(c, (n.get(c) ?? 0) + 1);
  const once = [...n].filter(([, k]) => k === 1).map(([c]) => c);
  return { labels: once.sort(), ell: ops.some((o) => o.ell >= 0) ? 0 : -1 };
}

function countMacs(
  ops: readonly Operand[],
  out: Operand,
  size: (c: string) => D,
  ellDims: readonly D[],
): number | null {
  if (ops.length === 1) return 0;
  if (ops.length > 2) return null;
  const [a, b] = ops;
  const kept = new Set(out.labels);
  for (const c of a.labels) if (b.labels.includes(c)) kept.add(c);
  const dims: D[] = [...kept].map(size);
  if (out.ell >= 0 || (a.ell >= 0 && b.ell >= 0)) dims.push(...ellDims);
  let m = 1;
  for (const d of dims) {
    if (!isNum(d)) return null;
    m *= d;
  }
  return m;
}

function einsumOp(c: RawCall): Value | undefined {
  const { it, a, site } = c;
  const label = 'torch.einsum';
  const eq = a.pos[0];
  // einsum(eq, a, b) or einsum(eq, [a, b]); the sublist form einsum(a, [0, 1], b, [1, 2]) is not read.
  const rest = a.pos.slice(1);
  const operands = rest.length === 1 && rest[0].k === 'seq' ? rest[0].items : rest;
  const first = operands.find((v) => v.k === 'tensor');
  if (!eq || eq.k !== 'str' || a.kw.size > 0) {
    const why = U('torch.einsum() with an equation the analyser cannot read');
    return first?.k === 'tensor' ? record(it, label, first, operands, why, site) : why;
  }
  if (!first || first.k !== 'tensor') return U('torch.einsum() without a tensor operand');
  const shapes: D[][] = [];
  for (const v of operands) {
    if (v.k !== 'tensor' || !v.shape)
      return record(
        it,
        label,
        first,
        operands,
        U('torch.einsum() of a tensor of unknown shape'),
        site,
      );
    shapes.push(v.shape);
  }
  const r = einsumShape(eq.v, shapes);
  const shapeOr: ShapeOr = 'shape' in r ? { shape: r.shape } : r;
  const out = fromShapeOr(it, shapeOr, label, site, 'einsum-mismatch');
  const macs = 'shape' in r ? r.macs : null;
  return record(it, label, first, operands, out, site, true, undefined, macs);
}

export const EINSUM_OPS: readonly OpConfig[] = [
  { kind: 'raw', names: ['torch.einsum', 'torch.functional.einsum'], call: einsumOp },
];
