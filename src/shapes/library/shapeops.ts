// Shape arithmetic shared by layers and tensor operations: flatten, view with -1, broadcasting,
// concatenation. Each returns an error message instead of a shape when PyTorch would raise.
import { type D, add as addD, dimToString, exactDiv, isNum, knownEqual, product } from './dims';
import { normDim } from './layers/rule';

export type ShapeOr = { shape: D[] } | { error: string } | { unknown: string };

const str = (s: D[]): string => `[${s.map(dimToString).join(', ')}]`;

export function flatten(shape: D[], start: number, end: number): ShapeOr {
  if (shape.length === 0) return { shape: [1] };
  const s = normDim(start, shape.length);
  const e = normDim(end, shape.length);
  if (s === null || e === null)
    return {
      error: `flatten dims (${start}, ${end}) are out of range for a ${shape.length}-d input ${str(shape)}`,
    };
  if (s > e) return { error: 'flatten() has invalid args: start_dim cannot come after end_dim' };
  return { shape: [...shape.slice(0, s), product(shape.slice(s, e + 1)), ...shape.slice(e + 1)] };
}

/** view/reshape: at most one -1, inferred from the element count; mismatches are errors. */
export function view(shape: D[], target: D[]): ShapeOr {
  const total = product(shape);
  const minus = target.filter((d) => d === -1).length;
  if (minus > 1) return { error: 'only one dimension can be inferred' };
  if (minus === 0) {
    const eq = knownEqual(product(target), total);
    if (eq === false)
      return { error: `shape '${str(target)}' is invalid for input of size ${dimToString(total)}` };
    return { shape: target };
  }
  const known = product(target.filter((d) => d !== -1));
  const inferred = exactDiv(total, known);
  if (inferred === null) {
    if (typeof total === 'number' && typeof known === 'number')
      return { error: `shape '${str(target)}' is invalid for input of size ${total}` };
    return { unknown: `cannot divide ${dimToString(total)} by ${dimToString(known)} symbolically` };
  }
  if (typeof inferred === 'number' && inferred < 0)
    return { error: `shape '${str(target)}' is invalid for input of size ${dimToString(total)}` };
  return { shape: target.map((d) => (d === -1 ? inferred : d)) };
}

export function broadcast(a: D[], b: D[]): ShapeOr {
  const n = Math.max(a.length, b.length);
  const out: D[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x === 1) out.push(y);
    else if (y === 1) out.push(x);
    else {
      const eq = knownEqual(x, y);
      if (eq === true) out.push(x);
      else if (eq === false)
        return {
          error: `The size of tensor a (${dimToString(x)}) must match the size of tensor b (${dimToString(y)}) at non-singleton dimension ${i}`,
        };
      else
        return { unknown: `cannot tell whether ${dimToString(x)} and ${dimToString(y)} broadcast` };
    }
  }
  return { shape: out };
}

export function cat(all: D[][], dim: number): ShapeOr {
  if (!all[0]) return { error: 'torch.cat(): expected a non-empty list of Tensors' };
  // PyTorch (1.13) skips 1-d tensors of size 0, whatever the others' rank (legacy rule torchaudio's
  // Emformer relies on); a 1-d tensor whose size is symbolic may be one of them.
  const shapes = all.filter((s) => !(s.length === 1 && s[0] === 0));
  const first = shapes[0];
  if (!first) return { shape: [0] };
  if (
    shapes.some((s) => s.length !== first.length) &&
    shapes.some((s) => s.length === 1 && !isNum(s[0]))
  )
    return { unknown: 'a 1-d tensor of symbolic size in torch.cat may be empty, and then skipped' };
  const d = normDim(dim, first.length);
  if (d === null)
    return {
      error: `Dimension out of range (expected to be in range of [${-first.length}, ${first.length - 1}], but got ${dim})`,
    };
  let sum: D = 0;
  for (const s of shapes) {
    if (s.length !== first.length)
      return {
        error: `Tensors must have same number of dimensions: got ${first.length} and ${s.length}`,
      };
    for (let i = 0; i < s.length; i++) {
      if (i === d) continue;
      const eq = knownEqual(s[i], first[i]);
      if (eq === false)
        return {
          error: `Sizes of tensors must match except in dimension ${d}. Expected size ${dimToString(first[i])} but got size ${dimToString(s[i])} for tensor number ${all.indexOf(s)} in the list`,
        };
      if (eq === null)
        return {
          unknown: `cannot tell whether ${dimToString(first[i])} equals ${dimToString(s[i])}`,
        };
    }
    sum = sum === 0 ? s[d] : addD(sum, s[d]);
  }
  const out = [...first];
  out[d] = sum;
  return { shape: out };
}

