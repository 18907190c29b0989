// A small typed AST built from @lezer/python's concrete tree. Lezer keeps punctuation as flat children
// and recovers from errors with "⚠" nodes; converting once into plain objects keeps the interpreter
// free of cursor bookkeeping and lets it ignore anything the parser could not make sense of.
import { parser } from '@lezer/python';
import type { Tree } from '@lezer/common';
import { fastParse } from './pyparse';

/**
 * The concrete tree as plain linked objects, built in one cursor pass. Walking lezer's SyntaxNode API
 * allocates a node object per step (firstChild/nextSibling), which cost three times the parse itself.
 */
export interface SyntaxNode {
  name: string;
  from: number;
  to: number;
  firstChild: SyntaxNode | null;
  nextSibling: SyntaxNode | null;
}

/**
 * The tree is built by the hand-written parser in pyparse.ts wherever it can (the same tree, several
 * times faster), else by @lezer/python: pyparse gives up on syntax errors and on anything it does not
 * mirror, so half-typed code still gets lezer's error recovery.
 */
export function plainTree(src: string, chunkChars = CHUNK_CHARS, fast = true): SyntaxNode {
  if (src.length > 2 * chunkChars) {
    const chunked = chunkedTree(src, chunkChars, fast);
    if (chunked) return chunked;
  }
  return wholeTree(src, fast);
}

/** One parse of the whole text: pyparse, else lezer. */
function wholeTree(src: string, fast: boolean): SyntaxNode {
  const quick = fast ? fastParse(src) : null;
  if (quick) {
    parseStats.fast++;
    return quick;
  }
  parseStats.lezer++;
  const root: SyntaxNode = { name: 'Script', from: 0, to: src.length, firstChild: null, nextSibling: null };
  appendTree(parser.parse(src), 0, root, { last: null });
  return root;
}

/** How many pieces (chunks, or whole texts) the last plainTree calls parsed with pyparse vs lezer. */
export const parseStats = { fast: 0, lezer: 0 };

/**
 * Long files are parsed as runs of top-level statements (split before a `class`, `def` or decorator
 * line at column 0) and the pieces joined: lezer's parse slows down per line as its one growing
 * buffer gets large (about 13 µs/line at 5,000 lines against 6 µs/line for a typical file), and a
 * piece pyparse gives up on costs only that piece's lezer parse. A piece that has any lezer parse
 * error (the split fell inside a string or brackets, or the file has a real error) makes the whole
 * file be parsed in one go, so the tree is always the one a single parse gives.
 */
const CHUNK_CHARS = 2000;

/** Where a long file is cut into pieces: before a column-0 `class`/`def` (never after a decorator). */
function chunkStarts(src: string, chunkChars: number): number[] {
  const starts = [0];
  const re = /\n(?=(?:class|def)[ \t])/g;
  let last = 0;
  for (let m = re.exec(src); m; m = re.exec(src)) {
    const at = m.index + 1;
    // Never between a decorator and what it decorates.
    if (src.charCodeAt(src.lastIndexOf('\n', m.index - 1) + 1) === 64) continue;
    if (at - last >= chunkChars && src.length - at >= chunkChars / 2) {
      starts.push(at);
      last = at;
    }
  }
  return starts;
}

/**
 * Hands each piece's tree (top-level statements as children of a piece root) to `visit`, in order,
 * pyparse first and lezer where it gives up. False, at once, when lezer reads a piece with an error
 * (or the text has no places to cut): the caller then parses the whole text in one go.
 */
function eachPiece(src: string, chunkChars: number, fast: boolean, visit: (piece: SyntaxNode) => void): boolean {
  const starts = chunkStarts(src, chunkChars);
  if (starts.length < 2) return false;
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i];
    const to = i + 1 < starts.length ? starts[i + 1] : src.length;
    let piece = fast ? fastParse(src, from, to) : null;
    if (piece) parseStats.fast++;
    else {
      parseStats.lezer++;
      piece = { name: 'Script', from, to, firstChild: null, nextSibling: null };
      if (!appendTree(parser.parse(src.slice(from, to)), from, piece, { last: null })) return false;
    }
    visit(piece);
  }
  return true;
}

