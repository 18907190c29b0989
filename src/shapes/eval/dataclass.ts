// `@dataclass` on a class whose fields are declared `kernel: int` or `kernel: int = 3`: the
// __init__ Python generates, assigning each field in order, a default where one is written. Any
// other form (field(), a mutable default, options such as frozen=True, a ClassVar or InitVar, a
// __post_init__, a default before a field without one, which Python refuses) is left unknown.
import type { Expr, Param, Span, Stmt } from '../syntax/ast';

/** Decorator texts that are the plain dataclass decorator, given how the name was imported. */
export function isPlainDataclass(
  texts: readonly string[],
  binding: (name: string) => string | undefined,
): boolean {
  if (texts.length !== 1) return false;
  const t = texts[0].replace(/^@\s*/, '').replace(/\s+/g, '');
  const name = t.endsWith('()') ? t.slice(0, -2) : t;
  if (!/^[A-Za-z_][\w.]*$/.test(name)) return false;
  const dot = name.indexOf('.');
  const head = binding(dot < 0 ? name : name.slice(0, dot));
  return (dot < 0 ? head : head + name.slice(dot)) === 'dataclasses.dataclass';
}

/**
 * The generated __init__'s parameters and body, or null when the class body is not only bare field
 * declarations, methods and a docstring.
 */
export function dataclassInit(
  body: Stmt[],
  at: Span,
  inherited: readonly Param[] = [],
): { params: Param[]; body: Stmt[] } | null {
  // A base dataclass's fields come first; one redeclared here keeps its place with the new default.
  const fields: Param[] = [...inherited];
  const declare = (f: Param): void => {
    const i = fields.findIndex((x) => x.name === f.name);
    if (i >= 0) fields[i] = f;
    else fields.push(f);
  };
  for (const st of body) {
    if (st.t === 'def' || (st.t === 'flow' && st.what === 'pass')) continue;
    if (st.t === 'expr' && st.e.t === 'str') continue;
    if (st.t === 'expr' && st.e.t === 'name') {
      declare({ name: st.e.id });
      continue;
    }
    if (st.t === 'assign' && st.annotation !== undefined && isPlainDefault(st)) {
      declare({ name: (st.targets[0] as Expr & { t: 'name' }).id, def: st.value });
      continue;
    }
    return null;
  }
  // A field without a default after one with a default: Python raises TypeError.
  if (fields.some((f, i) => !f.def && fields.slice(0, i).some((g) => g.def))) return null;
  if (body.some((st) => st.t === 'def' && (st.name === '__init__' || st.name === '__post_init__')))
    return null;
  const sp = { from: at.from, to: at.to };
  const name = (id: string): Expr => ({ t: 'name', id, ...sp });
  return {
    params: [{ name: 'self' }, ...fields],
    body: fields.map((f): Stmt => ({
      t: 'assign',
      targets: [{ t: 'attr', obj: name('self'), name: f.name, ...sp }],
      value: name(f.name),
      ...sp,
    })),
  };
}

/**
 * `name: T = value` with one name, a type that makes it a field (not ClassVar or InitVar) and a
 * constant or name as the default: field(...), a call, and mutable literals (which dataclasses
 * refuses) are not followed.
 */
function isPlainDefault(st: Stmt & { t: 'assign' }): boolean {
  const ann = st.annotation ?? '';
  if (/\b(?:ClassVar|InitVar)\b/.test(ann)) return false;
  if (st.targets.length !== 1 || st.targets[0].t !== 'name') return false;
  const v = st.value;
  return (
    v.t === 'num' ||
    v.t === 'str' ||
    v.t === 'const' ||
    v.t === 'name' ||
    v.t === 'attr' ||
    (v.t === 'unary' && v.e.t === 'num')
  );
}

/** The fields (with their defaults) of each class this file made a dataclass, for its subclasses. */
export const DATACLASS_FIELDS = new WeakMap<object, { fields: Param[]; scope: object }>();

/**
 * The fields a dataclass inherits, from its bases (`ClassInfo`s, or null for a base that is not a
 * class read from source): the nearest dataclass ancestor's, none when no ancestor is one, null
 * when that cannot be told (a base not read, two dataclass ancestors, or a default that names
 * something in another scope, which the generated __init__ could not evaluate where it was written).
 */
export function inheritedFields(
  bases: readonly unknown[],
  scope: object,
  classOf: (b: unknown) => { bases: readonly unknown[] } | null | 'object',
): Param[] | null {
  const found = new Set<{ fields: Param[]; scope: object }>();
  const walk = (cls: { bases: readonly unknown[] } | null, depth: number): boolean => {
    if (!cls || depth > 50) return false;
    const own = DATACLASS_FIELDS.get(cls);
    if (own) {
      found.add(own);
      return true;
    }
    for (const b of cls.bases) {
      const c = classOf(b);
      if (c !== 'object' && !walk(c, depth + 1)) return false;
    }
    return true;
  };
  for (const b of bases) {
    const c = classOf(b);
    if (c !== 'object' && !walk(c, 0)) return null;
  }
  if (found.size > 1) return null;
  const [one] = found;
  if (!one) return [];
  const literal = (e: Expr | undefined): boolean =>
    !e || e.t === 'num' || e.t === 'str' || e.t === 'const' || (e.t === 'unary' && e.e.t === 'num');
  if (one.scope !== scope && !one.fields.every((f) => literal(f.def))) return null;
  return one.fields;
}
