// Lowering: the concrete tree (node.ts) into the typed AST (ast.ts). Lezer keeps punctuation as flat
// children and recovers from errors with "⚠" nodes; converting once into plain objects keeps the
// interpreter free of cursor bookkeeping and lets it ignore anything the parser could not make sense of.
import type {
  Arg,
  CompFor,
  Decorators,
  Expr,
  MethodBinding,
  Param,
  ParsedFile,
  SliceItem,
  Span,
  Stmt,
} from './ast';
import { regroupBoolOps, swallowsBoolOp } from './boolops';
import { CHUNK_CHARS, eachPiece, wholeTree } from './lezer';
import type { SyntaxNode } from './node';
const COMPARE_OPS = new Set(['<', '>', '==', '>=', '<=', '!=', 'in', 'not in', 'is', 'is not']);

/**
 * Decorators that return what they decorate, as far as shapes and parameters go: gradient and
 * autocast modes, TorchScript markers, caching, typing and abstract-method markers.
 */
const SHAPE_NEUTRAL_DECORATORS = new Set([
  'torch.no_grad',
  'torch.inference_mode',
  'torch.enable_grad',
  'torch.set_grad_enabled',
  'torch.autocast',
  'torch.cuda.amp.autocast',
  'torch.cpu.amp.autocast',
  'autocast',
  'torch.jit.unused',
  'torch.jit.ignore',
  'torch.jit.export',
  'torch.jit.script',
  'torch.jit.script_method',
  'torch.jit.interface',
  'torch.fx.wrap',
  'abstractmethod',
  'abc.abstractmethod',
  'abstractproperty',
  'abc.abstractproperty',
  'functools.wraps',
  'wraps',
  'functools.lru_cache',
  'lru_cache',
  'functools.cache',
  'cache',
  'overload',
  'typing.overload',
  'final',
  'typing.final',
  'override',
  'typing.override',
  'typing_extensions.override',
]);

/** The decorator's name without its `@` and call arguments: `@torch.no_grad()` → `torch.no_grad`. */
function decoratorName(text: string): string {
  const t = text.replace(/^@\s*/, '').trim();
  const paren = t.indexOf('(');
  return (paren >= 0 ? t.slice(0, paren) : t).replace(/\s+/g, '');
}

const NO_NODES: SyntaxNode[] = [];
const CHILD_ARRAY_STATEMENTS = new Set([
  'UpdateStatement',
  'IfStatement',
  'ForStatement',
  'WhileStatement',
  'DecoratedStatement',
  'ImportStatement',
  'WithStatement',
  'TryStatement',
  'StatementGroup',
]);
const SKIP = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '⚠', 'Comment', '.', 'TypeDef']);
/** What element and argument lists drop besides the commas that split them. */
const BRACKETS = new Set(['(', ')', '[', ']', '{', '}', '⚠', 'Comment']);

/** A node that is a whole side of an assignment on its own (not '=', ',', an annotation or an error). */
function isOperand(c: SyntaxNode): boolean {
  const name = c.name;
  return name !== 'AssignOp' && name !== ',' && name !== 'TypeDef' && name !== '⚠';
}

function kids(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** The first child named `name`, or null. */
function child(n: SyntaxNode, name: string): SyntaxNode | null {
  for (let c = n.firstChild; c; c = c.nextSibling) if (c.name === name) return c;
  return null;
}

/** Splits a node's children on commas into groups, dropping brackets, for argument and element lists. */
function groups(n: SyntaxNode): SyntaxNode[][] {
  const out: SyntaxNode[][] = [];
  let cur: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) {
    if (c.name === ',') {
      if (cur.length) out.push(cur);
      cur = [];
    } else if (!BRACKETS.has(c.name)) cur.push(c);
  }
  if (cur.length) out.push(cur);
  return out;
}

/**
 * The next element of a comma-separated list from `c` on: its first node, last node and node count
 * (brackets and comments skipped), and where the list goes on. The converter walks argument lists with
 * this instead of building an array per group, since every call in the file has one.
 */