function chunkedTree(src: string, chunkChars: number, fast: boolean): SyntaxNode | null {
  const root: SyntaxNode = { name: 'Script', from: 0, to: src.length, firstChild: null, nextSibling: null };
  let last: SyntaxNode | null = null;
  const joined = eachPiece(src, chunkChars, fast, (piece) => {
    for (let c = piece.firstChild; c; c = c.nextSibling) {
      if (last) last.nextSibling = c;
      else root.firstChild = c;
      last = c;
    }
  });
  return joined ? root : null;
}

/** Adds a parsed tree's nodes (shifted by `offset`) under `root`, after `top.last`; false on a parse error. */
function appendTree(tree: Tree, offset: number, root: SyntaxNode, top: { last: SyntaxNode | null }): boolean {
  const stack: SyntaxNode[] = [];
  const last: (SyntaxNode | null)[] = [];
  let ok = true;
  tree.iterate({
    enter(n) {
      if (stack.length === 0) {
        stack.push(root);
        last[0] = top.last;
        return;
      }
      if (n.type.isError) ok = false;
      const node: SyntaxNode = { name: n.type.name, from: n.from + offset, to: n.to + offset, firstChild: null, nextSibling: null };
      const depth = stack.length - 1;
      const prev = last[depth];
      if (prev) prev.nextSibling = node;
      else stack[depth].firstChild = node;
      last[depth] = node;
      stack.push(node);
      last[stack.length - 1] = null;
    },
    leave() {
      stack.pop();
    },
  });
  top.last = last[0];
  return ok;
}

export interface Span {
  from: number;
  to: number;
}

export type Expr = Span &
  (
    | { t: 'num'; v: number; int: boolean }
    | { t: 'str'; v: string }
    | { t: 'name'; id: string }
    | { t: 'const'; v: boolean | null }
    | { t: 'ellipsis' }
    | { t: 'attr'; obj: Expr; name: string }
    | { t: 'sub'; obj: Expr; items: SliceItem[]; tuple: boolean }
    | { t: 'call'; fn: Expr; args: Arg[] }
    | { t: 'bin'; op: string; l: Expr; r: Expr }
    | { t: 'unary'; op: string; e: Expr }
    | { t: 'seq'; kind: 'tuple' | 'list' | 'set'; items: Expr[] }
    | { t: 'starred'; e: Expr }
    | { t: 'dict'; entries: [Expr, Expr][] }
    | { t: 'comp'; kind: 'list' | 'gen' | 'set' | 'dict'; elt: Expr; val?: Expr; gens: CompFor[] }
    | { t: 'ifexp'; test: Expr; body: Expr; orelse: Expr }
    | { t: 'lambda'; params: Param[]; body: Expr }
    | { t: 'fstr'; parts: (string | Expr)[] }
    | { t: 'unknown'; what: string }
  );

export type SliceItem = Span & ({ t: 'index'; e: Expr } | { t: 'slice'; lo?: Expr; hi?: Expr; step?: Expr });

export interface Arg {
  name?: string;
  star?: '*' | '**';
  value: Expr;
  span: Span;
}

export interface CompFor {
  target: Expr;
  iter: Expr;
  ifs: Expr[];
}

export interface Param {
  name: string;
  star?: '*' | '**';
  def?: Expr;
}

export type Stmt = Span &
  (
    | { t: 'expr'; e: Expr }
    | { t: 'assign'; targets: Expr[]; value: Expr }
    | { t: 'aug'; target: Expr; op: string; value: Expr }
    | { t: 'return'; value?: Expr }
    | { t: 'if'; test: Expr; body: Stmt[]; orelse: Stmt[] }
    | { t: 'for'; target: Expr; iter: Expr; body: Stmt[] }
    | { t: 'while'; test: Expr; body: Stmt[] }
    | { t: 'def'; name: string; nameSpan: Span; params: Param[]; body: Stmt[] }
    | { t: 'class'; name: string; nameSpan: Span; bases: Expr[]; body: Stmt[] }
    | { t: 'import'; names: { path: string; alias: string }[] }
    | { t: 'block'; body: Stmt[] }
    | { t: 'flow'; what: 'pass' | 'break' | 'continue' | 'raise' | 'other' }
  );

