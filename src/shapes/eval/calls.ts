// Calls: the arguments a call carries, and method lookup on user classes (the MRO).
import type { D } from '../library/dims';
import type { Arg } from '../syntax/ast';
import { isConstExpr } from './dataflow';
import type { ClassInfo, CtorArgs, FuncV, Value } from './values';

/** See CtorArgs: the values are mutable here only while evalCall fills them in. */
export interface CallArgs extends CtorArgs {
  pos: Value[];
  kw: Map<string, Value>;
  /**
   * Set when `*xs` or `**kw` unpacked something the analyser cannot enumerate: only the first `pos`
   * positionals and the keywords written out are known; every other parameter is unknown, never its default.
   */
  lost?: { why: string; pos: number };
}

// Shared empty values: CallArgs built here are never mutated, and most calls have no keywords.
export const EMPTY_VALUES: ReadonlyMap<string, Value> = new Map();
export const NO_ARGS: readonly Arg[] = [];

export const noArgs = (pos: Value[] = [], kw?: Map<string, Value>): CallArgs => ({
  pos,
  kw: kw ?? (EMPTY_VALUES as Map<string, Value>),
  posArgs: NO_ARGS,
  kwArgs: NO_ARGS,
});

/** The argument pos[i] was written as, if it was written. */
export function posArg(a: CtorArgs, i: number): Arg | undefined {
  return i < a.pos.length ? a.posArgs[i] : undefined;
}

/** The keyword argument `name` as written (the last one, as Python binding would not allow two). */
export function kwArg(a: CtorArgs, name: string): Arg | undefined {
  const args = a.kwArgs;
  for (let i = args.length - 1; i >= 0; i--)
    if (args[i].name === name && args[i].star === undefined) return args[i];
  return undefined;
}

/** Whether an argument was written as a constant; values unpacked from `*xs` never are. */
export function isConstArg(arg: Arg | undefined): boolean {
  return arg !== undefined && arg.star === undefined && isConstExpr(arg.value);
}

/**
 * A class's method bound to an instance: `{ ...fn, self }` written out (methods are built with exactly
 * these fields), which V8 does far faster than an object spread on a hot path.
 */
export function bound(fn: FuncV, self: Value, clsOwner?: ClassInfo): FuncV {
  if (clsOwner)
    return {
      k: 'func',
      name: fn.name,
      params: fn.params,
      body: fn.body,
      scope: fn.scope,
      span: fn.span,
      self,
      clsOwner,
    } as FuncV;
  return {
    k: 'func',
    name: fn.name,
    params: fn.params,
    body: fn.body,
    scope: fn.scope,
    span: fn.span,
    self,
  };
}

export interface FuncWithOwner extends FuncV {
  clsOwner?: ClassInfo;
}

export interface PartialRef {
  k: 'ext';
  path: string;
  partialArgs?: CallArgs;
}

/**
 * A namedtuple's value: a tuple whose items are also reached by field name. `packed`: a
 * PackedSequence (library/packedSequence.ts), with its number of sequences.
 */
export type NamedTuple = Value & { k: 'seq'; fields?: string[]; packed?: { batch: D } };

export interface SuperRef {
  k: 'ext';
  path: string;
  self?: Value;
  classRef?: ClassInfo;
}

export type IndexItem =
  | { t: 'index'; v: Value }
  | { t: 'slice'; lo: D | null | undefined; hi: D | null | undefined; step: D | null | undefined }
  | { t: 'ellipsis' };

export type Resolved = { fn: FuncV; cls: ClassInfo } | null;
/**
 * Method resolution, memoised on the class: a class's methods and bases are fixed once its statement
 * has run, and `self.conv1(x)`, `forward` and `__init__` look the same names up on every call. (On the
 * class itself rather than in a WeakMap: a WeakMap keyed by each analysis's fresh classes made the
 * garbage collector's ephemeron work dominate small files.)
 */
export function findMethod(cls: ClassInfo, name: string): Resolved {
  const byName = (cls.resolved ??= new Map());
  let r = byName.get(name);
  if (r === undefined) byName.set(name, (r = resolveMethod(cls, name)));
  return r;
}

export function resolveMethod(cls: ClassInfo, name: string): Resolved {
  const m = cls.methods.get(name);
  if (m) return { fn: m, cls };
  for (const b of cls.bases)
    if (b.k === 'class') {
      const r = resolveMethod(b.cls, name);
      if (r) return r;
    }
  return null;
}

export function findClassAttr(cls: ClassInfo, name: string): Value | null {
  const a = cls.attrs.get(name);
  if (a) return a;
  for (const b of cls.bases)
    if (b.k === 'class') {
      const r = findClassAttr(b.cls, name);
      if (r) return r;
    }
  return null;
}
