// The shape engine's module host on a real file system (the CLI, the editor and the worker): what
// src/shapes/modules asks to follow imports. Installed libraries' files are kept per package version,
// so a library is read from disk once per process until it is upgraded; workspace files are read fresh
// (or taken from the editor's unsaved text) on every analysis.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { ModuleHost, PathKind } from '../shapes/modules/host';

export interface ModuleHostConfig {
  /** Workspace folders or --root folders; each one's `src/` is searched too when it exists. */
  roots: string[];
  /**
   * The Python's site folders (see sysPath.ts), or why there are none (no Python known); a function
   * when asking costs a process, so it is called only when an import is not found in the workspace.
   */
  library: SiteFolders | (() => SiteFolders);
  /** Unsaved editor text by path, read instead of the file. */
  overlay?: Record<string, string>;
}

/** Files larger than this are not read: no model file is, and a huge one would only cost time. */
const MAX_FILE_BYTES = 2_000_000;

interface KeptFile {
  version: string;
  text: string;
}
const libraryFiles = new Map<string, KeptFile>();
const MAX_LIBRARY_FILES = 5000;

function slash(p: string): string {
  return p.replace(/\\/g, '/').replace(/(.)\/+$/, '$1');
}

export interface SiteFolders {
  roots: string[];
  error?: string;
}

export function fsModuleHost(cfg: ModuleHostConfig): ModuleHost {
  const roots: string[] = [];
  const kinds = new Map<string, PathKind | undefined>();
  const kind = (p: string): PathKind | undefined => {
    if (cfg.overlay && cfg.overlay[p] !== undefined) return 'file';
    if (kinds.has(p)) return kinds.get(p);
    let k: PathKind | undefined;
    try {
      const st = statSync(p);
      k = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
    } catch {
      k = undefined;
    }
    kinds.set(p, k);
    return k;
  };
  for (const r of cfg.roots.map(slash)) {
    roots.push(r);
    if (kind(`${r}/src`) === 'dir') roots.push(`${r}/src`);
  }
  let libraryRoots: string[] = [];
  let site: { roots: string[]; error?: string } | undefined;
  const library = (): { roots: string[]; error?: string } => {
    if (!site) {
      const got = typeof cfg.library === 'function' ? cfg.library() : cfg.library;
      libraryRoots = got.roots.map(slash).filter((r) => kind(r) === 'dir');
      site = got.error ? { roots: libraryRoots, error: got.error } : { roots: libraryRoots };
    }
    return site;
  };
  // The installed version of each top-level package, from its dist-info or egg-info folder's name.
  const versions = new Map<string, string>();
  const versionOf = (root: string, top: string): string => {
    const key = `${root}/${top}`;
    let v = versions.get(key);
    if (v === undefined) {
      v = '';
      try {
        const re = new RegExp(
          `^${top.replace(/[^\w]/g, '')}-([^-]+?)(?:-py[\\d.]+)?\\.(?:dist|egg)-info$`,
          'i',
        );
        for (const n of readdirSync(root)) {
          const m = re.exec(n);
          if (m) {
            v = m[1];
            break;
          }
        }
      } catch {
        v = '';
      }
      versions.set(key, v);
    }
    return v;
  };
  const readDisk = (p: string): { text: string } | { error: string } => {
    try {
      const st = statSync(p);
      if (st.size > MAX_FILE_BYTES) return { error: `larger than ${MAX_FILE_BYTES} bytes` };
      return { text: readFileSync(p, 'utf8') };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      return { error: code ?? (e instanceof Error ? e.message : String(e)) };
    }
  };
  const read = (p: string): { text: string } | { error: string } => {
    const over = cfg.overlay?.[p];
    if (over !== undefined) return { text: over };
    const lib = libraryRoots.find((r) => p.startsWith(r + '/'));
    if (!lib) return readDisk(p);
    const top = p
      .slice(lib.length + 1)
      .split('/')[0]
      .replace(/\.py$/, '');
    const version = versionOf(lib, top);
    const k = libraryFiles.get(p);
    // Without a version to go by, a library file is read each time, like a workspace file.
    if (k && version && k.version === version) return { text: k.text };
    const r = readDisk(p);
    if ('text' in r && version) {
      if (libraryFiles.size >= MAX_LIBRARY_FILES)
        libraryFiles.delete(libraryFiles.keys().next().value as string);
      libraryFiles.set(p, { version, text: r.text });
    }
    return r;
  };
  return { roots, library, kind, read };
}
