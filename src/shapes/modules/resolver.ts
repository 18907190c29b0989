// Which file a dotted module name is, as Python's import system finds it: the first root holding the
// top-level name as a module or a regular package decides; a folder without __init__.py is a namespace
// package only when no root has a regular one. Relative imports are made absolute from the analysed
// file's own package.
import { type ModuleHost, dirName, joinPath, normPath } from './host';
import { STDLIB } from './stdlib';

export interface ModuleSpec {
  name: string;
  /** The module's source (a package's __init__.py); null for a namespace package. */
  file: string | null;
  /** The folder submodules are searched in; null for a plain module. */
  dir: string | null;
  /** Found under the Python's site folders rather than the workspace. */
  library: boolean;
}

export type Found = ModuleSpec | { error: string };

/**
 * Names the engine knows itself (torch's functions and layers, numpy and the standard library the
 * interpreter models): never read from files, whatever a root holds.
 */
const KNOWN_TOP = new Set([
  'torch',
  'numpy',
  'builtins',
  'math',
  'functools',
  'typing',
  'collections',
  'copy',
  'operator',
  'itertools',
  'typing_extensions',
  '__future__',
]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class Resolver {
  private readonly roots: { dir: string; library: boolean }[] = [];
  private readonly found = new Map<string, Found>();
  /** The analysed file's module name ('' when it is not under a root) and whether it is a package. */
  readonly self: { name: string; isPackage: boolean };

  constructor(
    private readonly host: ModuleHost,
    file: string | undefined,
  ) {
    for (const r of host.roots) this.addRoot(r, false);
    // A relative path starts from the current folder, which can then be a root like any other.
    const given = file ? normPath(file) : '';
    const path =
      given.endsWith('.py') && !/^([A-Za-z]:)?\//.test(given) && !given.startsWith('.')
        ? `./${given}`
        : given;
    if (path.includes('/')) {
      // The folder above the file's outermost package (the first without __init__.py) is where its
      // package is imported from, whichever folder the editor or the CLI was opened on.
      let dir = dirName(path);
      while (dir.includes('/') && dir !== '.' && host.kind(joinPath(dir, '__init__.py')) === 'file')
        dir = dirName(dir);
      this.addRoot(dir, false);
      this.addRoot(dirName(path), false);
    }
    this.self = this.moduleOf(path);
  }

  private readonly seen = new Set<string>();
  private addRoot(dir: string, library: boolean): void {
    const d = normPath(dir);
    if (d && !this.seen.has(d)) {
      this.seen.add(d);
      this.roots.push({ dir: d, library });
    }
  }

  /** The site folders, added after the workspace's the first time a name is not found there. */
  private libraryAdded = false;
  private addLibrary(): boolean {
    if (this.libraryAdded) return false;
    this.libraryAdded = true;
    const before = this.roots.length;
    for (const r of this.host.library().roots) this.addRoot(r, true);
    return this.roots.length > before;
  }

  /** The module name a file has under the first root that holds it. */
  private moduleOf(file: string): { name: string; isPackage: boolean } {
    if (!file.endsWith('.py')) return { name: '', isPackage: false };
    for (const r of this.roots) {
      if (!file.startsWith(r.dir + '/')) continue;
      const parts = file.slice(r.dir.length + 1, -3).split('/');
      const isPackage = parts[parts.length - 1] === '__init__';
      if (isPackage) parts.pop();
      if (parts.length && parts.every((p) => IDENT.test(p)))
        return { name: parts.join('.'), isPackage };
    }
    return { name: '', isPackage: false };
  }

  /** Whether a name is the engine's own (see KNOWN_TOP). */
  static known(name: string): boolean {
    const dot = name.indexOf('.');
    return KNOWN_TOP.has(dot < 0 ? name : name.slice(0, dot));
  }

  /**
   * `.blocks.Bottleneck` in package `models` → `models.blocks.Bottleneck`. `pkg` is the package the
   * importing module is in (itself, for a package's __init__).
   */
  static absolute(path: string, pkg: string): string | { error: string } {
    let level = 0;
    while (path[level] === '.') level++;
    if (level === 0) return path;
    const parts = pkg ? pkg.split('.') : [];
    if (level - 1 > parts.length || (!pkg && level > 0))
      return {
        error: `the relative import '${path.split('.').slice(0, -1).join('.') || path}' is outside any known package (open the project's folder, or give its root with --root)`,
      };
    const base = parts.slice(0, parts.length - (level - 1)).join('.');
    const rest = path.slice(level);
    return base && rest ? `${base}.${rest}` : base || rest;
  }

  /** The package relative imports in the analysed file start from. */
  get selfPackage(): string {
    const { name, isPackage } = this.self;
    return isPackage ? name : name.split('.').slice(0, -1).join('.');
  }

  find(name: string): Found {
    let r = this.found.get(name);
    if (!r) {
      r = this.findUncached(name);
      this.found.set(name, r);
    }
    return r;
  }

  private findUncached(name: string): Found {
    const parts = name.split('.');
    if (!parts.every((p) => IDENT.test(p))) return { error: `'${name}' is not a module name` };
    if (parts.length === 1) return this.findTop(name);
    const parent = this.find(parts.slice(0, -1).join('.'));
    if ('error' in parent) return parent;
    if (!parent.dir) return { error: `${parent.name} is a module, not a package` };
    const sub = this.inDir(parent.dir, parts[parts.length - 1], parent.library);
    return sub ? { ...sub, name } : { error: `no module ${name} (looked in ${parent.dir})` };
  }

  private findTop(name: string): Found {
    for (;;) {
      let namespace: ModuleSpec | undefined;
      for (const r of this.roots) {
        const m = this.inDir(r.dir, name, r.library);
        if (!m) continue;
        if (m.file || m.dir === null) return { ...m, name };
        namespace ??= { ...m, name };
      }
      if (namespace) return namespace;
      // Never in the site folders: no Python need be asked for them.
      if (STDLIB.has(name))
        return {
          error: `${name} is in Python's standard library, which the analyser does not read`,
        };
      if (!this.addLibrary()) break;
    }
    const why = this.host.library().error;
    return {
      error: why
        ? `${name} is not in the workspace, and ${why}`
        : `no module named ${name} in the workspace or the Python's site folders`,
    };
  }

  /** `name` inside `dir`: a package folder, a folder without __init__.py, or `name.py`. */
  private inDir(dir: string, name: string, library: boolean): Omit<ModuleSpec, 'name'> | null {
    const sub = joinPath(dir, name);
    if (this.host.kind(sub) === 'dir') {
      const init = joinPath(sub, '__init__.py');
      if (this.host.kind(init) === 'file') return { file: init, dir: sub, library };
      const py = `${sub}.py`;
      // A module file beside a folder of the same name wins over a namespace package.
      if (this.host.kind(py) === 'file') return { file: py, dir: null, library };
      return { file: null, dir: sub, library };
    }
    const py = `${sub}.py`;
    if (this.host.kind(py) === 'file') return { file: py, dir: null, library };
    return null;
  }
}
