// The Python these tests run: TENSOR_LENS_TEST_PYTHON, else python3, else /usr/bin/python3 — the first
// that imports torch. Without one the tests skip and say why (npm test must pass without torch).
import { execFileSync } from 'node:child_process';

function importsTorch(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const candidates = [process.env.TENSOR_LENS_TEST_PYTHON, 'python3', '/usr/bin/python3'].filter(
  (p): p is string => !!p,
);

export const torchPython: string | null = candidates.find(importsTorch) ?? null;

/** Pass as `{ skip }` to a test: false when torch is there, else the printed reason. */
export const skip: string | false = torchPython
  ? false
  : `no Python with torch (tried ${candidates.join(', ')}): python3 -c "import torch" fails; install torch (e.g. apt-get install python3-torch) or set TENSOR_LENS_TEST_PYTHON`;

if (skip) console.log(`# SKIP training-pytorch: ${skip}`);

/** Whether no process of group `pgid` is left, waiting up to 5 s for the kernel to reap them. */
export async function groupGone(pgid: number): Promise<boolean> {
  for (let i = 0; i < 50; i++) {
    try {
      process.kill(-pgid, 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
