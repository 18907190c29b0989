// Which Python runs the user's PyTorch: the one named by --python / tensorLens.pythonPath, else
// `python3` on PATH. Whether it imports torch is asked once per interpreter and cached.
import { execFile } from 'node:child_process';

export interface PythonInfo {
  python: string;
  /** The torch version, e.g. "1.13.1"; null when `import torch` fails (see `why`). */
  torch: string | null;
  pythonVersion: string | null;
  cuda: boolean;
  mps: boolean;
  /** Why this Python cannot train, in one line with the fix. */
  why?: string;
}

const PROBE = [
  'import json, sys',
  'info = {"python": sys.version.split()[0]}',
  'try:',
  '    import torch',
  '    info["torch"] = torch.__version__.split("+")[0]',
  '    info["cuda"] = bool(torch.cuda.is_available())',
  '    mps = getattr(torch.backends, "mps", None)',
  '    info["mps"] = bool(mps and mps.is_available())',
  'except Exception as e:',
  '    info["error"] = type(e).__name__ + ": " + str(e)',
  'print(json.dumps(info))',
].join('\n');

const cache = new Map<string, Promise<PythonInfo>>();

export const DEFAULT_PYTHON = 'python3';

/** The interpreter to use: an explicit path or setting, else `python3`. */
export function choosePython(explicit?: string): string {
  const p = explicit?.trim();
  return p ? p : DEFAULT_PYTHON;
}

function probe(python: string): Promise<PythonInfo> {
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE], { timeout: 60_000, windowsHide: true }, (err, stdout) => {
      const base: PythonInfo = {
        python,
        torch: null,
        pythonVersion: null,
        cuda: false,
        mps: false,
      };
      if (err && !stdout) {
        const code = (err as NodeJS.ErrnoException).code;
        const why =
          code === 'ENOENT'
            ? `no Python at '${python}'; install Python 3 with PyTorch or give its path with --python / tensorLens.pythonPath`
            : `'${python}' did not run (${err.message.split('\n')[0]}); give a working Python with --python / tensorLens.pythonPath`;
        resolve({ ...base, why });
        return;
      }
      try {
        const j = JSON.parse(stdout.trim().split('\n').pop() ?? '') as {
          python?: string;
          torch?: string;
          cuda?: boolean;
          mps?: boolean;
          error?: string;
        };
        const info: PythonInfo = {
          ...base,
          pythonVersion: j.python ?? null,
          torch: j.torch ?? null,
          cuda: j.cuda === true,
          mps: j.mps === true,
        };
        if (!info.torch)
          info.why = `'${python}' (Python ${j.python ?? '?'}) cannot import torch (${j.error ?? 'unknown error'}); install PyTorch there (pip install torch) or give another Python with --python / tensorLens.pythonPath`;
        resolve(info);
      } catch {
        resolve({
          ...base,
          why: `'${python}' printed something unexpected when asked for its torch version; give a plain CPython 3 with --python`,
        });
      }
    });
  });
}

/** What `python` offers, asked once per interpreter path for the life of the process. */
export function pythonInfo(python: string): Promise<PythonInfo> {
  let p = cache.get(python);
  if (!p) {
    p = probe(python);
    cache.set(python, p);
  }
  return p;
}

/** Forget cached answers (after the user changes tensorLens.pythonPath or installs torch). */
export function clearPythonCache(): void {
  cache.clear();
}