export function stack(shapes: D[][], dim: number): ShapeOr {
  const first = shapes[0];
  if (!first) return { error: 'stack expects a non-empty TensorList' };
  for (const s of shapes) {
    if (s.length !== first.length || s.some((x, i) => knownEqual(x, first[i]) === false))
      return {
        error: `stack expects each tensor to be equal size, but got ${str(first)} and ${str(s)}`,
      };
  }
  const d = normDim(dim, first.length + 1);
  if (d === null) return { error: `Dimension out of range (got ${dim})` };
  const out = [...first];
  out.splice(d, 0, shapes.length);
  return { shape: out };
}

/** Removes the listed (or all size-1) dimensions. */
export function squeeze(shape: D[], dims: number[] | null): ShapeOr {
  if (dims === null) {
    if (shape.some((d) => typeof d !== 'number'))
      return { unknown: 'squeeze() of a symbolic dimension' };
    return { shape: shape.filter((d) => d !== 1) };
  }
  const drop = new Set<number>();
  for (const dim of dims) {
    const d = normDim(dim, Math.max(shape.length, 1));
    if (d === null) return { error: `Dimension out of range (got ${dim})` };
    if (shape[d] === 1) drop.add(d);
    else if (typeof shape[d] !== 'number') return { unknown: 'squeeze() of a symbolic dimension' };
  }
  return { shape: shape.filter((_, i) => !drop.has(i)) };
}

export function unsqueeze(shape: D[], dim: number): ShapeOr {
  const d = normDim(dim, shape.length + 1);
  if (d === null)
    return {
      error: `Dimension out of range (expected to be in range of [${-shape.length - 1}, ${shape.length}], but got ${dim})`,
    };
  const out = [...shape];
  out.splice(d, 0, 1);
  return { shape: out };
}

export function permute(shape: D[], order: number[]): ShapeOr {
  if (order.length !== shape.length)
    return {
      error: `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${shape.length} is not equal to len(dims) = ${order.length}`,
    };
  const idx = order.map((o) => normDim(o, shape.length));
  if (idx.some((i) => i === null) || new Set(idx).size !== idx.length)
    return { error: 'permute(): dims are out of range or repeated' };
  return { shape: (idx as number[]).map((i) => shape[i]) };
}

export function transpose(shape: D[], a: number, b: number): ShapeOr {
  const x = normDim(a, shape.length);
  const y = normDim(b, shape.length);
  if (x === null || y === null)
    return { error: `Dimension out of range (got ${a}, ${b} for a ${shape.length}-d tensor)` };
  const out = [...shape];
  out[x] = shape[y];
  out[y] = shape[x];
  return { shape: out };
}

/** Reduction over dims (mean/sum/amax...): keepdim keeps size 1. */
export function reduce(shape: D[], dims: number[] | null, keepdim: boolean): ShapeOr {
  if (dims === null) return { shape: keepdim ? shape.map(() => 1) : [] };
  const set = new Set<number>();
  for (const dim of dims) {
    const d = normDim(dim, shape.length);
    if (d === null)
      return { error: `Dimension out of range (got ${dim} for a ${shape.length}-d tensor)` };
    set.add(d);
  }
  return {
    shape: keepdim
      ? shape.map((s, i) => (set.has(i) ? 1 : s))
      : shape.filter((_, i) => !set.has(i)),
  };
}

export function matmul(a: D[], b: D[]): ShapeOr {
  if (a.length === 0 || b.length === 0)
    return { error: 'both arguments to matmul need to be at least 1D' };
  const a2 = a.length === 1 ? [1, a[0]] : a;
  const b2 = b.length === 1 ? [b[0], 1] : b;
  const k1 = a2[a2.length - 1];
  const k2 = b2[b2.length - 2];
  const eq = knownEqual(k1, k2);
  if (eq === false)
    return {
      error: `mat1 and mat2 shapes cannot be multiplied (${dimToString(a2[a2.length - 2])}x${dimToString(k1)} and ${dimToString(k2)}x${dimToString(b2[b2.length - 1])})`,
    };
  const batch = broadcast(a2.slice(0, -2), b2.slice(0, -2));
  if (!('shape' in batch)) return batch;
  const out = [...batch.shape];
  if (a.length > 1) out.push(a2[a2.length - 2]);
  if (b.length > 1) out.push(b2[b2.length - 1]);
  return { shape: out };
}
