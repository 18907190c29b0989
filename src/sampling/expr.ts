// The density compiler. User text is parsed by mathjs, the parse tree is walked against a strict
// whitelist into a tiny IR of our own, and the IR is compiled to a tree of JavaScript closures.
// Nothing the user typed is ever evaluated as code: the only things that run are the closures
// below, which can do arithmetic and call the Math functions named in FUNCTIONS.
import type { MathJsInstance, MathNode } from 'mathjs';
import { SamplingInputError } from './errors';

// mathjs' number-only build: about half the load time of the full one, and no complex, BigNumber or
// unit semantics to surprise a density. TypeScript's node10 resolution cannot see the `./number`
// export, so it is required and typed as the matching part of the full instance.
const { parse, derivative } = require('mathjs/number') as Pick<
  MathJsInstance,
  'parse' | 'derivative'
>;
import { erf } from './special';

import type { Fn2 } from './target';
export type { Fn2 };

/** One-line error with the 1-based column it refers to (when known). */
export class ExprError extends SamplingInputError {
  constructor(
    message: string,
    readonly column?: number,
  ) {
    super(message);
  }
}

// ───────────────────────────── IR ─────────────────────────────

type BinOp = '+' | '-' | '*' | '/' | '^';
export type Ir =
  | { k: 'c'; v: number }
  | { k: 'x' }
  | { k: 'y' }
  | { k: 'op'; op: BinOp; a: Ir; b: Ir }
  | { k: 'neg'; a: Ir }
  | { k: 'fn'; name: string; args: Ir[] };

/** Whitelisted functions: name → [implementation, min args, max args]. */
const FUNCTIONS: Record<string, [(...a: number[]) => number, number, number]> = {
  exp: [Math.exp, 1, 1],
  log: [
    (a: number, b?: number) => (b === undefined ? Math.log(a) : Math.log(a) / Math.log(b)),
    1,
    2,
  ],
  ln: [Math.log, 1, 1],
  log10: [Math.log10, 1, 1],
  log2: [Math.log2, 1, 1],
  log1p: [Math.log1p, 1, 1],
  expm1: [Math.expm1, 1, 1],
  sqrt: [Math.sqrt, 1, 1],
  cbrt: [Math.cbrt, 1, 1],
  abs: [Math.abs, 1, 1],
  sign: [Math.sign, 1, 1],
  sin: [Math.sin, 1, 1],
  cos: [Math.cos, 1, 1],
  tan: [Math.tan, 1, 1],
  sec: [(a: number) => 1 / Math.cos(a), 1, 1],
  csc: [(a: number) => 1 / Math.sin(a), 1, 1],
  cot: [(a: number) => 1 / Math.tan(a), 1, 1],
  asin: [Math.asin, 1, 1],
  acos: [Math.acos, 1, 1],
  atan: [Math.atan, 1, 1],
  atan2: [Math.atan2, 2, 2],
  sinh: [Math.sinh, 1, 1],
  cosh: [Math.cosh, 1, 1],
  tanh: [Math.tanh, 1, 1],
  sech: [(a: number) => 1 / Math.cosh(a), 1, 1],
  csch: [(a: number) => 1 / Math.sinh(a), 1, 1],
  coth: [(a: number) => 1 / Math.tanh(a), 1, 1],
  asinh: [Math.asinh, 1, 1],
  acosh: [Math.acosh, 1, 1],
  atanh: [Math.atanh, 1, 1],
  erf: [erf, 1, 1],
  pow: [Math.pow, 2, 2],
  square: [(a: number) => a * a, 1, 1],
  cube: [(a: number) => a * a * a, 1, 1],
  min: [Math.min, 1, 16],
  max: [Math.max, 1, 16],
};
const CONSTANTS: Record<string, number> = {
  pi: Math.PI,
  e: Math.E,
  tau: 2 * Math.PI,
  PI: Math.PI,
  E: Math.E,
};
const MAX_LENGTH = 2000;
const MAX_DEPTH = 200;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

// ───────────────────────────── parse + whitelist ─────────────────────────────