interface Group {
  first: SyntaxNode | null;
  second: SyntaxNode | null;
  third: SyntaxNode | null;
  last: SyntaxNode | null;
  count: number;
  rest: SyntaxNode | null;
}
function nextGroup(c: SyntaxNode | null, g: Group): Group {
  g.first = g.second = g.third = g.last = null;
  g.count = 0;
  for (; c; c = c.nextSibling) {
    if (c.name === ',') {
      if (g.count) {
        g.rest = c.nextSibling;
        return g;
      }
      continue;
    }
    if (BRACKETS.has(c.name)) continue;
    if (g.count === 0) g.first = c;
    else if (g.count === 1) g.second = c;
    else if (g.count === 2) g.third = c;
    g.last = c;
    g.count++;
  }
  g.rest = null;
  return g;
}

/** 0x1f, 0o17, 0b101, 12 (underscores allowed): an integer literal, as Python reads it. */
const INT_LITERAL = /^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/;

export class Converter {
  constructor(readonly src: string) {}
  /** Reused by args/params: the group being read (its fields are copied out before the next). */
  private readonly group: Group = {
    first: null,
    second: null,
    third: null,
    last: null,
    count: 0,
    rest: null,
  };

  text(n: Span): string {
    return this.src.slice(n.from, n.to);
  }

  unknown(n: SyntaxNode, what: string): Expr {
    return { t: 'unknown', what, from: n.from, to: n.to };
  }

  /** A number literal: plain digits (nearly all of them) without the regexes the other forms need. */
  private number(n: SyntaxNode): Expr {
    const src = this.src;
    let plain = n.to > n.from;
    for (let i = n.from; i < n.to && plain; i++) {
      const ch = src.charCodeAt(i);
      plain = ch >= 48 && ch <= 57;
    }
    if (plain && n.to - n.from < 16)
      return { t: 'num', v: Number(this.text(n)), int: true, from: n.from, to: n.to };
    const raw = this.text(n).replace(/_/g, '').toLowerCase();
    if (raw.endsWith('j')) return this.unknown(n, 'complex number');
    const isInt = INT_LITERAL.test(raw);
    let v: number;
    if (raw.startsWith('0o')) v = parseInt(raw.slice(2), 8);
    else if (raw.startsWith('0b')) v = parseInt(raw.slice(2), 2);
    else v = Number(raw);
    return { t: 'num', v, int: isInt, from: n.from, to: n.to };
  }

