// Data flow: which input a tensor came from (its sources), and which names a block assigns or mutates.
import type { Expr, Stmt } from '../syntax/ast';
import { spend } from './budget';
import type { ParamTensor } from './modules';
import type { NamedTuple } from './calls';
import type { Value } from './values';

export function isConstExpr(e: Expr): boolean {
  switch (e.t) {
    case 'num':
    case 'str':
    case 'const':
      return true;
    case 'bin':
      return isConstExpr(e.l) && isConstExpr(e.r);
    case 'unary':
      return isConstExpr(e.e);
    case 'seq':
      return e.items.every(isConstExpr);
    default:
      return false;
  }
}

/** Names whose value a block changes in place: `xs.append(...)`, `xs[i] = ...`, `xs += ...` (by call or store). */
export function mutatedNames(stmts: Stmt[]): string[] {
  const out = new Set<string>();
  const walk = (ss: Stmt[]): void => {
    for (const s of ss) {
      if (s.t === 'expr' && s.e.t === 'call' && s.e.fn.t === 'attr' && s.e.fn.obj.t === 'name')
        out.add(s.e.fn.obj.id);
      else if (s.t === 'assign') {
        for (const t of s.targets) if (t.t === 'sub' && t.obj.t === 'name') out.add(t.obj.id);
      } else if (s.t === 'aug' && s.target.t === 'name') out.add(s.target.id);
      else if (s.t === 'for' || s.t === 'while' || s.t === 'block') walk(s.body);
      else if (s.t === 'if') {
        walk(s.body);
        walk(s.orelse);
      }
    }
  };
  walk(stmts);
  return [...out];
}

export function assignedNames(stmts: Stmt[]): string[] {
  const out = new Set<string>();
  const visitTarget = (t: Expr): void => {
    if (t.t === 'name') out.add(t.id);
    else if (t.t === 'seq') t.items.forEach(visitTarget);
    else if (t.t === 'starred') visitTarget(t.e);
  };
  const walk = (ss: Stmt[]): void => {
    for (const s of ss) {
      if (s.t === 'assign') s.targets.forEach(visitTarget);
      else if (s.t === 'aug') visitTarget(s.target);
      else if (s.t === 'del') s.targets.forEach(visitTarget);
      else if (s.t === 'for') {
        visitTarget(s.target);
        walk(s.body);
      } else if (s.t === 'if') {
        walk(s.body);
        walk(s.orelse);
      } else if (s.t === 'while' || s.t === 'block') walk(s.body);
    }
  };
  walk(stmts);
  return [...out];
}

export const NO_SOURCES: readonly number[] = [];

/** `out` joined with the producers of the tensors in `v` (through tuples and lists) for `trace`. */
export function addSources(
  out: readonly number[],
  v: Value,
  trace: object | null,
): readonly number[] {
  if (v.k === 'tensor') return v.src && v.srcTrace === trace ? mergeSources(out, v.src) : out;
  if (v.k === 'seq') {
    spend(v.items.length);
    for (let i = 0; i < v.items.length; i++) out = addSources(out, v.items[i], trace);
  }
  return out;
}

/** Sorted union of two sorted, repeat-free index lists. */
export function mergeSources(a: readonly number[], b: readonly number[]): readonly number[] {
  if (a.length === 0) return b;
  if (b.length === 0 || a === b) return a;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i] : Infinity;
    const y = j < b.length ? b[j] : Infinity;
    if (x <= y) {
      out.push(x);
      i++;
      if (x === y) j++;
    } else {
      out.push(y);
      j++;
    }
  }
  return out;
}

export function lacksSource(v: Value, trace: object): boolean {
  if (v.k === 'tensor') return !v.src || v.srcTrace !== trace;
  if (v.k === 'seq') {
    spend(v.items.length);
    return v.items.some((x) => lacksSource(x, trace));
  }
  return false;
}

/** Copies of the tensors in `v` (through tuples and lists) marked as coming from `src`. */
export function tagTensors(
  v: Value,
  src: readonly number[],
  trace: object,
  onlyMissing = false,
): Value {
  if (v.k === 'tensor') {
    if (onlyMissing && v.src && v.srcTrace === trace) return v;
    // Written out (an object spread is several times slower); a parameter keeps its extra fields.
    if ((v as ParamTensor).param !== undefined || (v as ParamTensor).paramOf !== undefined)
      return { ...v, src, srcTrace: trace };
    return { k: 'tensor', shape: v.shape, why: v.why, dtype: v.dtype, src, srcTrace: trace };
  }
  if (v.k === 'seq') {
    spend(v.items.length);
    const out: NamedTuple = {
      k: 'seq',
      kind: v.kind,
      items: v.items.map((x) => tagTensors(x, src, trace, onlyMissing)),
    };
    // A namedtuple (a PackedSequence) stays one.
    const { fields, packed } = v as NamedTuple;
    if (fields) out.fields = fields;
    if (packed) out.packed = packed;
    return out;
  }
  return v;
}
