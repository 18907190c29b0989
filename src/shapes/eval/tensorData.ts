// The values of small constant tensors (torch.arange(depth) * w_a + w_0, torch.tensor([...])), for
// code that computes a model's configuration with tensor arithmetic and reads it back with
// .tolist() (torchvision's RegNet block widths). Kept beside the tensor, by identity, never as a field
// of it: the interpreter copies and returns tensor values freely, and a copy must not carry values
// it does not have.
//
// A tensor can be changed in place (x.add_(1), x[0] = 5, x += 1, a function the analyser does not
// understand), also through a view of it. Rather than follow views, every such event ends the epoch
// in which the values were computed: values are trusted only while nothing may have written into
// any tensor since.
import type { TensorV } from './values';

export interface TensorData {
  /** The elements in order, as doubles. */
  v: number[];
  /** A floating dtype (float32, PyTorch's default); otherwise int64 or bool. */
  float: boolean;
  /**
   * Every element is exactly what PyTorch holds. False for floating results of inexact operations
   * (log, division, a float32 rounding), which are only within a small relative error of it: such
   * values decide a rounding only when far from its boundary.
   */
  exact: boolean;
  epoch: number;
}

/** Longest tensor whose values are kept: configuration vectors, not data. */
export const MAX_DATA = 4096;

const DATA = new WeakMap<TensorV, TensorData>();
let epoch = 0;

export function dataOf(t: TensorV): TensorData | null {
  const d = DATA.get(t);
  return d && d.epoch === epoch ? d : null;
}

export function setData(t: TensorV, v: number[], float: boolean, exact: boolean): TensorV {
  if (v.length <= MAX_DATA) DATA.set(t, { v, float, exact, epoch });
  return t;
}

/** Something may have written into a tensor: no value computed so far is trusted again. */
export function tensorsMayHaveChanged(): void {
  epoch++;
}
