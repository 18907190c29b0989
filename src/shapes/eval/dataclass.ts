// `@dataclass` on a class whose fields are declared bare (`kernel: int`) or with a literal default
// (`n_embd: int = 768`): the __init__ Python generates, assigning each field in order. Any other
// form (field(), a default that is a name or a call, options such as frozen=True, a ClassVar) is
// left unknown.
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
      fields.push({ name: st.e.id });
      continue;
    }
    // `n_embd: int = 768`: a field with a default. A literal only: a default that is a call (such
    // as `field(default_factory=list)`) or a name is not followed.
    if (
      st.t === 'assign' &&
      st.annotated &&
      st.targets.length === 1 &&
      st.targets[0].t === 'name' &&
      isLiteral(st.value)
    ) {
      fields.push({ name: st.targets[0].id, def: st.value });
      continue;
    }
    return null;
  }
  // Python refuses a field without a default after one with a default.
  if (fields.some((f, i) => !f.def && fields.slice(0, i).some((g) => g.def))) return null;
  if (body.some((st) => st.t === 'def' && st.name === '__init__')) return null;
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

/** Numbers, strings, booleans, None, and a minus sign before a number: values that are never shared. */
function isLiteral(e: Expr): boolean {
  if (e.t === 'num' || e.t === 'str' || e.t === 'const') return true;
  return e.t === 'unary' && e.op === '-' && e.e.t === 'num';
}
