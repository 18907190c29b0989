// Imports followed into other files: a dotted path the interpreter holds as an external name
// (`models.blocks.Bottleneck`, `torchvision.models.resnet18`) becomes the class, function or constant
// that file defines, the file being run (its top level, never its `if __name__ == "__main__":`) in a
// scope of its own. Names are looked up when used, not when imported, so a package's __init__ does not
// drag in every submodule it names, and an import cycle finds what the other module has defined by
// then, as Python does.
//
// A module's top level runs once per process, not per analysis: its namespace is kept (store.ts) and
// each analysis gets its own copy (copy.ts), so what one importer changes no other sees. While a top
// level runs it sees only other kept namespaces, never an analysis's copies, so what is kept depends
// on the files alone; the loader notes what it looked up (the names' files, the modules it took values
// from) to know when a kept namespace no longer holds. A module caught in an import cycle, or cut
// short by the budget, is not kept: it runs again next time.
import type { Stmt } from '../syntax/ast';
import { activeBudget } from '../eval/budget';
import { type Scope, type Value, unknown } from '../eval/values';
import { parsedModule } from './cache';
import { Copier, TooDeep } from './copy';
import type { ModuleHost } from './host';
import { type Found, type ModuleSpec, Resolver } from './resolver';
import { MAX_MODULE_CHARS, isForeign, windowOf } from './spans';
import { type Kept, dropModule, keepModule, keptModule, keyOf } from './store';

/** How the interpreter runs a module's top level in its scope. */
export type RunModule = (stmts: Stmt[], scope: Scope) => void;

/** What the loader needs of the interpreter besides running code. */
export interface LoaderHooks {
  run: RunModule;
  newScope: (name: string) => Scope;
  /** torch's own classes (prelude.ts): shared by every analysis, never copied. */
  prelude: () => Scope;
  /** A fresh module id of this analysis. */
  newId: () => number;
}

interface Loaded {
  spec: ModuleSpec;
  scope: Scope;
  /** Still running its top level (an import cycle reached it). */
  running: boolean;
  /** A `from x import *` the analyser could not follow: any name may come from it. */
  starLost?: string;
  /** Why the module cannot be read. */
  error?: string;
  /** The kept namespace this is (or copies); absent for errors, namespace packages and runs not kept. */
  kept?: Kept;
}

/** A top level running now, and what it has looked up so far. */
interface Run {
  name: string;
  finds: Map<string, string>;
  deps: Set<Kept>;
  reads: Set<string>;
  /** False once it depends on something that is not kept (a cycle, an unreadable file). */
  clean: boolean;
}

/** Re-exports followed at most (a → b → c …), and modules being loaded inside one another. */
const MAX_CHAIN = 40;

/** A resolver answer as one string, to compare with the one a kept namespace was made under. */
function answer(f: Found): string {
  return 'error' in f ? `!${f.error}` : `${f.file ?? ''}|${f.dir ?? ''}|${f.library}`;
}

export class ModuleLoader {
  readonly resolver: Resolver;
  /** The namespaces as kept (or being run), for top levels running now. */
  private readonly kept = new Map<string, Loaded>();
  /** This analysis's copies. */
  private readonly views = new Map<string, Loaded>();
  private readonly values = new Map<string, Value | null>();
  /** The package of each imported file's window, for its relative imports. */
  private readonly packages = new Map<number, string>();
  private readonly runs: Run[] = [];
  private readonly validated = new Set<Kept>();
  private readonly reported = new Set<string>();
  private copier: Copier | undefined;
  private depth = 0;
  /** Told of each file read, in the order they are first read (the editor refreshes importers). */
  onRead?: (file: string) => void;

  constructor(
    private readonly host: ModuleHost,
    file: string | undefined,
    private readonly hooks: LoaderHooks,
  ) {
    this.resolver = new Resolver(host, file);
  }

  /** An import path made absolute for the module whose code holds `offset` (relative imports). */
  absolute(path: string, offset: number): string | { error: string } {
    if (!path.startsWith('.')) return path;
    const pkg = isForeign(offset)
      ? (this.packages.get(windowOf(offset)) ?? '')
      : this.resolver.selfPackage;
    return Resolver.absolute(path, pkg);
  }

  /**
   * The value a dotted path names, when it is in a file the loader can read; undefined when the path
   * is a module itself (it stays an external name until an attribute is taken), or is the engine's own
   * (torch), or cannot be found (see `why`).
   */
  lookup(path: string): Value | undefined {
    if (Resolver.known(path)) return undefined;
    // A running top level looks up afresh, so that each lookup is noted as what it depends on.
    const memo = this.runs.length ? undefined : this.values;
    const hit = memo?.get(path);
    if (hit !== undefined) return hit ?? undefined;
    if (this.depth > MAX_CHAIN)
      return unknown(`${path}: imports nested too deep to follow (a cycle of re-exports?)`);
    this.depth++;
    let v: Value | undefined;
    try {
      v = this.lookupUncached(path);
    } finally {
      this.depth--;
    }
    if (memo && memo.size < 50_000) memo.set(path, v ?? null);
    return v;
  }

