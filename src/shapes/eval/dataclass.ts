// `@dataclass` on a class whose fields are all declared without defaults (`kernel: int`): the
// __init__ Python generates, assigning each field in order. Any other form (defaults, field(),
// options such as frozen=True, a ClassVar) is left unknown, since the fields and their order could
// then not be told from the syntax the analyser keeps.
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
  const fields: string[] = [];
  for (const st of body) {
    if (st.t === 'def' || (st.t === 'flow' && st.what === 'pass')) continue;
    if (st.t === 'expr' && st.e.t === 'str') continue;
    if (st.t === 'expr' && st.e.t === 'name') {
      fields.push(st.e.id);
      continue;
    }
    return null;
  }
  if (body.some((st) => st.t === 'def' && st.name === '__init__')) return null;
  const sp = { from: at.from, to: at.to };
  const name = (id: string): Expr => ({ t: 'name', id, ...sp });
  return {
    params: [{ name: 'self' }, ...fields.map((f) => ({ name: f }))],
    body: fields.map((f): Stmt => ({
      t: 'assign',
      targets: [{ t: 'attr', obj: name('self'), name: f, ...sp }],
      value: name(f),
      ...sp,
    })),
  };
}