/** Column (1-based) of the first whole-word occurrence of `word` in `text`, else of its first character. */
function columnOf(text: string, word: string): number | undefined {
  const re = new RegExp(`(^|[^A-Za-z0-9_])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const m = re.exec(text);
  if (m) return m.index + m[1].length + 1;
  const i = text.indexOf(word);
  return i >= 0 ? i + 1 : undefined;
}

function fail(text: string, what: string, token?: string): never {
  const col = token !== undefined ? columnOf(text, token) : undefined;
  throw new ExprError(col !== undefined ? `${what} (column ${col})` : what, col);
}

const HINT = 'use numbers, x (and y), pi, e, + - * / ^ and functions like exp, log, sin, sqrt';

interface Node0 {
  type: string;
}

/** Walks the mathjs tree; anything not explicitly allowed is an error. */
function toIr(node: MathNode, text: string, depth: number): Ir {
  if (depth > MAX_DEPTH) fail(text, 'expression nested too deeply');
  const n = node as unknown as Node0 & Record<string, unknown>;
  switch (n.type) {
    case 'ConstantNode': {
      const v = n.value;
      if (typeof v !== 'number') {
        fail(
          text,
          typeof v === 'string'
            ? `strings are not allowed in a density; ${HINT}`
            : `only plain numbers are allowed; ${HINT}`,
          typeof v === 'string' ? '"' : undefined,
        );
      }
      return { k: 'c', v };
    }
    case 'SymbolNode': {
      const name = n.name as string;
      if (name === 'x') return { k: 'x' };
      if (name === 'y') return { k: 'y' };
      if (hasOwn(CONSTANTS, name)) return { k: 'c', v: CONSTANTS[name] };
      if (hasOwn(FUNCTIONS, name)) fail(text, `'${name}' is a function: write ${name}(…)`, name);
      fail(text, `unknown name '${name}'; ${HINT}`, name);
      break;
    }
    case 'ParenthesisNode':
      return toIr(n.content as MathNode, text, depth + 1);
    case 'OperatorNode': {
      const fn = n.fn as string;
      const args = (n.args as MathNode[]).map((a) => toIr(a, text, depth + 1));
      const binary: Record<string, BinOp> = {
        add: '+',
        subtract: '-',
        multiply: '*',
        divide: '/',
        pow: '^',
      };
      if (hasOwn(binary, fn) && args.length === 2)
        return { k: 'op', op: binary[fn], a: args[0], b: args[1] };
      if (fn === 'unaryMinus' && args.length === 1) return { k: 'neg', a: args[0] };
      if (fn === 'unaryPlus' && args.length === 1) return args[0];
      fail(
        text,
        `operator '${n.op as string}' is not allowed in a density; ${HINT}`,
        n.op as string,
      );
      break;
    }
    case 'FunctionNode': {
      const fnNode = n.fn as unknown as Node0 & { name?: string };
      if (fnNode.type !== 'SymbolNode' || typeof fnNode.name !== 'string')
        fail(text, `only named functions may be called; ${HINT}`, '(');
      const name = fnNode.name;
      if (!hasOwn(FUNCTIONS, name)) fail(text, `function '${name}' is not allowed; ${HINT}`, name);
      const [, lo, hi] = FUNCTIONS[name];
      const args = (n.args as MathNode[]).map((a) => toIr(a, text, depth + 1));
      if (args.length < lo || args.length > hi) {
        fail(
          text,
          `${name} takes ${lo === hi ? lo : `${lo} to ${hi}`} argument${hi === 1 ? '' : 's'}, not ${args.length}`,
          name,
        );
      }
      return { k: 'fn', name, args };
    }
    case 'AccessorNode':
      fail(
        text,
        `property access is not allowed in a density; ${HINT}`,
        text.includes('.') ? '.' : '[',
      );
      break;
    case 'AssignmentNode':
    case 'FunctionAssignmentNode':
      fail(
        text,
        `assignments and definitions are not allowed; type just the density, e.g. exp(-x^2/2)`,
        '=',
      );
      break;
    case 'ArrayNode':
    case 'IndexNode':
    case 'RangeNode':
      fail(
        text,
        `matrices, ranges and indexing are not allowed in a density; ${HINT}`,
        text.includes('[') ? '[' : ':',
      );
      break;
    case 'ObjectNode':
      fail(text, `objects are not allowed in a density; ${HINT}`, '{');
      break;
    case 'BlockNode':
      fail(text, `type one expression, not several separated by ; or newlines`, ';');
      break;
    case 'ConditionalNode':
      fail(
        text,
        `conditionals (a ? b : c) are not allowed; use --range to restrict the support`,
        '?',
      );
      break;
    case 'RelationalNode':
      fail(text, `comparisons are not allowed; use --range to restrict the support`);
      break;
    default:
      fail(text, `'${n.type}' is not allowed in a density; ${HINT}`);
  }
}

/** Parses and whitelists `text` into the IR. Throws ExprError (one line, with a column). */
export function parseIr(text: string): Ir {
  if (text.length > MAX_LENGTH)
    throw new ExprError(`expression too long (${text.length} characters, at most ${MAX_LENGTH})`);
  if (text.trim() === '')
    throw new ExprError('empty expression; type a density in x, e.g. exp(-x^2/2)');
  let root: MathNode;
  try {
    root = parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    const ch = (e as { char?: unknown }).char;
    const col = typeof ch === 'number' ? Math.max(1, Math.min(ch, text.length + 1)) : undefined;
    const clean = msg.replace(/\s*\(char \d+\)\s*$/, '');
    throw new ExprError(col !== undefined ? `${clean} (column ${col})` : clean, col);
  }
  return toIr(root, text, 0);
}

export function usesVar(ir: Ir, v: 'x' | 'y'): boolean {
  switch (ir.k) {
    case 'c':
      return false;
    case 'x':
      return v === 'x';
    case 'y':
      return v === 'y';
    case 'op':
      return usesVar(ir.a, v) || usesVar(ir.b, v);
    case 'neg':
      return usesVar(ir.a, v);
    case 'fn':
      return ir.args.some((a) => usesVar(a, v));
  }
}

// ───────────────────────────── simplification ─────────────────────────────

const C = (v: number): Ir => ({ k: 'c', v });

function evalConst(ir: Ir): number | undefined {
  return ir.k === 'c' ? ir.v : undefined;
}

/** Constant folding, so closures never recompute things like 1/(2*0.5^2) per evaluation. */
export function fold(ir: Ir): Ir {
  switch (ir.k) {
    case 'c':
    case 'x':
    case 'y':
      return ir;
    case 'neg': {
      const a = fold(ir.a);
      if (a.k === 'c') return C(-a.v);
      if (a.k === 'neg') return a.a;
      // −(c·a) → (−c)·a, so a negated square costs no extra call.
      if (a.k === 'op' && a.op === '*' && a.a.k === 'c')
        return { k: 'op', op: '*', a: C(-a.a.v), b: a.b };
      return fold({ k: 'op', op: '*', a: C(-1), b: a });
    }
    case 'op': {
      const a = fold(ir.a);
      const b = fold(ir.b);
      const ca = evalConst(a);
      const cb = evalConst(b);
      if (ca !== undefined && cb !== undefined) return C(binop(ir.op, ca, cb));
      if (ir.op === '*' && ca === 1) return b;
      if ((ir.op === '*' || ir.op === '/') && cb === 1) return a;
      if (ir.op === '+' && ca === 0) return b;
      if ((ir.op === '+' || ir.op === '-') && cb === 0) return a;
      if (ir.op === '^' && cb === 1) return a;
      // Normalise products to (constant)·(rest) and merge nested constants: x^2/2 → 0.5·x², −(…)
      // becomes (−1)·(…), c₁·(c₂·a) → (c₁c₂)·a. Fewer closures per evaluation; a/c becomes a·(1/c),
      // which can differ from a/c in the last bit only.
      if (ir.op === '/' && cb !== undefined && cb !== 0)
        return fold({ k: 'op', op: '*', a: C(1 / cb), b: a });
      if (ir.op === '*' && cb !== undefined) return fold({ k: 'op', op: '*', a: b, b: a });
      if (ir.op === '*' && ca !== undefined && b.k === 'op' && b.op === '*' && b.a.k === 'c')
        return fold({ k: 'op', op: '*', a: C(ca * b.a.v), b: b.b });
      if (ir.op === '*' && ca !== undefined && b.k === 'op' && b.op === '/' && b.a.k === 'c')
        return { k: 'op', op: '/', a: C(ca * b.a.v), b: b.b };
      return { k: 'op', op: ir.op, a, b };
    }
    case 'fn': {
      const args = ir.args.map(fold);
      if (args.every((a) => a.k === 'c'))
        return C(FUNCTIONS[ir.name][0](...args.map((a) => (a as { v: number }).v)));
      return { k: 'fn', name: ir.name, args };
    }
  }
}

function binop(op: BinOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '^':
      return Math.pow(a, b);
  }
}

// ───────────────────────────── log f ─────────────────────────────

/** What is known about the sign of an expression everywhere: > 0, ≥ 0 (NaN allowed in both), or nothing. */
type Sign = 'pos' | 'nonneg' | 'any';
const RANK: Record<Sign, number> = { any: 0, nonneg: 1, pos: 2 };
const weakest = (a: Sign, b: Sign): Sign => (RANK[a] <= RANK[b] ? a : b);
const atLeastNonneg = (s: Sign): boolean => s !== 'any';
const isEvenInt = (p: number): boolean => Number.isInteger(p) && p % 2 === 0;
const same = (a: Ir, b: Ir): boolean => irToString(a) === irToString(b);

/** A conservative sign analysis: 'pos' or 'nonneg' only when it holds for every x (and y). */
export function signOf(ir: Ir): Sign {
  switch (ir.k) {
    case 'c':
      return ir.v > 0 ? 'pos' : ir.v === 0 ? 'nonneg' : 'any';
    case 'x':
    case 'y':
    case 'neg':
      return 'any';
    case 'op': {
      const a = signOf(ir.a),
        b = signOf(ir.b);
      switch (ir.op) {
        case '+':
          return a === 'pos' && atLeastNonneg(b)
            ? 'pos'
            : b === 'pos' && atLeastNonneg(a)
              ? 'pos'
              : weakest(a, b);
        case '-':
          return 'any';
        case '*':
          return same(ir.a, ir.b) ? (a === 'pos' ? 'pos' : 'nonneg') : weakest(a, b);
        case '/':
          return weakest(a, b);
        case '^':
          if (ir.b.k === 'c' && isEvenInt(ir.b.v)) return a === 'pos' ? 'pos' : 'nonneg';
          if (ir.a.k === 'c' && ir.a.v > 0) return 'pos';
          return a;
      }
      break;
    }
    case 'fn': {
      const s = ir.args.map(signOf);
      switch (ir.name) {
        case 'exp':
        case 'cosh':
        case 'sech':
          return 'pos';
        case 'abs':
        case 'square':
          return s[0] === 'pos' ? 'pos' : 'nonneg';
        case 'sqrt':
        case 'acos':
          return s[0] === 'pos' && ir.name === 'sqrt' ? 'pos' : 'nonneg';
        case 'cbrt':
        case 'cube':
          return s[0];
        case 'pow':
          return signOf({ k: 'op', op: '^', a: ir.args[0], b: ir.args[1] });
        case 'min':
          return s.reduce(weakest);
        case 'max':
          return s.some((v) => v === 'pos')
            ? 'pos'
            : s.some((v) => v === 'nonneg')
              ? 'nonneg'
              : 'any';
        default:
          return 'any';
      }
    }
  }
  return 'any';
}

const LOG = (a: Ir): Ir => ({ k: 'fn', name: 'log', args: [a] });
const ABS = (a: Ir): Ir => ({ k: 'fn', name: 'abs', args: [a] });
const mul = (a: Ir, b: Ir): Ir => ({ k: 'op', op: '*', a, b });
const add = (a: Ir, b: Ir): Ir => ({ k: 'op', op: '+', a, b });
const sub = (a: Ir, b: Ir): Ir => ({ k: 'op', op: '-', a, b });

/** The constant exponent of a^p or pow(a, p), if it is one. */
function powParts(ir: Ir): { base: Ir; p: number } | undefined {
  if (ir.k === 'op' && ir.op === '^' && ir.b.k === 'c') return { base: ir.a, p: ir.b.v };
  if (ir.k === 'fn' && ir.name === 'pow' && ir.args[1].k === 'c')
    return { base: ir.args[0], p: ir.args[1].v };
  return undefined;
}

/** log |a|, symbolic where that is exact for every sign: log|a·b| = log|a| + log|b| always holds. */
function logAbs(ir: Ir): Ir {
  if (ir.k === 'c') return C(Math.log(Math.abs(ir.v)));
  if (ir.k === 'neg') return logAbs(ir.a);
  if (ir.k === 'op' && ir.op === '*') return add(logAbs(ir.a), logAbs(ir.b));
  if (ir.k === 'op' && ir.op === '/') return sub(logAbs(ir.a), logAbs(ir.b));
  const pw = powParts(ir);
  if (pw && Number.isInteger(pw.p)) return pw.p === 0 ? C(0) : mul(C(pw.p), logAbs(pw.base));
  if (ir.k === 'fn') {
    if (ir.name === 'exp' || ir.name === 'sqrt') return logOf(ir);
    if (ir.name === 'abs') return logAbs(ir.args[0]);
    if (ir.name === 'square') return mul(C(2), logAbs(ir.args[0]));
    if (ir.name === 'cube') return mul(C(3), logAbs(ir.args[0]));
  }
  return atLeastNonneg(signOf(ir)) ? logOf(ir) : LOG(ABS(ir));
}

/** Flattens a chain of * and / into its factors; `den` marks divisors. */
function factorsOf(ir: Ir, den: boolean, out: { ir: Ir; den: boolean }[]): void {
  if (ir.k === 'op' && (ir.op === '*' || ir.op === '/')) {
    factorsOf(ir.a, den, out);
    factorsOf(ir.b, ir.op === '/' ? !den : den, out);
  } else out.push({ ir, den });
}

/**
 * log of a product or quotient. Rewriting log(a·b) as log a + log b is only right where a, b ≥ 0:
 * for x·x it gives NaN at every x < 0 although x·x > 0 there. So equal factors are grouped first
 * (x·x·x·x is x⁴, an even power, whose log is 4·log|x|), factors of known sign (exp, even powers,
 * positive constants) are split off, and the factors whose sign is unknown stay together as one
 * product whose log is taken as is: the result is NaN exactly where the whole product is negative.
 */
function logOfProduct(ir: Ir): Ir {
  const fs: { ir: Ir; den: boolean }[] = [];
  factorsOf(ir, false, fs);
  const groups = new Map<string, { ir: Ir; den: boolean; count: number }>();
  for (const f of fs) {
    const key = (f.den ? '/' : '*') + irToString(f.ir);
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { ir: f.ir, den: f.den, count: 1 });
  }
  let known: Ir | undefined;
  const unknown: { ir: Ir; den: boolean; count: number }[] = [];
  const addTerm = (term: Ir, den: boolean): void => {
    known =
      known === undefined
        ? den
          ? mul(C(-1), term)
          : term
        : den
          ? sub(known, term)
          : add(known, term);
  };
  for (const g of groups.values()) {
    if (g.count % 2 === 0) addTerm(mul(C(g.count), logAbs(g.ir)), g.den);
    else if (atLeastNonneg(signOf(g.ir)))
      addTerm(g.count === 1 ? logOf(g.ir) : mul(C(g.count), logOf(g.ir)), g.den);
    else unknown.push(g);
  }
  if (unknown.length === 1 && unknown[0].count === 1) {
    addTerm(logOf(unknown[0].ir), unknown[0].den);
  } else if (unknown.length > 0) {
    // Rebuilt as typed (repeated factors multiplied out), so its sign is the product's sign.
    let num: Ir | undefined, dnm: Ir | undefined;
    for (const g of unknown)
      for (let i = 0; i < g.count; i++) {
        if (g.den) dnm = dnm === undefined ? g.ir : mul(dnm, g.ir);
        else num = num === undefined ? g.ir : mul(num, g.ir);
      }
    const u: Ir = dnm === undefined ? (num as Ir) : { k: 'op', op: '/', a: num ?? C(1), b: dnm };
    addTerm(LOG(u), false);
  }
  return known ?? C(0);
}

/**
 * log f built symbolically where that is exact, so that far tails do not underflow:
 * log(exp(a)) = a, log √a = ½ log a, log(a^p) = p·log a (p·log|a| for even integer p, since
 * a^p ≥ 0 there), log(c^b) = b·log c for c > 0, products and quotients by logOfProduct.
 * Everything else is log(·). The invariant: wherever f is a finite number, the result is log f
 * (NaN where f < 0, −∞ where f = 0), so negativity is never hidden.
 */
export function logOf(ir: Ir): Ir {
  if (ir.k === 'c') return C(Math.log(ir.v));
  if (ir.k === 'fn' && ir.name === 'exp') return ir.args[0];
  if (ir.k === 'fn' && ir.name === 'sqrt') return mul(C(0.5), logOf(ir.args[0]));
  if (ir.k === 'fn' && ir.name === 'abs') return logAbs(ir.args[0]);
  if (ir.k === 'fn' && ir.name === 'square') return mul(C(2), logAbs(ir.args[0]));
  if (ir.k === 'op' && (ir.op === '*' || ir.op === '/')) return logOfProduct(ir);
  const pw = powParts(ir);
  if (pw) {
    // a^0 is 1 even for a = NaN or ∞ (Math.pow), where 0·log a would be NaN.
    if (pw.p === 0) return C(0);
    if (isEvenInt(pw.p)) return mul(C(pw.p), logAbs(pw.base));
    // Odd or fractional p: a < 0 gives a^p < 0 or NaN, and log a is NaN there too.
    return mul(C(pw.p), logOf(pw.base));
  }
  if (ir.k === 'op' && ir.op === '^' && ir.a.k === 'c' && ir.a.v > 0)
    return mul(ir.b, C(Math.log(ir.a.v)));
  return LOG(ir);
}

/** IR → mathjs text, fully parenthesised, for `derivative`. */
export function irToString(ir: Ir): string {
  switch (ir.k) {
    case 'c': {
      if (Number.isNaN(ir.v)) return '(0/0)';
      if (!Number.isFinite(ir.v)) return ir.v > 0 ? '(1/0)' : '(-1/0)';
      return ir.v < 0 ? `(${String(ir.v)})` : String(ir.v);
    }
    case 'x':
      return 'x';
    case 'y':
      return 'y';
    case 'neg':
      return `(-${irToString(ir.a)})`;
    case 'op':
      return `(${irToString(ir.a)} ${ir.op} ${irToString(ir.b)})`;
    case 'fn':
      return `${ir.name}(${ir.args.map(irToString).join(', ')})`;
  }
}

// ───────────────────────────── closure compiler ─────────────────────────────

/**
 * IR → closure. Specialises the common shapes (constant operands, integer powers, a bare variable
 * as argument) so a typical density costs a handful of calls per evaluation.
 */
export function compileIr(ir0: Ir): Fn2 {
  return comp(fold(ir0));
}

function comp(ir: Ir): Fn2 {
  switch (ir.k) {
    case 'c': {
      const v = ir.v;
      return () => v;
    }
    case 'x':
      return (x) => x;
    case 'y':
      return (_x, y) => y;
    case 'neg': {
      const a = comp(ir.a);
      return (x, y) => -a(x, y);
    }
    case 'fn':
      return compFn(ir.name, ir.args);
    case 'op':
      return compOp(ir.op, ir.a, ir.b);
  }
}

function compFn(name: string, args: Ir[]): Fn2 {
  const impl = FUNCTIONS[name][0];
  if (args.length === 1) {
    const a0 = args[0];
    // Direct Math.* calls on a compiled argument; V8 inlines these builtins.
    if (a0.k === 'x') {
      switch (name) {
        case 'exp':
          return (x) => Math.exp(x);
        case 'sin':
          return (x) => Math.sin(x);
        case 'cos':
          return (x) => Math.cos(x);
        case 'log':
          return (x) => Math.log(x);
        default:
          return (x) => impl(x);
      }
    }
    // sin(c·x), exp(c·x²): the shapes almost every density has, without the inner call.
    if (a0.k === 'op' && a0.op === '*' && a0.a.k === 'c' && a0.b.k === 'x') {
      const c = a0.a.v;
      if (name === 'sin') return (x) => Math.sin(c * x);
      if (name === 'cos') return (x) => Math.cos(c * x);
      if (name === 'exp') return (x) => Math.exp(c * x);
    }
    if (
      name === 'exp' &&
      a0.k === 'op' &&
      a0.op === '*' &&
      a0.a.k === 'c' &&
      a0.b.k === 'op' &&
      a0.b.op === '^' &&
      a0.b.a.k === 'x' &&
      a0.b.b.k === 'c' &&
      a0.b.b.v === 2
    ) {
      const c = a0.a.v;
      return (x) => Math.exp(c * x * x);
    }
    const a = comp(a0);
    switch (name) {
      case 'exp':
        return (x, y) => Math.exp(a(x, y));
      case 'log':
      case 'ln':
        return (x, y) => Math.log(a(x, y));
      case 'sin':
        return (x, y) => Math.sin(a(x, y));
      case 'cos':
        return (x, y) => Math.cos(a(x, y));
      case 'sqrt':
        return (x, y) => Math.sqrt(a(x, y));
      case 'abs':
        return (x, y) => Math.abs(a(x, y));
      case 'tanh':
        return (x, y) => Math.tanh(a(x, y));
      case 'log1p':
        return (x, y) => Math.log1p(a(x, y));
      case 'square':
        return (x, y) => {
          const t = a(x, y);
          return t * t;
        };
      default:
        return (x, y) => impl(a(x, y));
    }
  }
  if (args.length === 2 && name === 'pow') return compOp('^', args[0], args[1]);
  const cs = args.map(comp);
  if (cs.length === 2) {
    const [a, b] = cs;
    return (x, y) => impl(a(x, y), b(x, y));
  }
  const vals = new Float64Array(cs.length);
  return (x, y) => {
    for (let i = 0; i < cs.length; i++) vals[i] = cs[i](x, y);
    return impl(...vals);
  };
}

function compOp(op: BinOp, ia: Ir, ib: Ir): Fn2 {
  if (op === '^' && ib.k === 'c') {
    const p = ib.v;
    if (ia.k === 'x') {
      if (p === 2) return (x) => x * x;
      if (p === 3) return (x) => x * x * x;
    }
    const a = comp(ia);
    if (p === 2)
      return (x, y) => {
        const t = a(x, y);
        return t * t;
      };
    if (p === 3)
      return (x, y) => {
        const t = a(x, y);
        return t * t * t;
      };
    if (p === 4)
      return (x, y) => {
        const t = a(x, y);
        const t2 = t * t;
        return t2 * t2;
      };
    if (p === 0.5) return (x, y) => Math.sqrt(a(x, y));
    if (p === -1) return (x, y) => 1 / a(x, y);
    if (p === -2)
      return (x, y) => {
        const t = a(x, y);
        return 1 / (t * t);
      };
    return (x, y) => Math.pow(a(x, y), p);
  }
  if (op === '^' && ia.k === 'c' && ia.v === Math.E) {
    const b = comp(ib);
    return (x, y) => Math.exp(b(x, y));
  }
  // A constant on either side saves one closure call.
  if (ia.k === 'c' && op === '*') {
    const c = ia.v;
    if (ib.k === 'x') return (x) => c * x;
    if (ib.k === 'y') return (_x, y) => c * y;
    if (ib.k === 'op' && ib.op === '^' && ib.a.k === 'x' && ib.b.k === 'c' && ib.b.v === 2)
      return (x) => c * x * x;
  }
  if (ia.k === 'c') {
    const c = ia.v;
    const b = comp(ib);
    switch (op) {
      case '+':
        return (x, y) => c + b(x, y);
      case '-':
        return (x, y) => c - b(x, y);
      case '*':
        return (x, y) => c * b(x, y);
      case '/':
        return (x, y) => c / b(x, y);
      case '^':
        return (x, y) => Math.pow(c, b(x, y));
    }
  }
  if (ib.k === 'c') {
    const c = ib.v;
    const a = comp(ia);
    switch (op) {
      case '+':
        return (x, y) => a(x, y) + c;
      case '-':
        return (x, y) => a(x, y) - c;
      case '*':
        return (x, y) => a(x, y) * c;
      case '/': {
        const r = 1 / c;
        return (x, y) => a(x, y) * r;
      }
    }
  }
  const a = comp(ia);
  const b = comp(ib);
  switch (op) {
    case '+':
      return (x, y) => a(x, y) + b(x, y);
    case '-':
      return (x, y) => a(x, y) - b(x, y);
    case '*':
      return (x, y) => a(x, y) * b(x, y);
    case '/':
      return (x, y) => a(x, y) / b(x, y);
    case '^':
      return (x, y) => Math.pow(a(x, y), b(x, y));
  }
}

// ───────────────────────────── densities ─────────────────────────────

export interface CompiledDensity {
  expr: string;
  dims: 1 | 2;
  /** The text was log f rather than f. */
  isLog: boolean;
  /** Exactly what the user typed, compiled: f, or log f when isLog. */
  raw: Fn2;
  /** log f (unnormalised), built symbolically where possible (see logOf). */
  logf: Fn2;
  /** f (unnormalised): the user's closure, or exp(log f) for a log-density. */
  f: Fn2;
  /** ∂ log f/∂x and ∂ log f/∂y (the latter 0 in 1-D). */
  dlogfdx: Fn2;
  dlogfdy: Fn2;
  /** True when the gradient came from mathjs `derivative`, false when it falls back to central differences. */
  symbolicGradient: boolean;
}

function dimsOf(ir: Ir): 1 | 2 {
  const hasX = usesVar(ir, 'x');
  const hasY = usesVar(ir, 'y');
  if (!hasX && hasY)
    throw new ExprError('a 2-D density must use x as well as y; a 1-D density is written in x');
  if (!hasX) throw new ExprError(`the density must depend on x, e.g. exp(-x^2/2)`);
  return hasY ? 2 : 1;
}

/** Parses and whitelists only, for checks while the user types; throws ExprError like compileDensity. */
export function exprDims(expr: string): 1 | 2 {
  return dimsOf(fold(parseIr(expr)));
}

/** Compiles a user density; throws ExprError with a one-line message on anything not allowed. */
export function compileDensity(expr: string, logDensity = false): CompiledDensity {
  const ir = fold(parseIr(expr));
  const dims = dimsOf(ir);
  const raw = compileIr(ir);
  const logIr = fold(logDensity ? ir : logOf(ir));
  const logf = compileIr(logIr);
  const f: Fn2 = logDensity ? (x, y) => Math.exp(logf(x, y)) : raw;
  let symbolic = true;
  let dx = gradient(logIr, 'x');
  let dy: Fn2 | undefined = dims === 2 ? gradient(logIr, 'y') : () => 0;
  if (!dx || !dy) {
    symbolic = false;
    dx = (x, y) => {
      const h = 1e-5 * Math.max(1, Math.abs(x));
      return (logf(x + h, y) - logf(x - h, y)) / (2 * h);
    };
    dy = (x, y) => {
      const h = 1e-5 * Math.max(1, Math.abs(y));
      return (logf(x, y + h) - logf(x, y - h)) / (2 * h);
    };
  }
  return {
    expr,
    dims,
    isLog: logDensity,
    raw,
    logf,
    f,
    dlogfdx: dx,
    dlogfdy: dy,
    symbolicGradient: symbolic,
  };
}

/** d(logIr)/dv by mathjs `derivative`, re-checked through the same whitelist; undefined if that fails. */
function gradient(logIr: Ir, v: 'x' | 'y'): Fn2 | undefined {
  if (!usesVar(logIr, v)) return () => 0;
  try {
    const text = irToString(logIr);
    // simplify: false — mathjs' simplifier costs ~100 ms on a mixture; fold() does the constant folding.
    const d = derivative(text, v, { simplify: false });
    const dIr = fold(toIr(d, d.toString(), 0));
    return compileIr(dIr);
  } catch {
    return undefined;
  }
}