  private lookupUncached(path: string): Value | undefined {
    const dot = path.lastIndexOf('.');
    if (dot < 0) return undefined;
    const self = this.find(path);
    if (!('error' in self)) return this.shadowing(path, dot);
    const parent = path.slice(0, dot);
    const name = path.slice(dot + 1);
    const mod = this.load(parent);
    if (!mod) return undefined;
    if (mod.error) return unknown(mod.error);
    const v = mod.scope.vars.get(name);
    if (v === undefined) {
      if (mod.running)
        return unknown(
          `${parent}.${name} is not defined yet when it is imported (an import cycle)`,
        );
      if (mod.starLost) return unknown(`${parent}.${name} may come from ${mod.starLost}`);
      return unknown(`${parent} has no name '${name}' the analyser can find`);
    }
    if (v.k === 'ext' && !v.self && v.path !== path) return this.lookup(v.path) ?? v;
    return v;
  }

  /**
   * A package whose __init__ binds a name over its submodule of that name (`from .create_attn import
   * create_attn`, as timm.layers does): once the package is imported, Python's `pkg.create_attn` is
   * that binding, not the module. Undefined (the module) when the __init__ binds no such name, binds
   * the module itself, cannot be read, or is still running (an import cycle).
   */
  private shadowing(path: string, dot: number): Value | undefined {
    if (dot < 0) return undefined;
    const mod = this.load(path.slice(0, dot));
    if (!mod || mod.error || mod.running) return undefined;
    const v = mod.scope.vars.get(path.slice(dot + 1));
    if (v === undefined || (v.k === 'ext' && !v.self && v.path === path)) return undefined;
    if (v.k === 'ext' && !v.self) return this.lookup(v.path) ?? v;
    return v;
  }

  /** The names `from mod import *` binds, or why they are not known. */
  star(mod: string): Map<string, Value> | { error: string } {
    const m = this.load(mod);
    if (!m) return { error: this.why(mod) ?? `${mod} is not read by the analyser` };
    if (m.error) return { error: m.error };
    const out = new Map<string, Value>();
    const all = m.scope.vars.get('__all__');
    if (all && all.k === 'seq' && all.items.every((x) => x.k === 'str')) {
      for (const x of all.items) {
        const n = (x as { v: string }).v;
        const v = m.scope.vars.get(n);
        out.set(n, v ?? this.lookup(`${mod}.${n}`) ?? unknown(`${mod}.${n} not found`));
      }
      return out;
    }
    for (const [k, v] of m.scope.vars) if (!k.startsWith('_')) out.set(k, v);
    return out;
  }

  /**
   * `import m; m.X = v`: the rest of the analysis reads v. Inside a top level that is another kept
   * module changed, which then holds for no later analysis.
   */
  assign(path: string, name: string, v: Value): void {
    if (Resolver.known(path) || 'error' in this.find(path)) return;
    const mod = this.load(path);
    if (!mod || mod.error) return;
    mod.scope.vars.set(name, v);
    this.values.clear();
    if (!this.runs.length) return;
    if (mod.kept) dropModule(mod.kept.key);
    for (const r of this.runs) r.clean = false;
  }

  /** Marks a module's scope as holding a star import the analyser could not follow. */
  lostStar(scopeOwner: Scope, why: string): void {
    for (const m of this.kept.values()) if (m.scope === scopeOwner) m.starLost ??= why;
    for (const m of this.views.values()) if (m.scope === scopeOwner) m.starLost ??= why;
  }

  /** Why a path's top-level package cannot be read, when it cannot be found at all. */
  why(path: string): string | undefined {
    if (Resolver.known(path)) return undefined;
    const f = this.find(path.split('.')[0]);
    return 'error' in f ? f.error : undefined;
  }

  /** The resolver's answer, noted as a dependency of every top level running now. */
  private find(name: string): Found {
    const f = this.resolver.find(name);
    if (this.runs.length) {
      const a = answer(f);
      for (const r of this.runs) r.finds.set(name, a);
    }
    return f;
  }

