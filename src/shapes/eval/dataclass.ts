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
export function dataclassInit(body: Stmt[], at: Span): { params: Param[]; body: Stmt[] } | null {
  const fields: Param[] = [];
  for (const st of body) {
    if (st.t === 'def' || (st.t === 'flow' && st.what === 'pass')) continue;
    if (st.t === 'expr' && st.e.t === 'str') continue;
    if (st.t === 'expr' && st.e.t === 'name') {
      // A field without a default after one with a default: Python raises TypeError.
      if (fields.some((f) => f.def)) return null;
      fields.push({ name: st.e.id });
      continue;
    }
    if (st.t === 'assign' && st.annotation !== undefined && isPlainDefault(st)) {
      fields.push({ name: (st.targets[0] as Expr & { t: 'name' }).id, def: st.value });
      continue;
    }
    return null;
  }
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