const SKIP = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '⚠', 'Comment', '.', 'TypeDef']);

function kids(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c);
  return out;
}

/** Splits a node's children on commas into groups, dropping brackets, for argument and element lists. */
function groups(n: SyntaxNode): SyntaxNode[][] {
  const out: SyntaxNode[][] = [];
  let cur: SyntaxNode[] = [];
  for (const c of kids(n)) {
    if (c.name === ',') {
      out.push(cur);
      cur = [];
    } else if (!['(', ')', '[', ']', '{', '}', '⚠', 'Comment'].includes(c.name)) cur.push(c);
  }
  if (cur.length) out.push(cur);
  return out.filter((g) => g.length > 0);
}

export class Converter {
  constructor(readonly src: string) {}

  text(n: Span): string {
    return this.src.slice(n.from, n.to);
  }

  unknown(n: SyntaxNode, what: string): Expr {
    return { t: 'unknown', what, from: n.from, to: n.to };
  }

  expr(n: SyntaxNode | null): Expr {
    if (!n) return { t: 'unknown', what: 'missing expression', from: 0, to: 0 };
    const sp = { from: n.from, to: n.to };
    switch (n.name) {
      case 'Number': {
        const raw = this.text(n).replace(/_/g, '').toLowerCase();
        if (raw.endsWith('j')) return this.unknown(n, 'complex number');
        const isInt = /^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/.test(raw);
        let v: number;
        if (raw.startsWith('0o')) v = parseInt(raw.slice(2), 8);
        else if (raw.startsWith('0b')) v = parseInt(raw.slice(2), 2);
        else v = Number(raw);
        return { t: 'num', v, int: isInt, ...sp };
      }
      case 'String':
        return { t: 'str', v: this.stringValue(this.text(n)), ...sp };
      case 'ContinuedString': {
        const parts: (string | Expr)[] = [];
        for (const k of kids(n)) {
          if (k.name === 'String') parts.push(this.stringValue(this.text(k)));
          else if (k.name === 'FormatString') {
            const f = this.fstring(k);
            if (f.t !== 'fstr') return f;
            parts.push(...f.parts);
          } else return this.unknown(n, 'string');
        }
        return parts.every((p) => typeof p === 'string') ? { t: 'str', v: parts.join(''), ...sp } : { t: 'fstr', parts, ...sp };
      }
      case 'FormatString':
        return this.fstring(n);
      case 'VariableName':
        return { t: 'name', id: this.text(n), ...sp };
      case 'Boolean':
        return { t: 'const', v: this.text(n) === 'True', ...sp };
      case 'None':
        return { t: 'const', v: null, ...sp };
      case 'Ellipsis':
        return { t: 'ellipsis', ...sp };
      case 'ParenthesizedExpression': {
        const inner = kids(n).filter((k) => !SKIP.has(k.name));
        return inner.length === 1 ? this.expr(inner[0]) : this.unknown(n, 'parenthesised expression');
      }
      case 'MemberExpression':
        return this.member(n);
      case 'CallExpression': {
        const cs = kids(n);
        const fn = this.expr(cs[0] ?? null);
        const argList = cs.find((c) => c.name === 'ArgList');
        return { t: 'call', fn, args: argList ? this.args(argList) : [], ...sp };
      }
      case 'BinaryExpression':
        return this.binary(n);
      case 'UnaryExpression': {
        const cs = kids(n);
        const op = cs[0] ? this.text(cs[0]) : '-';
        return { t: 'unary', op, e: this.expr(cs[1] ?? null), ...sp };
      }
      case 'TupleExpression':
      case 'ArrayExpression':
      case 'SetExpression': {
        const kind = n.name === 'TupleExpression' ? 'tuple' : n.name === 'ArrayExpression' ? 'list' : 'set';
        return { t: 'seq', kind, items: groups(n).map((g) => this.element(g)), ...sp };
      }
      case 'DictionaryExpression': {
        const entries: [Expr, Expr][] = [];
        for (const g of groups(n)) {
          const parts = g.filter((c) => c.name !== ':');
          if (parts.length === 2) entries.push([this.expr(parts[0]), this.expr(parts[1])]);
        }
        return { t: 'dict', entries, ...sp };
      }
      case 'ArrayComprehensionExpression':
      case 'ComprehensionExpression':
      case 'SetComprehensionExpression':
      case 'DictionaryComprehensionExpression':
        return this.comprehension(n);
      case 'ConditionalExpression': {
        const cs = kids(n).filter((c) => c.name !== 'if' && c.name !== 'else');
        return { t: 'ifexp', body: this.expr(cs[0] ?? null), test: this.expr(cs[1] ?? null), orelse: this.expr(cs[2] ?? null), ...sp };
      }
      case 'LambdaExpression': {
        const cs = kids(n);
        const pl = cs.find((c) => c.name === 'ParamList');
        const body = cs[cs.length - 1];
        return { t: 'lambda', params: pl ? this.params(pl) : [], body: this.expr(body ?? null), ...sp };
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
      if (r.from > at) parts.push(this.src.slice(at, r.from).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
      const inner = kids(r).filter((c) => c.name !== '{' && c.name !== '}');
      if (inner.length !== 1) return this.unknown(n, 'f-string with a format spec');
      parts.push(this.expr(inner[0]));
      at = r.to;
    }
    if (bodyTo > at) parts.push(this.src.slice(at, bodyTo).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
    return { t: 'fstr', parts, from: n.from, to: n.to };
  }

  private stringValue(raw: string): string {
    const m = /^([a-zA-Z]*)('''|"""|'|")([\s\S]*?)\2$/.exec(raw);
    if (!m) return raw;
    return m[3].replace(/\\n/g, '\n').replace(/\\(['"\\])/g, '$1');
  }

  private element(g: SyntaxNode[]): Expr {
    if (g[0]?.name === '*' && g[1]) return { t: 'starred', e: this.expr(g[1]), from: g[0].from, to: g[1].to };
    return this.expr(g[0] ?? null);
  }

  private member(n: SyntaxNode): Expr {
    const cs = kids(n);
    const obj = this.expr(cs[0] ?? null);
    const sp = { from: n.from, to: n.to };
    if (cs[1]?.name === '.') {
      const prop = cs[2];
      return { t: 'attr', obj, name: prop ? this.text(prop) : '', ...sp };
    }
    // Subscript: children between [ and ] are flat; commas split items, colons split slice parts.
    const inner = cs.slice(1).filter((c) => c.name !== '[' && c.name !== ']' && c.name !== '⚠');
    const items: SliceItem[] = [];
    let cur: SyntaxNode[] = [];
    let sawComma = false;
    const flush = (): void => {
      if (cur.length === 0) return;
      const from = cur[0].from;
      const to = cur[cur.length - 1].to;
      if (cur.some((c) => c.name === ':')) {
        const parts: (SyntaxNode | undefined)[] = [undefined];
        for (const c of cur) {
          if (c.name === ':') parts.push(undefined);
          else parts[parts.length - 1] = c;
        }
        items.push({
          t: 'slice',
          lo: parts[0] ? this.expr(parts[0]) : undefined,
          hi: parts[1] ? this.expr(parts[1]) : undefined,
          step: parts[2] ? this.expr(parts[2]) : undefined,
          from,
          to,
        });
      } else items.push({ t: 'index', e: this.expr(cur[0]), from, to });
      cur = [];
    };
    for (const c of inner) {
      if (c.name === ',') {
        sawComma = true;
        flush();
      } else cur.push(c);
    }
    flush();
    return { t: 'sub', obj, items, tuple: sawComma, ...sp };
  }

  private binary(n: SyntaxNode): Expr {
    const cs = kids(n);
    const sp = { from: n.from, to: n.to };
    const l = this.expr(cs[0] ?? null);
    const r = this.expr(cs[cs.length - 1] ?? null);
    const opNodes = cs.slice(1, -1);
    const op = opNodes.map((o) => this.text(o)).join(' ');
    if (op === 'and' || op === 'or') return { t: 'bin', op, l, r, ...sp };
    return { t: 'bin', op, l, r, ...sp };
  }

  private comprehension(n: SyntaxNode): Expr {
    const kind =
      n.name === 'ArrayComprehensionExpression' ? 'list' : n.name === 'ComprehensionExpression' ? 'gen' : n.name === 'SetComprehensionExpression' ? 'set' : 'dict';
    const cs = kids(n).filter((c) => !['(', ')', '[', ']', '{', '}', '⚠'].includes(c.name));
    const sp = { from: n.from, to: n.to };
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
    return { t: 'comp', kind, elt, val, gens, ...sp };
  }

  /** `a, b` in a for/comprehension target arrives as flat nodes with commas. */
  private targetFrom(nodes: SyntaxNode[]): Expr {
    const parts = nodes.filter((c) => c.name !== ',');
    if (parts.length === 1 && !nodes.some((c) => c.name === ',')) return this.expr(parts[0]);
    const from = nodes[0]?.from ?? 0;
    const to = nodes[nodes.length - 1]?.to ?? 0;
    return { t: 'seq', kind: 'tuple', items: parts.map((p) => this.expr(p)), from, to };
  }

  args(n: SyntaxNode): Arg[] {
    const out: Arg[] = [];
    for (const g of groups(n)) {
      const span = { from: g[0].from, to: g[g.length - 1].to };
      if (g[0].name === '*' || g[0].name === '**') {
        out.push({ star: g[0].name, value: this.expr(g[1] ?? null), span });
      } else if (g.length >= 3 && g[1].name === 'AssignOp') {
        out.push({ name: this.text(g[0]), value: this.expr(g[2]), span });
      } else if (g.length > 1 && (g[1].name === 'for' || g[1].name === 'async')) {
        // A bare generator argument: f(x for x in y).
        const fake = { from: span.from, to: span.to };
        out.push({ value: { t: 'unknown', what: 'generator argument', ...fake }, span });
      } else out.push({ value: this.expr(g[0]), span });
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

  body(n: SyntaxNode | undefined): Stmt[] {
    if (!n) return [];
    const out: Stmt[] = [];
    for (const c of kids(n)) this.stmtInto(c, out);
    return out;
  }

  stmtInto(n: SyntaxNode, out: Stmt[]): void {
    const sp = { from: n.from, to: n.to };
    const cs = kids(n);
    switch (n.name) {
      case 'ExpressionStatement':
        if (cs[0]) out.push({ t: 'expr', e: this.expr(cs[0]), ...sp });
        return;
      case 'AssignStatement': {
        // Segments separated by '=': every segment but the last is a target; each may be a flat tuple.
        const segs: SyntaxNode[][] = [[]];
        for (const c of cs) {
          if (c.name === 'AssignOp') segs.push([]);
          else if (c.name !== 'TypeDef' && c.name !== '⚠') segs[segs.length - 1].push(c);
        }
        if (segs.length < 2) {
          if (segs[0][0]) out.push({ t: 'expr', e: this.expr(segs[0][0]), ...sp });
          return;
        }
        const exprs = segs.map((s) => this.targetFrom(s));
        out.push({ t: 'assign', targets: exprs.slice(0, -1), value: exprs[exprs.length - 1], ...sp });
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
          ...sp,
        });
        return;
      }
      case 'ReturnStatement': {
        const rest = cs.slice(1);
        out.push({ t: 'return', value: rest.length ? this.targetFrom(rest) : undefined, ...sp });
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
            const st: Stmt = { t: 'if', test: this.expr(cl.test), body: this.body(cl.body), orelse, ...sp };
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
          iter: this.targetFrom(iterNodes.slice(0, iterNodes.findIndex((c) => c.name === ':') < 0 ? undefined : iterNodes.findIndex((c) => c.name === ':'))),
          body: this.body(bodyNode),
          ...sp,
        });
        return;
      }
      case 'WhileStatement': {
        const bodyNode = cs.find((c) => c.name === 'Body');
        out.push({ t: 'while', test: this.expr(cs[1] ?? null), body: this.body(bodyNode), ...sp });
        return;
      }
      case 'FunctionDefinition': {
        const nameNode = cs.find((c) => c.name === 'VariableName');
        const pl = cs.find((c) => c.name === 'ParamList');
        if (!nameNode) return;
        out.push({
          t: 'def',
          name: this.text(nameNode),
          nameSpan: { from: nameNode.from, to: nameNode.to },
          params: pl ? this.params(pl) : [],
          body: this.body(cs.find((c) => c.name === 'Body')),
          ...sp,
        });
        return;
      }
      case 'ClassDefinition': {
        const nameNode = cs.find((c) => c.name === 'VariableName');
        if (!nameNode) return;
        const al = cs.find((c) => c.name === 'ArgList');
        out.push({
          t: 'class',
          name: this.text(nameNode),
          nameSpan: { from: nameNode.from, to: nameNode.to },
          bases: al ? this.args(al).map((a) => a.value) : [],
          body: this.body(cs.find((c) => c.name === 'Body')),
          ...sp,
        });
        return;
      }
      case 'DecoratedStatement':
        for (const c of cs) if (c.name !== 'Decorator') this.stmtInto(c, out);
        return;
      case 'ImportStatement':
        out.push({ t: 'import', names: this.importNames(cs), ...sp });
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
            body.push({ t: 'assign', targets: [this.expr(tgt)], value: { t: 'unknown', what: 'context manager', from: tgt.from, to: tgt.to }, ...sp });
          }
        }
        for (const b of first) body.push(...this.body(b));
        out.push({ t: 'block', body, ...sp });
        return;
      }
      case 'PassStatement':
        out.push({ t: 'flow', what: 'pass', ...sp });
        return;
      case 'BreakStatement':
        out.push({ t: 'flow', what: 'break', ...sp });
        return;
      case 'ContinueStatement':
        out.push({ t: 'flow', what: 'continue', ...sp });
        return;
      case 'RaiseStatement':
        out.push({ t: 'flow', what: 'raise', ...sp });
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
      }
      if (cur) res.push({ path: cur, alias });
      return res;
    };
    if (isFrom) {
      const mod = readDotted(cs.slice(1, importIdx))[0]?.path ?? '';
      for (const it of readDotted(cs.slice(importIdx + 1))) {
        out.push({ path: `${mod}.${it.path}`, alias: it.alias ?? it.path });
      }
    } else {
      for (const it of readDotted(cs.slice(importIdx + 1))) {
        // `import torch.nn` binds `torch`; `import torch.nn as nn` binds `nn`.
        out.push(it.alias ? { path: it.path, alias: it.alias } : { path: it.path.split('.')[0], alias: it.path.split('.')[0] });
      }
    }
    return out;
  }
}

export interface ParsedFile {
  src: string;
  stmts: Stmt[];
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
  if (src.length > 2 * CHUNK_CHARS && eachPiece(src, CHUNK_CHARS, true, convert)) return { src, stmts };
  stmts.length = 0;
  convert(wholeTree(src, true));
  return { src, stmts };
}

/** Offsets to 1-based line/column, by binary search over line starts. */
export class LineIndex {
  private starts: number[] = [0];
  constructor(src: string) {
    for (let i = 0; i < src.length; i++) if (src.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  pos(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
  range(sp: Span): { line: number; column: number; endLine: number; endColumn: number } {
    const a = this.pos(sp.from);
    const b = this.pos(sp.to);
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
  lineStart(line: number): number {
    return this.starts[line - 1] ?? 0;
  }
}
