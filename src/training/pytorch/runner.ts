// Runs python/tensor_lens_runner.py in the user's Python and turns its JSON lines into TrainEvents.
// Stop: SIGTERM to the runner's process group (each rank stops between batches and still reports
// `done`), then SIGKILL after a grace period, so a run ends within a second even mid-batch.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TrainDoneEvent, TrainEvent } from '../types';

/** Time a stopped run gets to finish its batch and say `done` before it is killed. */
export const STOP_GRACE_MS = 800;

/** A failure reported by the runner: the user's code (`user`), bad input (`input`), or the runner itself. */
export class RunnerError extends Error {
  constructor(
    message: string,
    readonly kind: 'user' | 'input' | 'runner',
    readonly traceback?: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export interface RunnerArgs {
  python: string;
  file: string;
  name: string;
  kind: 'module' | 'sequential';
  ctor: string;
  layout: 'image' | 'flat' | 'hw';
  dataDir: string;
  /** idx, a CIFAR layout or imagefolder (python/tensor_lens_data.py reads them). */
  dataKind: string;
  dataName: string;
  /** The model's input channels and class count (0: not known), to choose among data sets. */
  channels: number;
  classes: number;
  /** The model's input height and width: what an image folder's pictures are resized to. */
  rows: number;
  cols: number;
  epochs: number;
  batchSize: number;
  limit: number;
  testLimit: number;
  seed: number;
  lr: number;
  device: string;
  procs: number;
  logDir?: string;
  runId: string;
  /** torch.use_deterministic_algorithms on CPU (same seed, same curve, bit for bit). */
  deterministic: boolean;
}

export interface RunnerHooks {
  onEvent(e: TrainEvent): void;
  signal?: AbortSignal;
  /** The runner's pid (its process group's id), once started. */
  onSpawn?(pid: number): void;
  /** Lines the runner writes to stderr (warnings, DDP chatter). */
  onStderr?(line: string): void;
  /** Folder that holds python/ (the extension root); default: found above this file. */
  extensionRoot?: string;
}

/** python/tensor_lens_runner.py: beside dist/ in the package, or at the repository root in development. */
export function runnerScript(extensionRoot?: string): string {
  const roots = extensionRoot ? [extensionRoot] : [];
  for (let d = __dirname, i = 0; i < 5; i++, d = dirname(d)) roots.push(d);
  for (const r of roots) {
    const p = join(r, 'python', 'tensor_lens_runner.py');
    if (existsSync(p)) return p;
  }
  throw new RunnerError(
    'python/tensor_lens_runner.py is missing from this install; reinstall Tensor Lens',
    'runner',
  );
}

export function runnerArgv(a: RunnerArgs): string[] {
  const argv = [
    '--file',
    a.file,
    '--name',
    a.name,
    '--kind',
    a.kind,
    '--ctor',
    a.ctor,
    '--layout',
    a.layout,
    '--data',
    a.dataDir,
    '--data-kind',
    a.dataKind,
    '--channels',
    String(a.channels),
    '--classes',
    String(a.classes),
    '--rows',
    String(a.rows),
    '--cols',
    String(a.cols),
    '--data-name',
    a.dataName,
    '--epochs',
    String(a.epochs),
    '--batch-size',
    String(a.batchSize),
    '--limit',
    String(a.limit),
    '--test-limit',
    String(a.testLimit),
    '--seed',
    String(a.seed),
    '--lr',
    String(a.lr),
    '--device',
    a.device,
    '--procs',
    String(a.procs),
    '--run-id',
    a.runId,
  ];
  if (a.logDir) argv.push('--log-dir', a.logDir);
  if (a.deterministic) argv.push('--deterministic');
  return argv;
}

const KNOWN = new Set(['start', 'batch', 'epoch', 'eval', 'done']);

export function runPytorch(a: RunnerArgs, hooks: RunnerHooks): Promise<TrainDoneEvent> {
  const script = runnerScript(hooks.extensionRoot);
  return new Promise((resolve, reject) => {
    // Its own process group: a stop reaches every rank, and a kill leaves no orphan behind.
    const child = spawn(a.python, ['-u', script, ...runnerArgv(a)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
      env: { ...process.env, PYTHONUNBUFFERED: '1' },
    });
    if (child.pid !== undefined) hooks.onSpawn?.(child.pid);
    let done: TrainDoneEvent | null = null;
    let failure: RunnerError | null = null;
    let stopping = false;
    let killTimer: NodeJS.Timeout | null = null;
    const stderrTail: string[] = [];
    const signalGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        // Already gone.
      }
    };
    const onAbort = (): void => {
      if (stopping) return;
      stopping = true;
      signalGroup('SIGTERM');
      killTimer = setTimeout(() => signalGroup('SIGKILL'), STOP_GRACE_MS);
    };
    if (hooks.signal?.aborted) onAbort();
    else hooks.signal?.addEventListener('abort', onAbort, { once: true });

    const lines = (stream: NodeJS.ReadableStream, each: (line: string) => void): void => {
      let buf = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          each(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
      });
      stream.on('end', () => {
        if (buf) each(buf);
      });
    };
    lines(child.stdout, (line) => {
      let e: { event?: unknown; [k: string]: unknown };
      try {
        e = JSON.parse(line) as typeof e;
      } catch {
        hooks.onStderr?.(line); // a print() in the user's code: not an event
        return;
      }
      if (e.event === 'error') {
        const kind = e.kind === 'user' || e.kind === 'input' ? e.kind : 'runner';
        failure = new RunnerError(
          String(e.message),
          kind,
          typeof e.traceback === 'string' ? e.traceback : undefined,
          typeof e.file === 'string' ? e.file : undefined,
          typeof e.line === 'number' ? e.line : undefined,
        );
        return;
      }
      if (typeof e.event !== 'string' || !KNOWN.has(e.event)) return;
      if (e.event === 'done') done = e as unknown as TrainDoneEvent;
      hooks.onEvent(e as unknown as TrainEvent);
    });
    lines(child.stderr, (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 40) stderrTail.shift();
      hooks.onStderr?.(line);
    });
    child.on('error', (err) => {
      hooks.signal?.removeEventListener('abort', onAbort);
      reject(
        new RunnerError(
          `cannot start '${a.python}' (${err.message}); give a Python with torch via --python / tensorLens.pythonPath`,
          'runner',
        ),
      );
    });
    child.on('close', (code, sig) => {
      hooks.signal?.removeEventListener('abort', onAbort);
      if (killTimer) clearTimeout(killTimer);
      // The launcher is gone; whatever it left in its group (a rank still tearing down, the
      // multiprocessing resource tracker) goes with it.
      if (process.platform !== 'win32') signalGroup('SIGKILL');
      if (failure) return reject(failure);
      if (done) return resolve(done);
      if (stopping) {
        // Killed mid-batch: the run still ends with a `done` saying it was stopped.
        const d: TrainDoneEvent = {
          event: 'done',
          runId: a.runId,
          backend: 'pytorch',
          models: [],
          cancelled: true,
        };
        hooks.onEvent(d);
        return resolve(d);
      }
      const last = stderrTail.filter((l) => l.trim()).slice(-1)[0] ?? '';
      reject(
        new RunnerError(
          `the PyTorch runner exited with ${sig ?? `status ${code}`} before finishing${last ? `: ${last.trim()}` : ''}`,
          'runner',
          stderrTail.join('\n'),
        ),
      );
    });
  });
}
