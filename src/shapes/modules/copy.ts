// A kept module's namespace is shared by every later analysis that imports it (store.ts), so each
// analysis works on its own copy: an importer that appends to an imported list, sets an imported
// class's attribute or rebuilds an imported model changes its copy only. One copy per analysis keeps
// Python's identities (the class a function of module A returns is the one `from a import X` gave).
// Syntax trees and torch's own classes (prelude.ts) are never changed by anything and are shared.
import { NO_ATTRS, NO_CHILDREN } from '../eval/modules';
import type { ClassInfo, CtorArgs, FuncV, ModuleInst, Scope, Value } from '../eval/values';

/** Values nested deeper than this are not copied (the module is then re-run for the analysis). */
const MAX_DEPTH = 1000;

export class TooDeep extends Error {}

/** Objects reachable from the prelude's scope: shared by every analysis already. */
const sharedOf = new WeakMap<Scope, WeakSet<object>>();

function sharedSet(prelude: Scope): WeakSet<object> {
  let s = sharedOf.get(prelude);
  if (s) return s;
  s = new WeakSet<object>();
  const set = s;
  set.add(prelude);
  const stack: unknown[] = [...prelude.vars.values()];
  // Only the prelude's own classes and functions: what they build later belongs to one analysis.
  while (stack.length) {
    const v = stack.pop() as Value | ClassInfo;
    if (typeof v !== 'object' || v === null || set.has(v)) continue;
    set.add(v);
    if ('k' in v) {
      if (v.k === 'class') stack.push(v.cls);
      else if (v.k === 'func') set.add(v.scope);
    } else {
      for (const f of v.methods.values()) stack.push(f);
      for (const a of v.attrs.values()) stack.push(a);
      for (const b of v.bases) stack.push(b);
    }
  }
  sharedOf.set(prelude, set);
  return set;
}

/**
 * Copies values for one analysis. `memo` maps each original to its copy for the whole analysis, so
 * two modules that hold the same object get the same copy.
 */
export class Copier {
  private readonly memo = new Map<object, object>();
  private readonly shared: WeakSet<object>;
  private depth = 0;

  constructor(
    prelude: Scope,
    /** A fresh module id of the analysis (ids tell modules apart in the module tree). */
    private readonly newId: () => number,
  ) {
    this.shared = sharedSet(prelude);
  }

  /** A copy of `scope` and all it holds; throws TooDeep on values nested past MAX_DEPTH. */
  scope(s: Scope): Scope {
    if (this.shared.has(s)) return s;
    const have = this.memo.get(s);
    if (have) return have as Scope;
    const Ctor = s.constructor as new (parent?: Scope) => Scope;
    const c = new Ctor(s.parent && this.scope(s.parent));
    this.memo.set(s, c);
    this.in();
    for (const [k, v] of s.vars) c.vars.set(k, this.value(v));
    this.depth--;
    return c;
  }

  private in(): void {
    if (++this.depth > MAX_DEPTH) {
      this.depth = 0;
      throw new TooDeep('values nested too deep to copy');
    }
  }

  value(v: Value): Value {
    switch (v.k) {
      case 'num':
      case 'str':
      case 'bool':
      case 'none':
      case 'unknown':
        // Never changed in place: an operation on them makes a new value.
        return v;
      case 'ext':
        if (!v.self) return v;
        break;
      default:
        break;
    }
    if (this.shared.has(v)) return v;
    const have = this.memo.get(v);
    if (have) return have as Value;
    this.in();
    let c: Value;
    switch (v.k) {
      case 'tensor':
        c = { ...v };
        this.memo.set(v, c);
        break;
      case 'seq': {
        const items: Value[] = [];
        c = { k: 'seq', kind: v.kind, items };
        this.memo.set(v, c);
        for (const x of v.items) items.push(this.value(x));
        break;
      }
      case 'dict': {
        const keys: Value[] = [];
        const vals: Value[] = [];
        c = { k: 'dict', keys, vals };
        this.memo.set(v, c);
        for (const x of v.keys) keys.push(this.value(x));
        for (const x of v.vals) vals.push(this.value(x));
        break;
      }
      case 'ext': {
        const e: Value & { k: 'ext' } = { k: 'ext', path: v.path };
        c = e;
        this.memo.set(v, c);
        if (v.self) e.self = this.value(v.self);
        break;
      }
      case 'module': {
        const m = this.module(v.m);
        // The one value per module (modValue) stays the one value of the copy.
        c = v === v.m.ref ? (m.ref ??= { k: 'module', m }) : { k: 'module', m };
        this.memo.set(v, c);
        break;
      }
      case 'func':
        c = this.func(v);
        break;
      case 'class': {
        const cls = this.cls(v.cls);
        c = cls === v.cls ? v : { k: 'class', cls };
        this.memo.set(v, c);
        break;
      }
      case 'obj': {
        const attrs = new Map<string, Value>();
        const o: Value & { k: 'obj' } = { k: 'obj', attrs };
        c = o;
        this.memo.set(v, c);
        if (v.cls) o.cls = this.cls(v.cls);
        for (const [k, x] of v.attrs) attrs.set(k, this.value(x));
        break;
      }
    }
    this.depth--;
    return c;
  }

  private func(f: FuncV): FuncV {
    const c: FuncV = { ...f };
    this.memo.set(f, c);
    c.scope = this.scope(f.scope);
    if (f.self) c.self = this.value(f.self);
    if (f.refuses) c.refuses = [...f.refuses];
    return c;
  }

  private cls(k: ClassInfo): ClassInfo {
    if (this.shared.has(k)) return k;
    const have = this.memo.get(k);
    if (have) return have as ClassInfo;
    const c: ClassInfo = { ...k, bases: [], methods: new Map(), attrs: new Map() };
    // Method lookups are found again through the copied bases.
    delete c.resolved;
    this.memo.set(k, c);
    this.in();
    for (const b of k.bases) c.bases.push(this.value(b));
    for (const [n, f] of k.methods) c.methods.set(n, this.value(f) as FuncV);
    for (const [n, a] of k.attrs) c.attrs.set(n, this.value(a));
    this.depth--;
    return c;
  }

  private module(m: ModuleInst): ModuleInst {
    const have = this.memo.get(m);
    if (have) return have as ModuleInst;
    const c: ModuleInst = { ...m, id: this.newId() };
    delete c.ref;
    delete c.walk;
    delete c.path;
    this.memo.set(m, c);
    this.in();
    c.config = { ...m.config };
    if (m.children !== NO_CHILDREN) {
      c.children = new Map();
      for (const [n, ch] of m.children) c.children.set(n, this.module(ch));
    }
    if (m.attrs !== NO_ATTRS) c.attrs = this.map(m.attrs);
    if (m.paramAttrs) c.paramAttrs = this.map(m.paramAttrs);
    if (m.cls) c.cls = this.cls(m.cls);
    if (m.ctorArgs) c.ctorArgs = this.args(m.ctorArgs);
    if (m.ctorDiags) c.ctorDiags = [...m.ctorDiags];
    if (m.maybeAttrs) c.maybeAttrs = new Set(m.maybeAttrs);
    this.depth--;
    return c;
  }

  private map(m: ReadonlyMap<string, Value>): Map<string, Value> {
    const out = new Map<string, Value>();
    for (const [k, v] of m) out.set(k, this.value(v));
    return out;
  }

  private args(a: CtorArgs): CtorArgs {
    return { ...a, pos: a.pos.map((v) => this.value(v)), kw: this.map(a.kw) };
  }
}
