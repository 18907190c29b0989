// What an op is, in the manner of tfjs's KernelConfig: the qualified names it answers to and the
// function that maps its arguments to a value. registry.ts keys every name to its config, so the
// aliases of one operation (F.relu, torch.relu, x.relu()) are one entry.
import type { CallArgs, IndexItem } from '../../eval/calls';
import type { Evaluator } from '../../eval/evaluator';
import type { TensorV, Value } from '../../eval/values';
import type { Span } from '../../syntax/ast';

/** A call as the interpreter makes it: the receiver (a method's self) and every argument. */
export interface RawCall {
  it: Evaluator;
  /** The name after the namespace: `len` for builtins.len, `append` for seq.append. */
  name: string;
  /** The qualified name the call was made under. */
  path: string;
  self: Value | null;
  a: CallArgs;
  site: Span;
  /** The subscript of tensor.__getitem__. */
  index?: IndexItem[];
}

/** How a tensor op was reached, which decides where its input comes from and how it is labelled. */
export type Via = 'method' | 'torch' | 'functional';

/** A call of an op on a tensor: the input found already, `a` holding the arguments after it. */
export interface TensorCall {
  it: Evaluator;
  name: string;
  x: TensorV;
  a: CallArgs;
  site: Span;
  /** `Tensor.view`, `torch.cat`, `F.relu`: the name a trace row shows. */
  label: string;
  via: Via;
}

export type OpConfig =
  | { kind: 'raw'; names: readonly string[]; call(c: RawCall): Value | undefined }
  | { kind: 'tensor'; names: readonly string[]; call(c: TensorCall): Value | undefined };

/** The qualified names of a tensor op under each way of reaching it: x.name(), torch.name(), F.name(). */
export function tensorNames(names: Iterable<string>, vias: readonly Via[]): string[] {
  const out: string[] = [];
  for (const n of names) for (const v of vias) out.push(PREFIX[v] + n);
  return out;
}

export const PREFIX: Readonly<Record<Via, string>> = {
  method: 'tensor.',
  torch: 'torch.',
  functional: 'torch.nn.functional.',
};