  expr(n: SyntaxNode | null): Expr {
    if (!n) return { t: 'unknown', what: 'missing expression', from: 0, to: 0 };
    const from = n.from;
    const to = n.to;
    switch (n.name) {
      case 'Number':
        return this.number(n);
      case 'String':
        return { t: 'str', v: this.stringValue(this.text(n)), from, to };
      case 'ContinuedString': {
        const parts: (string | Expr)[] = [];
        for (let k = n.firstChild; k; k = k.nextSibling) {
          if (k.name === 'String') parts.push(this.stringValue(this.text(k)));
          else if (k.name === 'FormatString') {
            const f = this.fstring(k);
            if (f.t !== 'fstr') return f;
            parts.push(...f.parts);
          } else return this.unknown(n, 'string');
        }
        return parts.every((p) => typeof p === 'string')
          ? { t: 'str', v: parts.join(''), from, to }
          : { t: 'fstr', parts, from, to };
      }
      case 'FormatString':
        return this.fstring(n);
      case 'VariableName':
        return { t: 'name', id: this.text(n), from, to };
      case 'Boolean':
        return { t: 'const', v: this.text(n) === 'True', from, to };
      case 'None':
        return { t: 'const', v: null, from, to };
      case 'Ellipsis':
        return { t: 'ellipsis', from, to };
      case 'ParenthesizedExpression': {
        let inner: SyntaxNode | null = null;
        for (let k = n.firstChild; k; k = k.nextSibling) {
          if (SKIP.has(k.name)) continue;
          if (inner) return this.unknown(n, 'parenthesised expression');
          inner = k;
        }
        return inner ? this.expr(inner) : this.unknown(n, 'parenthesised expression');
      }
      case 'MemberExpression':
        return this.member(n);
      case 'CallExpression': {
        const fn = this.expr(n.firstChild);
        const argList = child(n, 'ArgList');
        return { t: 'call', fn, args: argList ? this.args(argList) : [], from, to };
      }
      case 'BinaryExpression':
        return swallowsBoolOp(n) ? regroupBoolOps(n, (k) => this.expr(k)) : this.binary(n);
      case 'UnaryExpression': {
        if (swallowsBoolOp(n)) return regroupBoolOps(n, (k) => this.expr(k));
        const opNode = n.firstChild;
        const op = opNode ? this.text(opNode) : '-';
        return { t: 'unary', op, e: this.expr(opNode ? opNode.nextSibling : null), from, to };
      }
      case 'TupleExpression':
      case 'ArrayExpression':
      case 'SetExpression': {
        const kind =
          n.name === 'TupleExpression' ? 'tuple' : n.name === 'ArrayExpression' ? 'list' : 'set';
        const items: Expr[] = [];
        const g = this.group;
        // The group's fields are read before converting, which reuses `g` for nested lists.
        for (let at = n.firstChild; nextGroup(at, g).count;) {
          const first = g.first as SyntaxNode;
          const second = g.second;
          at = g.rest;
          items.push(
            first.name === '*' && second
              ? { t: 'starred', e: this.expr(second), from: first.from, to: second.to }
              : this.expr(first),
          );
        }
        return { t: 'seq', kind, items, from, to };
      }
      case 'DictionaryExpression': {
        const entries: [Expr, Expr][] = [];
        for (const g of groups(n)) {
          const parts = g.filter((c) => c.name !== ':');
          if (parts.length === 2) entries.push([this.expr(parts[0]), this.expr(parts[1])]);
        }
        return { t: 'dict', entries, from, to };
      }
      case 'ArrayComprehensionExpression':
      case 'ComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'DictionaryComprehensionExpression':
        return this.comprehension(n);
      case 'ConditionalExpression': {
        const cs = kids(n).filter((c) => c.name !== 'if' && c.name !== 'else');
        return {
          t: 'ifexp',
          body: this.expr(cs[0] ?? null),
          test: this.expr(cs[1] ?? null),
          orelse: this.expr(cs[2] ?? null),
          from,
          to,
        };
      }
      case 'LambdaExpression': {
        const cs = kids(n);
        const pl = cs.find((c) => c.name === 'ParamList');
        const body = cs[cs.length - 1];
        return {
          t: 'lambda',
          params: pl ? this.params(pl) : [],
          body: this.expr(body ?? null),
          from,
          to,
        };
      }
      default:
        return this.unknown(n, n.name);
    }
  }

