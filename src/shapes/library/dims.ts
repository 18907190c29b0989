// Symbolic dimensions: integer polynomials over symbols (B, H, W) and floor-division atoms.
// Kept in a canonical form so that equal sizes print equally ("H-2", "⌊(H-4)/2⌋", "64*⌊(H-4)/2⌋*W")
// and so that `view(-1, C*H*W)` can divide symbolically. Anything outside this algebra is "unknown"
// (the caller gets null), never an approximation.

export type Atom =
  | { kind: 'sym'; name: string; key: string }
  | { kind: 'floor'; num: Poly; den: number; key: string };

interface Term {
  coef: number;
  atoms: Atom[]; // sorted by key; repeated atoms allowed (H*H)
}

/** A polynomial with integer coefficients. Immutable once built. */
export class Poly {
  /** dimToString's result, kept: a size is printed for every layer and variable it reaches. */
  str: string | undefined = undefined;
  constructor(readonly terms: ReadonlyMap<string, Term>) {}
}

/** A dimension value inside the engine. */
export type D = number | Poly;

/** The atoms' keys joined by '*'; most terms have none or one, which need no list or join. */
const termKey = (atoms: Atom[]): string =>
  atoms.length === 0 ? '' : atoms.length === 1 ? atoms[0].key : atoms.map((a) => a.key).join('*');

function build(terms: Term[]): D {
  const m = new Map<string, Term>();
  for (const t of terms) {
    if (t.coef === 0) continue;
    const k = termKey(t.atoms);
    const prev = m.get(k);
    const coef = (prev?.coef ?? 0) + t.coef;
    if (coef === 0) m.delete(k);
    else m.set(k, { coef, atoms: t.atoms });
  }
  if (m.size === 0) return 0;
  if (m.size === 1 && m.has('')) return m.get('')?.coef ?? 0;
  return new Poly(m);
}

function termsOf(d: D): Term[] {
  if (typeof d === 'number') return d === 0 ? [] : [{ coef: d, atoms: [] }];
  return [...d.terms.values()];
}

export function sym(name: string): D {
  return new Poly(new Map([[name, { coef: 1, atoms: [{ kind: 'sym', name, key: name }] }]]));
}

export function isNum(d: D): d is number {
  return typeof d === 'number';
}

// The shortcuts below rely on every Poly being canonical (only build and sym make them): adding 0 or
// multiplying by 1 would rebuild an equal Poly, and a Poly never equals a number, since build turns a
// constant into a number.

export function add(a: D, b: D): D {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (b === 0) return a;
  if (a === 0) return b;
  return build([...termsOf(a), ...termsOf(b)]);
}

export function neg(a: D): D {
  return typeof a === 'number'
    ? -a
    : build(termsOf(a).map((t) => ({ coef: -t.coef, atoms: t.atoms })));
}

export function sub(a: D, b: D): D {
  return add(a, neg(b));
}

export function mul(a: D, b: D): D {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (b === 1) return a;
  if (a === 1) return b;
  const out: Term[] = [];
  for (const x of termsOf(a)) {
    for (const y of termsOf(b)) {
      const atoms = [...x.atoms, ...y.atoms].sort((p, q) =>
        p.key < q.key ? -1 : p.key > q.key ? 1 : 0,
      );
      out.push({ coef: x.coef * y.coef, atoms });
    }
  }
  return build(out);
}

