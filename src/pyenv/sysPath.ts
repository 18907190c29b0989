// Where a Python's installed libraries are: its sys.path without the standard library (whose modules
// the shape engine models itself, or does not need) and without the current folder. Asked once per
// interpreter and kept; the Python is run only to print its path, never on the user's code.
import { execFile, execFileSync } from 'node:child_process';

export interface SitePaths {
  python: string;
  /** Folders installed packages are read from, in sys.path order. */
  roots: string[];
  /** Why there are none (the Python did not run), in one line with the fix. */
  error?: string;
}

const SCRIPT = [
  'import json, sys, sysconfig',
  'std = [sysconfig.get_paths().get(k) for k in ("stdlib", "platstdlib")]',
  'std = [p for p in std if p]',
  'def lib(p):',
  '    if not p or p.endswith(".zip") or "lib-dynload" in p: return False',
  '    if "site-packages" in p or "dist-packages" in p: return True',
  '    return not any(p == s or p.startswith(s + "/") for s in std)',
  'print(json.dumps([p for p in sys.path[1:] if lib(p)]))',
].join('\n');

const cache = new Map<string, SitePaths>();

function parse(python: string, stdout: string): SitePaths {
  try {
    const j: unknown = JSON.parse(stdout.trim().split('\n').pop() ?? '');
    if (Array.isArray(j) && j.every((x) => typeof x === 'string')) return { python, roots: j };
  } catch {
    // Falls through to the error below.
  }
  return {
    python,
    roots: [],
    error: `'${python}' printed something unexpected when asked for its sys.path; give a plain CPython 3 with --python / tensorLens.pythonPath`,
  };
}

function failed(python: string, err: unknown): SitePaths {
  const code = (err as NodeJS.ErrnoException).code;
  return {
    python,
    roots: [],
    error:
      code === 'ENOENT'
        ? `no Python at '${python}' to find installed libraries; give one with --python / tensorLens.pythonPath`
        : `'${python}' did not run to find installed libraries (${String((err as Error).message ?? err).split('\n')[0]}); give a working Python with --python / tensorLens.pythonPath`,
  };
}

/** The CLI's form: waits for the Python (a fraction of a second), once per interpreter. */
export function sitePathsSync(python: string): SitePaths {
  let r = cache.get(python);
  if (!r) {
    try {
      const out = execFileSync(python, ['-c', SCRIPT], {
        timeout: 20_000,
        windowsHide: true,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      r = parse(python, out);
    } catch (e) {
      r = failed(python, e);
    }
    cache.set(python, r);
  }
  return r;
}

const pending = new Map<string, Promise<SitePaths>>();

/** The editor's form: never blocks the extension host. */
export function sitePaths(python: string): Promise<SitePaths> {
  const have = cache.get(python);
  if (have) return Promise.resolve(have);
  let p = pending.get(python);
  if (!p) {
    p = new Promise<SitePaths>((resolve) => {
      execFile(python, ['-c', SCRIPT], { timeout: 20_000, windowsHide: true }, (err, stdout) => {
        const r = err && !stdout ? failed(python, err) : parse(python, String(stdout));
        cache.set(python, r);
        pending.delete(python);
        resolve(r);
      });
    });
    pending.set(python, p);
  }
  return p;
}
