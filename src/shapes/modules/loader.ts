// Imports followed into other files, for one analysis: a dotted path the interpreter holds as an
// external name (`models.blocks.Bottleneck`, `torchvision.models.resnet18`) becomes the class,
// function or constant that file defines, the file being run once (its top level, never its
// `if __name__ == "__main__":`) in a scope of its own. Names are looked up when used, not when
// imported, so a package's __init__ does not drag in every submodule it names, and an import cycle
// finds what the other module has defined by then, as Python does.
import type { Stmt } from '../syntax/ast';
import { type Scope, type Value, unknown } from '../eval/values';
import { parsedModule } from './cache';
import type { ModuleHost } from './host';
import { type ModuleSpec, Resolver } from './resolver';
import { MAX_MODULE_CHARS, isForeign, windowOf } from './spans';

/** How the interpreter runs a module's top level in its scope. */
export type RunModule = (stmts: Stmt[], scope: Scope) => void;

interface Loaded {
  spec: ModuleSpec;
  scope: Scope;
  /** Still running its top level (an import cycle reached it). */
  running: boolean;
  /** A `from x import *` the analyser could not follow: any name may come from it. */
  starLost?: string;
  /** Why the module cannot be read. */
  error?: string;
}

/** Re-exports followed at most (a → b → c …), and modules being loaded inside one another. */
const MAX_CHAIN = 40;

export class ModuleLoader {
  readonly resolver: Resolver;
  private readonly loaded = new Map<string, Loaded>();
  private readonly values = new Map<string, Value | null>();
  /** The package of each imported file's window, for its relative imports. */
  private readonly packages = new Map<number, string>();
  private depth = 0;
  /** Told of each file read, in the order they are first read (the editor refreshes importers). */
  onRead?: (file: string) => void;

  constructor(
    private readonly host: ModuleHost,
    file: string | undefined,
    private readonly run: RunModule,
    private readonly newScope: (name: string) => Scope,
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
    const hit = this.values.get(path);
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
    if (this.values.size < 50_000) this.values.set(path, v ?? null);
    return v;
  }

  private lookupUncached(path: string): Value | undefined {
    const dot = path.lastIndexOf('.');
    if (dot < 0) return undefined;
    const self = this.resolver.find(path);
    if (!('error' in self)) return undefined;
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

  /** Marks a module's scope as holding a star import the analyser could not follow. */
  lostStar(scopeOwner: Scope, why: string): void {
    for (const m of this.loaded.values()) if (m.scope === scopeOwner) m.starLost ??= why;
  }

  /** Why a path's top-level package cannot be read, when it cannot be found at all. */
  why(path: string): string | undefined {
    if (Resolver.known(path)) return undefined;
    const f = this.resolver.find(path.split('.')[0]);
    return 'error' in f ? f.error : undefined;
  }

  /** Runs a module once per analysis; undefined when the name is not a module the loader can find. */
  private load(name: string): Loaded | undefined {
    const have = this.loaded.get(name);
    if (have) return have;
    const spec = this.resolver.find(name);
    if ('error' in spec) return undefined;
    const mod: Loaded = { spec, scope: this.newScope(name), running: true };
    this.loaded.set(name, mod);
    try {
      if (!spec.file) return mod;
      const r = this.host.read(spec.file);
      if ('error' in r) mod.error = `cannot read ${spec.file}: ${r.error}`;
      else if (r.text.length > MAX_MODULE_CHARS)
        mod.error = `${spec.file} is too large to analyse (${r.text.length} characters)`;
      else if (this.depth >= MAX_CHAIN) mod.error = `${name}: imports nested too deep to follow`;
      if (mod.error) return mod;
      this.onRead?.(spec.file);
      const { parsed, window } = parsedModule(spec.file, (r as { text: string }).text);
      this.packages.set(window, spec.dir ? name : name.split('.').slice(0, -1).join('.'));
      this.depth++;
      try {
        this.run(parsed.stmts, mod.scope);
      } finally {
        this.depth--;
      }
      return mod;
    } finally {
      mod.running = false;
    }
  }
}
