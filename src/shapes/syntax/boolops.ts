// `not`, `and` and `or` as Python groups them. @lezer/python (and pyparse.ts, which builds the same
// tree) lets a leading `not` take everything after it: `not a and b` comes out as `not (a and b)`,
// where Python means `(not a) and b`. Such a chain is read back into its operands and operators
// and regrouped: `or` loosest, then `and`, then `not`, all binding tighter than nothing else.
import type { Expr } from './ast';
import type { SyntaxNode } from './node';

type Tok = { k: 'op'; v: 'and' | 'or' } | { k: 'not'; from: number } | { k: 'atom'; n: SyntaxNode };

/** `and`/`or` when `n` is an unparenthesised BinaryExpression of one, else null. */
function boolOp(n: SyntaxNode): 'and' | 'or' | null {
  if (n.name !== 'BinaryExpression') return null;
  const op = n.firstChild?.nextSibling;
  return op && (op.name === 'and' || op.name === 'or') ? op.name : null;
}

function lastChild(n: SyntaxNode): SyntaxNode | null {
  let c = n.firstChild;
  while (c?.nextSibling) c = c.nextSibling;
  return c;
}

function notOperand(n: SyntaxNode): SyntaxNode | null {
  return n.name === 'UnaryExpression' && n.firstChild?.name === 'not'
    ? n.firstChild.nextSibling
    : null;
}

/** Whether some `not` of the chain at `n` took an `and`/`or` as its operand. */
export function swallowsBoolOp(n: SyntaxNode): boolean {
  const inner = notOperand(n);
  if (inner) return boolOp(inner) !== null || swallowsBoolOp(inner);
  if (!boolOp(n)) return false;
  const l = n.firstChild;
  const r = lastChild(n);
  return (!!l && swallowsBoolOp(l)) || (!!r && swallowsBoolOp(r));
}

function flatten(n: SyntaxNode, out: Tok[]): void {
  const op = boolOp(n);
  const r = op ? lastChild(n) : null;
  if (op && n.firstChild && r) {
    flatten(n.firstChild, out);
    out.push({ k: 'op', v: op });
    flatten(r, out);
    return;
  }
  const inner = notOperand(n);
  if (inner) {
    out.push({ k: 'not', from: n.from });
    flatten(inner, out);
    return;
  }
  out.push({ k: 'atom', n });
}

/** The chain at `n` grouped as Python does; `lower` converts each operand. */
export function regroupBoolOps(n: SyntaxNode, lower: (n: SyntaxNode) => Expr): Expr {
  const toks: Tok[] = [];
  flatten(n, toks);
  let at = 0;
  const orTest = (): Expr => binary('or', andTest);
  const andTest = (): Expr => binary('and', notTest);
  function binary(op: 'and' | 'or', operand: () => Expr): Expr {
    let l = operand();
    for (;;) {
      const t = toks[at];
      if (!t || t.k !== 'op' || t.v !== op) return l;
      at++;
      const r = operand();
      l = { t: 'bin', op, l, r, from: l.from, to: r.to };
    }
  }
  function notTest(): Expr {
    const t = toks[at++];
    if (t.k === 'not') {
      const e = notTest();
      return { t: 'unary', op: 'not', e, from: t.from, to: e.to };
    }
    // The flattened chain alternates operands and operators, so an operator here cannot happen.
    if (t.k !== 'atom') throw new Error('boolean chain out of order');
    return lower(t.n);
  }
  return orTest();
}