export function product(ds: D[]): D {
  let acc: D = 1;
  for (let i = 0; i < ds.length; i++) acc = mul(acc, ds[i]);
  return acc;
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** ⌊a / den⌋ for an integer den ≥ 1. */
export function floorDiv(a: D, den: number): D | null {
  if (!Number.isInteger(den) || den <= 0) return null;
  if (typeof a === 'number') return Math.floor(a / den);
  if (den === 1) return a;
  // Pull out every multiple of den: ⌊(d·Q + R)/d⌋ = Q + ⌊R/d⌋ when Q is an integer polynomial.
  const whole: Term[] = [];
  const rest: Term[] = [];
  for (const t of termsOf(a)) {
    const r = t.atoms.length === 0 ? mod(t.coef, den) : t.coef % den;
    const q = (t.coef - r) / den;
    if (q !== 0) whole.push({ coef: q, atoms: t.atoms });
    if (r !== 0) rest.push({ coef: r, atoms: t.atoms });
  }
  if (rest.length === 0) return build(whole);
  const restPoly = build(rest);
  if (typeof restPoly === 'number') return add(build(whole), Math.floor(restPoly / den));
  // ⌊(⌊X/a⌋ + c)/b⌋ = ⌊(X + c·a)/(a·b)⌋ for integers, which keeps chains of pools flat.
  const only = termsOf(restPoly);
  const floors = only.filter((t) => t.atoms.length > 0);
  const consts = only.filter((t) => t.atoms.length === 0);
  if (
    floors.length === 1 &&
    floors[0].coef === 1 &&
    floors[0].atoms.length === 1 &&
    floors[0].atoms[0].kind === 'floor'
  ) {
    const inner = floors[0].atoms[0];
    const c = consts[0]?.coef ?? 0;
    const f = floorDiv(add(inner.num, c * inner.den), inner.den * den);
    return f === null ? null : add(build(whole), f);
  }
  const atom: Atom = { kind: 'floor', num: restPoly, den, key: `⌊${paren(restPoly)}/${den}⌋` };
  return add(build(whole), build([{ coef: 1, atoms: [atom] }]));
}

/** ⌈a / den⌉ = −⌊−a / den⌋. */
export function ceilDiv(a: D, den: number): D | null {
  const f = floorDiv(neg(a), den);
  return f === null ? null : neg(f);
}

/** Exact division a / b when it is exact (numbers, or a monomial divisor that divides every term). */
export function exactDiv(a: D, b: D): D | null {
  if (typeof b === 'number') {
    if (b === 0) return null;
    if (typeof a === 'number') return a % b === 0 ? a / b : null;
    const ts = termsOf(a);
    if (ts.some((t) => t.coef % b !== 0)) return null;
    return build(ts.map((t) => ({ coef: t.coef / b, atoms: t.atoms })));
  }
  const bt = termsOf(b);
  if (bt.length !== 1) return equal(a, b) ? 1 : null;
  const { coef, atoms } = bt[0];
  const out: Term[] = [];
  for (const t of termsOf(a)) {
    if (t.coef % coef !== 0) return null;
    const rest = [...t.atoms];
    for (const at of atoms) {
      const i = rest.findIndex((r) => r.key === at.key);
      if (i < 0) return null;
      rest.splice(i, 1);
    }
    out.push({ coef: t.coef / coef, atoms: rest });
  }
  return build(out);
}

export function equal(a: D, b: D): boolean {
  const d = sub(a, b);
  return d === 0;
}

/** True/false when decidable, null when it depends on symbol values. */
export function knownEqual(a: D, b: D): boolean | null {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (typeof a === 'number' || typeof b === 'number') return null;
  const d = sub(a, b);
  if (typeof d === 'number') return d === 0;
  return null;
}

function fmtTerm(t: Term, first: boolean): string {
  const body = t.atoms.map((a) => a.key).join('*');
  const abs = Math.abs(t.coef);
  const sign = t.coef < 0 ? '-' : first ? '' : '+';
  if (!body) return sign + String(abs);
  return sign + (abs === 1 ? body : `${abs}*${body}`);
}

function sortedTerms(p: Poly): Term[] {
  return [...p.terms.values()].sort((x, y) => {
    if (x.atoms.length === 0) return 1;
    if (y.atoms.length === 0) return -1;
    if (x.atoms.length !== y.atoms.length) return y.atoms.length - x.atoms.length;
    const kx = termKey(x.atoms);
    const ky = termKey(y.atoms);
    return kx < ky ? -1 : kx > ky ? 1 : 0;
  });
}

/** A numerator in brackets unless it is one symbol: ⌊H/4⌋ but ⌊(H-4)/2⌋. */
function paren(p: D): string {
  const t = fmt(p);
  return /^[A-Za-z_]\w*$/.test(t) || /^\d+$/.test(t) ? t : `(${t})`;
}

function fmt(p: D): string {
  if (typeof p === 'number') return String(p);
  return sortedTerms(p)
    .map((t, i) => fmtTerm(t, i === 0))
    .join('');
}

/**
 * Compact string form. A floor plus a constant folds the constant in, so a conv then a pool prints
 * "⌊(H-4)/2⌋" rather than "⌊H/2⌋-2".
 */
export function dimToString(d: D): string {
  if (typeof d === 'number') return String(d);
  return (d.str ??= factored(d) ?? linearToString(d));
}

/**
 * A multilinear polynomial that is c·∏(xᵢ + kᵢ) prints as that product, so flattening
 * (16, ⌊(H-12)/4⌋, ⌊(W-12)/4⌋) reads "16*⌊(H-12)/4⌋*⌊(W-12)/4⌋" rather than its expansion.
 */
function factored(p: Poly): string | null {
  // Most sizes (H, ⌊(H-4)/2⌋+1, 16*H) hold at most one distinct atom, one per term: no product to
  // factor, answered without the lists, maps and sets below.
  let only: string | null = null;
  let simple = true;
  for (const t of p.terms.values()) {
    if (t.atoms.length === 0) continue;
    if (t.atoms.length > 1 || (only !== null && only !== t.atoms[0].key)) {
      simple = false;
      break;
    }
    only = t.atoms[0].key;
  }
  if (simple) return null;
  const terms = [...p.terms.values()];
  const atoms = new Map<string, Atom>();
  for (const t of terms) {
    const keys = new Set<string>();
    for (const a of t.atoms) {
      if (keys.has(a.key)) return null; // not multilinear
      keys.add(a.key);
      atoms.set(a.key, a);
    }
  }
  if (atoms.size < 2 && terms.every((t) => t.atoms.length <= 1)) return null;
  const all = [...atoms.values()].sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const fullKey = termKey(all);
  const c = p.terms.get(fullKey)?.coef;
  if (c === undefined) return null;
  const factors: D[] = [];
  for (const a of all) {
    const rest = termKey(all.filter((x) => x !== a));
    const k = (rest === '' ? p.terms.get('')?.coef : p.terms.get(rest)?.coef) ?? 0;
    if (k % c !== 0) return null;
    factors.push(add(build([{ coef: 1, atoms: [a] }]), k / c));
  }
  const expanded = mul(c, product(factors));
  if (!equal(expanded, p)) return null;
  if (factors.length < 2 && c === 1) return null;
  const parts = factors.map((f) => {
    const s = linearToString(f);
    return /^[A-Za-z_]\w*$|^⌊[^⌊⌋]*⌋$/.test(s) ? s : `(${s})`;
  });
  return (c === 1 ? '' : c === -1 ? '-' : `${c}*`) + parts.join('*');
}

function linearToString(d: D): string {
  if (typeof d === 'number') return String(d);
  const ts = sortedTerms(d);
  if (
    ts.length === 2 &&
    ts[1].atoms.length === 0 &&
    ts[0].coef === 1 &&
    ts[0].atoms.length === 1 &&
    ts[0].atoms[0].kind === 'floor'
  ) {
    const f = ts[0].atoms[0];
    const inner = add(f.num, ts[1].coef * f.den);
    return `⌊${paren(inner)}/${f.den}⌋`;
  }
  return fmt(d);
}

/** Parses the compact symbol form used in inputs ("B", "H") back into a dimension. */
export function dimFromInput(x: number | string): D {
  return typeof x === 'number' ? x : sym(x);
}
