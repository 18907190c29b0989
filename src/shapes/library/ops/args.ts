// Reading a call's arguments and building results, shared by the op families.
import type { CallArgs } from '../../eval/calls';
import type { Evaluator } from '../../eval/evaluator';
import { isSane, numOf, saneValue } from '../../eval/semantics';
import type { TensorV, Value } from '../../eval/values';
import type { Span } from '../../syntax/ast';
import type { LayerConfig } from '../../types';
import { type D, isNum, product } from '../dims';
import type * as S from '../shapeops';

export const numelOf = (s: D[]): number | null => (s.every(isNum) ? (product(s) as number) : null);
export const T = (shape: D[]): TensorV => ({ k: 'tensor', shape });
export const U = (why: string): TensorV => ({ k: 'tensor', shape: null, why });
export const tup = (items: Value[]): Value => ({ k: 'seq', kind: 'tuple', items });
export const n = (v: D): Value => ({ k: 'num', v });

export function arg(a: CallArgs, i: number, name: string): Value | undefined {
  return a.pos[i] ?? a.kw.get(name);
}

export function intOf(v: Value | undefined): number | null {
  if (!v) return null;
  const x = numOf(v);
  return x !== null && isNum(x) && Number.isInteger(x) ? x : null;
}

function dimOf(v: Value | undefined): D | null {
  if (!v || v.k !== 'num' || v.float) return null;
  return v.v;
}

/** A size given as varargs (x.view(a, b)) or as one tuple (x.view((a, b))). */
export function sizeArgs(vals: Value[]): D[] | null {
  const list = vals.length === 1 && vals[0].k === 'seq' ? vals[0].items : vals;
  const out: D[] = [];
  for (const v of list) {
    const d = dimOf(v);
    if (d === null) return null;
    out.push(d);
  }
  return out;
}

export function intList(v: Value | undefined): number[] | null {
  if (!v) return null;
  if (v.k === 'seq') {
    const out = v.items.map(intOf);
    return out.some((x) => x === null) ? null : (out as number[]);
  }
  const i = intOf(v);
  return i === null ? null : [i];
}

export function fromShapeOr(
  it: Evaluator,
  r: S.ShapeOr,
  what: string,
  site: Span,
  code: string,
  fix?: { span: Span; value: number; title: string },
  hint = '',
): TensorV {
  if ('shape' in r) return T(r.shape);
  if ('error' in r) {
    it.diag(
      code,
      'error',
      `${what}: ${r.error}. PyTorch raises a RuntimeError here.${hint}`,
      site,
      fix,
    );
    return U(`${what}: ${r.error}`);
  }
  return U(r.unknown);
}

/** A trace row for a torch function call (`show` false: computed but not a row of its own). */
export function record(
  it: Evaluator,
  name: string,
  x: TensorV,
  inputs: Value[],
  out0: Value,
  site: Span,
  show = true,
  config?: LayerConfig,
  macs: number | null = null,
): Value {
  const out = isSane(out0) ? out0 : saneValue(out0, `${name} gives an invalid size`);
  if (show)
    return it.recordLayer(
      name,
      name,
      site,
      x,
      inputs,
      out,
      0,
      macs,
      null,
      undefined,
      config,
      undefined,
      true,
    );
  return out;
}

/**
 * Multiply-adds of a matrix product giving `out` from a left operand whose last dimension is the one
 * summed over: each output element is that many products. Null unless every size is a number.
 */
export function matmulMacs(left: D[], out: Value): number | null {
  if (out.k !== 'tensor' || !out.shape || left.length === 0) return null;
  const k = left[left.length - 1];
  const m = numelOf(out.shape);
  return m === null || typeof k !== 'number' ? null : m * k;
}

/** The arguments after the first, for functions whose first argument is their input. */
export function afterFirst(a: CallArgs): CallArgs {
  return { pos: a.pos.slice(1), kw: a.kw, posArgs: a.posArgs.slice(1), kwArgs: a.kwArgs };
}