  /** f"conv{i}": literal pieces and replacement expressions; a format spec or conversion is unknown. */
  private fstring(n: SyntaxNode): Expr {
    const raw = this.text(n);
    const m = /^([a-zA-Z]*)('''|"""|'|")/.exec(raw);
    if (!m) return this.unknown(n, 'f-string');
    const bodyFrom = n.from + m[0].length;
    const bodyTo = n.to - m[2].length;
    const parts: (string | Expr)[] = [];
    let at = bodyFrom;
    for (const r of kids(n)) {
      if (r.name !== 'FormatReplacement') continue;
      if (r.from > at)
        parts.push(this.src.slice(at, r.from).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
      const inner = kids(r).filter((c) => c.name !== '{' && c.name !== '}');
      if (inner.length !== 1) return this.unknown(n, 'f-string with a format spec');
      parts.push(this.expr(inner[0]));
      at = r.to;
    }
    if (bodyTo > at)
      parts.push(this.src.slice(at, bodyTo).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
    return { t: 'fstr', parts, from: n.from, to: n.to };
  }

  private stringValue(raw: string): string {
    const m = /^([a-zA-Z]*)('''|"""|'|")([\s\S]*?)\2$/.exec(raw);
    if (!m) return raw;
    return m[3].replace(/\\n/g, '\n').replace(/\\(['"\\])/g, '$1');
  }

  private member(n: SyntaxNode): Expr {
    const objNode = n.firstChild;
    const obj = this.expr(objNode);
    const from = n.from;
    const to = n.to;
    const second = objNode ? objNode.nextSibling : null;
    if (second?.name === '.') {
      const prop = second.nextSibling;
      // `0.` is a float in Python (timm: `x if rate > 0. else None`); the parser reads it as the
      // int 0 followed by a dot with no name after it.
      if (obj.t === 'num' && obj.int && objNode?.name === 'Number' && second.from === objNode.to)
        if (!prop || prop.name !== 'PropertyName')
          return { t: 'num', v: obj.v, int: false, from: obj.from, to: second.to };
      return { t: 'attr', obj, name: prop ? this.text(prop) : '', from, to };
    }
    // Subscript: children between [ and ] are flat; commas split items, colons split slice parts.
    const items: SliceItem[] = [];
    let sawComma = false;
    let cur: SyntaxNode | null = null;
    let curLast: SyntaxNode | null = null;
    let colons = 0;
    // The up to three slice parts of the current item (the last expression before each colon).
    let p0: SyntaxNode | null = null;
    let p1: SyntaxNode | null = null;
    let p2: SyntaxNode | null = null;
    const flush = (): void => {
      if (!cur || !curLast) return;
      const iFrom = cur.from;
      const iTo = curLast.to;
      if (colons > 0) {
        items.push({
          t: 'slice',
          lo: p0 ? this.expr(p0) : undefined,
          hi: p1 ? this.expr(p1) : undefined,
          step: p2 ? this.expr(p2) : undefined,
          from: iFrom,
          to: iTo,
        });
      } else items.push({ t: 'index', e: this.expr(cur), from: iFrom, to: iTo });
      cur = curLast = p0 = p1 = p2 = null;
      colons = 0;
    };
    for (let c = second; c; c = c.nextSibling) {
      const name = c.name;
      if (name === '[' || name === ']' || name === '⚠') continue;
      if (name === ',') {
        sawComma = true;
        flush();
        continue;
      }
      if (!cur) cur = c;
      curLast = c;
      if (name === ':') colons++;
      else if (colons === 0) p0 = c;
      else if (colons === 1) p1 = c;
      else if (colons === 2) p2 = c;
    }
    flush();
    return { t: 'sub', obj, items, tuple: sawComma, from, to };
  }

  private binary(n: SyntaxNode): Expr {
    // Operands are the first and last children; the operator is every node between them (`not in`).
    const first = n.firstChild;
    let last = first;
    let op = '';
    if (first) {
      for (let c = first.nextSibling; c; c = c.nextSibling) {
        if (last !== first && last) op = op ? `${op} ${this.text(last)}` : this.text(last);
        last = c;
      }
    }
    const l = this.expr(first);
    const r = this.expr(last);
    // `a < b < c` parses as (a < b) < c; Python means `a < b and b < c` (b once, which only a call
    // with side effects could tell apart). A parenthesised left side is another node, so stays as written.
    if (
      COMPARE_OPS.has(op) &&
      first &&
      first.name === 'BinaryExpression' &&
      l.t === 'bin' &&
      (COMPARE_OPS.has(l.op) || l.chain)
    ) {
      const mid = l.chain ? (l.r as Expr & { t: 'bin' }).r : l.r;
      return {
        t: 'bin',
        op: 'and',
        l,
        r: { t: 'bin', op, l: mid, r, from: mid.from, to: n.to },
        chain: true,
        from: n.from,
        to: n.to,
      };
    }
    return { t: 'bin', op, l, r, from: n.from, to: n.to };
  }

  private comprehension(n: SyntaxNode): Expr {
    const kind =
      n.name === 'ArrayComprehensionExpression'
        ? 'list'
        : n.name === 'ComprehensionExpression'
          ? 'gen'
          : n.name === 'SetComprehensionExpression'
            ? 'set'
            : 'dict';
    const cs = kids(n).filter((c) => !['(', ')', '[', ']', '{', '}', '⚠'].includes(c.name));
    return this.compFrom(kind, cs, n.from, n.to);
  }

  /** A comprehension from its element, `for` and `if` nodes (also a bare generator argument's). */
  private compFrom(
    kind: 'list' | 'gen' | 'set' | 'dict',
    cs: SyntaxNode[],
    from: number,
    to: number,
  ): Expr {
    let i = 0;
    const elt = this.expr(cs[i++] ?? null);
    let val: Expr | undefined;
    if (kind === 'dict' && cs[i]?.name === ':') {
      i++;
      val = this.expr(cs[i++] ?? null);
    }
    const gens: CompFor[] = [];
    while (i < cs.length) {
      if (cs[i].name === 'async') i++;
      if (cs[i]?.name !== 'for') break;
      i++;
      const targetNodes: SyntaxNode[] = [];
      while (i < cs.length && cs[i].name !== 'in') targetNodes.push(cs[i++]);
      i++;
      const iter = this.expr(cs[i++] ?? null);
      const tgt = this.targetFrom(targetNodes);
      const ifs: Expr[] = [];
      while (cs[i]?.name === 'if') {
        i++;
        ifs.push(this.expr(cs[i++] ?? null));
      }
      gens.push({ target: tgt, iter, ifs });
    }
    return { t: 'comp', kind, elt, val, gens, from, to };
  }

  /** `a, b` in a for/comprehension target arrives as flat nodes with commas. */
  private targetFrom(nodes: SyntaxNode[]): Expr {
    if (nodes.length === 1 && nodes[0].name !== ',') return this.expr(nodes[0]);
    const parts = nodes.filter((c) => c.name !== ',');
    if (parts.length === 1 && !nodes.some((c) => c.name === ',')) return this.expr(parts[0]);
    const from = nodes[0]?.from ?? 0;
    const to = nodes[nodes.length - 1]?.to ?? 0;
    return { t: 'seq', kind: 'tuple', items: parts.map((p) => this.expr(p)), from, to };
  }

  args(n: SyntaxNode): Arg[] {
    const out: Arg[] = [];
    const g = this.group;
    // The group's fields are read before converting, which reuses `g` for nested argument lists.
    for (let at = n.firstChild; nextGroup(at, g).count;) {
      const first = g.first as SyntaxNode;
      const second = g.second;
      const third = g.third;
      const count = g.count;
      const lastTo = (g.last as SyntaxNode).to;
      at = g.rest;
      if (first.name === '*' || first.name === '**') {
        out.push({ name: undefined, star: first.name, value: this.expr(second) });
      } else if (count >= 3 && second?.name === 'AssignOp') {
        out.push({ name: this.text(first), star: undefined, value: this.expr(third) });
      } else if (count > 1 && (second?.name === 'for' || second?.name === 'async')) {
        // A bare generator argument: f(x for x in y), its nodes those of the group.
        const nodes: SyntaxNode[] = [];
        for (let c: SyntaxNode | null = first; c && c.from < lastTo; c = c.nextSibling)
          if (c.name !== '⚠' && c.name !== 'Comment') nodes.push(c);
        out.push({
          name: undefined,
          star: undefined,
          value: this.compFrom('gen', nodes, first.from, lastTo),
        });
      } else out.push({ name: undefined, star: undefined, value: this.expr(first) });
    }
    return out;
  }

  params(n: SyntaxNode): Param[] {
    const out: Param[] = [];
    for (const g of groups(n)) {
      let i = 0;
      let star: '*' | '**' | undefined;
      if (g[i]?.name === '*' || g[i]?.name === '**') star = g[i++].name as '*' | '**';
      const nameNode = g[i];
      if (!nameNode || nameNode.name !== 'VariableName') continue;
      const p: Param = { name: this.text(nameNode), star };
      const eq = g.findIndex((c) => c.name === 'AssignOp');
      if (eq >= 0 && g[eq + 1]) p.def = this.expr(g[eq + 1]);
      out.push(p);
    }
    return out;
  }

  body(n: SyntaxNode | null | undefined): Stmt[] {
    const out: Stmt[] = [];
    if (n) for (let c = n.firstChild; c; c = c.nextSibling) this.stmtInto(c, out);
    return out;
  }

  stmtInto(n: SyntaxNode, out: Stmt[]): void {
    const from = n.from;
    const to = n.to;
    // The statements read here by index get their children as an array; the frequent ones walk them.
    const cs = CHILD_ARRAY_STATEMENTS.has(n.name) ? kids(n) : NO_NODES;
    switch (n.name) {
      case 'ExpressionStatement':
        if (n.firstChild) out.push({ t: 'expr', e: this.expr(n.firstChild), from, to });
        return;
      case 'AssignStatement': {
        // Nearly every assignment is `target = value`: one node each side of one '='.
        const t0 = n.firstChild;
        const eq = t0?.nextSibling;
        const v0 = eq?.nextSibling;
        if (
          t0 &&
          eq &&
          v0 &&
          !v0.nextSibling &&
          eq.name === 'AssignOp' &&
          isOperand(t0) &&
          isOperand(v0)
        ) {
          out.push({ t: 'assign', targets: [this.expr(t0)], value: this.expr(v0), from, to });
          return;
        }
        // Segments separated by '=': every segment but the last is a target; each may be a flat tuple.
        const segs: SyntaxNode[][] = [[]];
        let typeDef: SyntaxNode | null = null;
        for (let c = n.firstChild; c; c = c.nextSibling) {
          if (c.name === 'AssignOp') segs.push([]);
          else if (c.name === 'TypeDef') typeDef ??= c;
          else if (c.name !== '⚠') segs[segs.length - 1].push(c);
        }
        if (segs.length < 2) {
          if (segs[0][0]) out.push({ t: 'expr', e: this.expr(segs[0][0]), from, to });
          return;
        }
        const targets: Expr[] = [];
        for (let i = 0; i < segs.length - 1; i++) targets.push(this.targetFrom(segs[i]));
        const value = this.targetFrom(segs[segs.length - 1]);
        if (typeDef && segs.length === 2) {
          const annotation = this.text(typeDef).replace(/^\s*:\s*/, '');
          out.push({ t: 'assign', targets, value, annotation, from, to });
        } else out.push({ t: 'assign', targets, value, from, to });
        return;
      }
      case 'UpdateStatement': {
        const opIdx = cs.findIndex((c) => c.name === 'UpdateOp');
        if (opIdx < 0) return;
        out.push({
          t: 'aug',
          target: this.targetFrom(cs.slice(0, opIdx)),
          op: this.text(cs[opIdx]).slice(0, -1),
          value: this.targetFrom(cs.slice(opIdx + 1)),
          from,
          to,
        });
        return;
      }
      case 'ReturnStatement': {
        const first = n.firstChild?.nextSibling ?? null;
        let value: Expr | undefined;
        if (first && !first.nextSibling && first.name !== ',') value = this.expr(first);
        else if (first) value = this.targetFrom(kids(n).slice(1));
        out.push({ t: 'return', value, from, to });
        return;
      }
      case 'IfStatement': {
        // if/elif/else chain: build nested ifs from the flat children.
        const clauses: { test?: SyntaxNode; body?: SyntaxNode }[] = [];
        for (let i = 0; i < cs.length; i++) {
          const c = cs[i];
          if (c.name === 'if' || c.name === 'elif') clauses.push({ test: cs[i + 1] });
          else if (c.name === 'else') clauses.push({});
          else if (c.name === 'Body' && clauses.length) clauses[clauses.length - 1].body = c;
        }
        let orelse: Stmt[] = [];
        for (let i = clauses.length - 1; i >= 0; i--) {
          const cl = clauses[i];
          if (!cl.test) orelse = this.body(cl.body);
          else {
            const st: Stmt = {
              t: 'if',
              test: this.expr(cl.test),
              body: this.body(cl.body),
              orelse,
              from,
              to,
            };
            orelse = [st];
          }
        }
        out.push(...orelse);
        return;
      }
      case 'ForStatement': {
        const inIdx = cs.findIndex((c) => c.name === 'in');
        const forIdx = cs.findIndex((c) => c.name === 'for');
        const bodyNode = cs.find((c) => c.name === 'Body');
        if (inIdx < 0) return;
        const iterNodes = cs.slice(inIdx + 1).filter((c) => c.name !== 'Body' && c.name !== 'else');
        out.push({
          t: 'for',
          target: this.targetFrom(cs.slice(forIdx + 1, inIdx)),
          iter: this.targetFrom(
            iterNodes.slice(
              0,
              iterNodes.findIndex((c) => c.name === ':') < 0
                ? undefined
                : iterNodes.findIndex((c) => c.name === ':'),
            ),
          ),
          body: this.body(bodyNode),
          from,
          to,
        });
        return;
      }
      case 'WhileStatement': {
        const bodyNode = cs.find((c) => c.name === 'Body');
        out.push({
          t: 'while',
          test: this.expr(cs[1] ?? null),
          body: this.body(bodyNode),
          from,
          to,
        });
        return;
      }
      case 'FunctionDefinition': {
        const nameNode = child(n, 'VariableName');
        const pl = child(n, 'ParamList');
        if (!nameNode) return;
        out.push({
          t: 'def',
          name: this.text(nameNode),
          nameSpan: { from: nameNode.from, to: nameNode.to },
          params: pl ? this.params(pl) : [],
          body: this.body(child(n, 'Body')),
          from,
          to,
        });
        return;
      }
      case 'ClassDefinition': {
        const nameNode = child(n, 'VariableName');
        if (!nameNode) return;
        const al = child(n, 'ArgList');
        out.push({
          t: 'class',
          name: this.text(nameNode),
          nameSpan: { from: nameNode.from, to: nameNode.to },
          bases: al ? this.args(al).map((a) => a.value) : [],
          body: this.body(child(n, 'Body')),
          from,
          to,
        });
        return;
      }
      case 'DecoratedStatement': {
        let binding: MethodBinding | undefined;
        const decorators: Decorators = { unknown: [], accessor: false };
        for (const c of cs) {
          if (c.name !== 'Decorator') continue;
          const d = this.text(c).replace(/^@\s*/, '').trim();
          const name = decoratorName(d);
          if (d === 'staticmethod') binding = 'static';
          else if (d === 'classmethod') binding = 'class';
          else if (d === 'property') binding = 'property';
          else if (/\.(setter|getter|deleter)$/.test(name)) decorators.accessor = true;
          else if (!SHAPE_NEUTRAL_DECORATORS.has(name)) decorators.unknown.push(d.split('\n')[0]);
        }
        const at = out.length;
        for (const c of cs) if (c.name !== 'Decorator') this.stmtInto(c, out);
        const st = out[at];
        if (binding && st && st.t === 'def') st.binding = binding;
        if (
          (decorators.unknown.length || decorators.accessor) &&
          st &&
          (st.t === 'def' || st.t === 'class')
        )
          st.decorators = decorators;
        return;
      }
      case 'ImportStatement':
        out.push({ t: 'import', names: this.importNames(cs), from, to });
        return;
      case 'WithStatement':
      case 'TryStatement': {
        // Bodies of with/try run (first body of try; handlers are ignored as the normal path).
        const bodies = cs.filter((c) => c.name === 'Body');
        const first = n.name === 'TryStatement' ? bodies.slice(0, 1) : bodies;
        const body: Stmt[] = [];
        if (n.name === 'WithStatement') {
          // `with torch.no_grad():` has no binding; `with x as y` binds y to an unknown value.
          const asIdx = cs.findIndex((c) => c.name === 'as');
          if (asIdx >= 0 && cs[asIdx + 1]?.name === 'VariableName') {
            const tgt = cs[asIdx + 1];
            body.push({
              t: 'assign',
              targets: [this.expr(tgt)],
              value: { t: 'unknown', what: 'context manager', from: tgt.from, to: tgt.to },
              from,
              to,
            });
          }
        }
        for (const b of first) body.push(...this.body(b));
        out.push({ t: 'block', body, from, to });
        return;
      }
      case 'DeleteStatement': {
        const targets: Expr[] = [];
        for (let c = n.firstChild; c; c = c.nextSibling)
          if (c.name !== 'del' && !SKIP.has(c.name)) targets.push(this.expr(c));
        out.push({ t: 'del', targets, from, to });
        return;
      }
      case 'PassStatement':
        out.push({ t: 'flow', what: 'pass', from, to });
        return;
      case 'BreakStatement':
        out.push({ t: 'flow', what: 'break', from, to });
        return;
      case 'ContinueStatement':
        out.push({ t: 'flow', what: 'continue', from, to });
        return;
      case 'RaiseStatement':
        out.push({ t: 'flow', what: 'raise', from, to });
        return;
      case 'StatementGroup':
        for (const c of cs) this.stmtInto(c, out);
        return;
      default:
        return;
    }
  }

  private importNames(cs: SyntaxNode[]): { path: string; alias: string }[] {
    const isFrom = cs[0]?.name === 'from';
    const importIdx = cs.findIndex((c) => c.name === 'import');
    const out: { path: string; alias: string }[] = [];
    const readDotted = (nodes: SyntaxNode[]): { path: string; alias?: string }[] => {
      const res: { path: string; alias?: string }[] = [];
      let cur = '';
      let alias: string | undefined;
      let expectAlias = false;
      for (const c of nodes) {
        if (c.name === ',') {
          if (cur) res.push({ path: cur, alias });
          cur = '';
          alias = undefined;
        } else if (c.name === 'as') expectAlias = true;
        else if (c.name === 'VariableName') {
          if (expectAlias) {
            alias = this.text(c);
            expectAlias = false;
          } else cur += this.text(c);
        } else if (c.name === '.') cur += '.';
        // `from ...ops import x`: three dots are one Ellipsis token.
        else if (c.name === 'Ellipsis') cur += '...';
      }
      if (cur) res.push({ path: cur, alias });
      return res;
    };
    if (isFrom) {
      const mod = readDotted(cs.slice(1, importIdx))[0]?.path ?? '';
      // `from . import x` is `.x` and `from .a import x` is `.a.x`: the leading dots are the level.
      const at = mod.endsWith('.') ? mod : `${mod}.`;
      if (cs.slice(importIdx + 1).some((c) => c.name === '*'))
        out.push({ path: `${at}*`, alias: '*' });
      for (const it of readDotted(cs.slice(importIdx + 1))) {
        out.push({ path: `${at}${it.path}`, alias: it.alias ?? it.path });
      }
    } else {
      for (const it of readDotted(cs.slice(importIdx + 1))) {
        // `import torch.nn` binds `torch`; `import torch.nn as nn` binds `nn`.
        out.push(
          it.alias
            ? { path: it.path, alias: it.alias }
            : { path: it.path.split('.')[0], alias: it.path.split('.')[0] },
        );
      }
    }
    return out;
  }
}

export function parseFile(src: string): ParsedFile {
  const conv = new Converter(src);
  const stmts: Stmt[] = [];
  const convert = (top: SyntaxNode): void => {
    for (let c = top.firstChild; c; c = c.nextSibling) {
      try {
        conv.stmtInto(c, stmts);
      } catch {
        // A statement the converter cannot read is skipped; the rest of the file still counts.
      }
    }
  };
  // A long file's pieces are converted as they are parsed, so each piece's concrete tree is garbage
  // before the next is built and dies in the young generation: holding the whole file's tree until
  // conversion got it copied into the old generation, which cost more than converting it. A piece
  // lezer reads with an error means one whole-file parse, as in plainTree.
  if (src.length > 2 * CHUNK_CHARS && eachPiece(src, CHUNK_CHARS, true, convert))
    return { src, stmts };
  stmts.length = 0;
  convert(wholeTree(src, true));
  return { src, stmts };
}