  /** A module for the code running now: the kept namespace inside a top level, else the analysis's copy. */
  private load(name: string): Loaded | undefined {
    const k = this.loadKept(name);
    if (!k || this.runs.length) return k;
    let view = this.views.get(name);
    if (!view) {
      view = { spec: k.spec, scope: k.scope, running: false };
      if (k.error) view.error = k.error;
      if (k.starLost) view.starLost = k.starLost;
      try {
        this.copier ??= new Copier(this.hooks.prelude(), this.hooks.newId);
        view.scope = this.copier.scope(k.scope);
      } catch (e) {
        if (!(e instanceof TooDeep) && !(e instanceof RangeError)) throw e;
        // Too deep to copy: this analysis takes the namespace itself, and no later one will.
        if (k.kept) dropModule(k.kept.key);
      }
      this.views.set(name, view);
    }
    return view;
  }

  /** Notes that the top levels running now took values from `mod`. */
  private use(mod: Loaded): void {
    for (const r of this.runs) {
      if (r.name === mod.spec.name) continue;
      if (mod.kept) {
        r.deps.add(mod.kept);
        for (const f of mod.kept.reads) r.reads.add(f);
      } else if (mod.error) r.clean = false;
    }
  }

  private report(file: string): void {
    if (this.reported.has(file)) return;
    this.reported.add(file);
    this.onRead?.(file);
  }

  /** Whether a kept namespace still holds (its own text is checked by the caller). */
  private valid(k: Kept): boolean {
    if (this.validated.has(k)) return true;
    for (const [name, a] of k.finds) if (answer(this.find(name)) !== a) return false;
    for (const d of k.deps) {
      if (keptModule(d.key) !== d) return false;
      const r = this.host.read(d.file);
      if (!('text' in r) || r.text !== d.text || !this.valid(d)) return false;
    }
    this.validated.add(k);
    return true;
  }

  /** A kept namespace taken into this analysis: its files' windows and reads, as if it had run. */
  private adopt(k: Kept, seen = new Set<Kept>()): void {
    if (seen.has(k)) return;
    seen.add(k);
    // Keeps the parse (and so the text of messages about the file) around as a run would.
    parsedModule(k.file, k.text);
    this.packages.set(k.window, k.pkg);
    for (const d of k.deps) this.adopt(d, seen);
    for (const f of k.reads) this.report(f);
  }

  /** The kept namespace of a module, run now if it has none that holds; undefined when not found. */
  private loadKept(name: string): Loaded | undefined {
    const have = this.kept.get(name);
    if (have) {
      if (have.running) {
        // An import cycle: what it sees depends on which module was imported first.
        let i = this.runs.length - 1;
        while (i >= 0 && this.runs[i].name !== name) i--;
        for (let j = Math.max(i, 0); j < this.runs.length; j++) this.runs[j].clean = false;
      }
      this.use(have);
      return have;
    }
    const spec = this.find(name);
    if ('error' in spec) return undefined;
    const mod: Loaded = { spec, scope: this.hooks.newScope(name), running: false };
    this.kept.set(name, mod);
    if (!spec.file) return mod;
    const r = this.host.read(spec.file);
    if ('error' in r) mod.error = `cannot read ${spec.file}: ${r.error}`;
    else if (r.text.length > MAX_MODULE_CHARS)
      mod.error = `${spec.file} is too large to analyse (${r.text.length} characters)`;
    else if (this.depth >= MAX_CHAIN) mod.error = `${name}: imports nested too deep to follow`;
    if (mod.error || 'error' in r) {
      this.use(mod);
      return mod;
    }
    const k = keptModule(keyOf(name, spec.file));
    if (k && k.text === r.text && this.valid(k)) {
      mod.scope = k.scope;
      mod.kept = k;
      if (k.starLost) mod.starLost = k.starLost;
      this.adopt(k);
      this.use(mod);
      return mod;
    }
    this.report(spec.file);
    const { parsed, window } = parsedModule(spec.file, r.text);
    const pkg = spec.dir ? name : name.split('.').slice(0, -1).join('.');
    this.packages.set(window, pkg);
    const run: Run = {
      name,
      finds: new Map(),
      deps: new Set(),
      reads: new Set([spec.file]),
      clean: true,
    };
    this.runs.push(run);
    mod.running = true;
    let ran = false;
    this.depth++;
    try {
      this.hooks.run(parsed.stmts, mod.scope);
      ran = true;
    } finally {
      this.depth--;
      this.runs.pop();
      mod.running = false;
      // Cut short by the budget (or an internal error in strict mode): partly run, so not kept.
      if (ran && run.clean && activeBudget().exceeded === null) {
        mod.kept = {
          key: keyOf(name, spec.file),
          name,
          file: spec.file,
          text: r.text,
          spec,
          scope: mod.scope,
          window,
          pkg,
          finds: run.finds,
          deps: [...run.deps],
          reads: [...run.reads],
        };
        if (mod.starLost) mod.kept.starLost = mod.starLost;
        keepModule(mod.kept);
        this.validated.add(mod.kept);
      } else for (const o of this.runs) o.clean = false;
    }
    this.use(mod);
    return mod;
  }
}
