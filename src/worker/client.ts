// The host side of the worker (the panel and the editor both use it): one long-lived worker started on first use, request/response by id,
// streamed progress, cancellation, restart when it dies. No vscode import, so it is unit-tested in Node.
import { errorText } from '../common/errors';
import { fork, type ChildProcess } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { applyPart } from './parts';
import {
  LONG,
  type Call,
  type Method,
  type Params,
  type Progress,
  type Result,
  type WorkerMessage,
  type WorkerRequest,
} from './protocol';

/**
 * The engine worker's young generation, in MB (V8's default is 48: two 16 MB semi-spaces and the
 * young large-object space). Files over 2,000 lines are analysed in this worker: a 5,000-line file
 * allocates about 20 MB per analysis with its AST and results alive throughout, so with the default
 * 1.25 scavenges per analysis copied them (11.6 ms per analysis); 32 MB semi-spaces take 0.75
 * (6–8 ms). 64 MB semi-spaces would take 1.3 ms, but keep 128 MB committed in the worker for good,
 * twice this setting's cost.
 */
export const WORKER_YOUNG_GENERATION_MB = 96;

/**
 * The worker's old generation cap, in MB. The worker shares the extension host's process: without a
 * cap a runaway (a bug past the shape engine's budget, a huge sampling run) would grow until V8 aborts
 * the whole process. With it, V8 ends only the worker (ERR_WORKER_OUT_OF_MEMORY), the requests in
 * flight fail, and the next request starts a new worker. Training and sampling data live in typed
 * arrays outside this heap; 1 GB is far above what any of them keeps on it.
 */
export const WORKER_OLD_GENERATION_MB = 1024;

export interface EngineLog {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** An error from the engine, with the worker's cause kept for the log. */
export class EngineError extends Error {
  constructor(
    message: string,
    readonly causeText?: string,
    readonly cancelled = false,
  ) {
    super(message);
  }
}

/** The two ways to run the worker script: a thread (default) or a child process. */
interface Transport {
  post(msg: WorkerRequest): void;
  kill(): void;
}

/** A call in flight. Its result and progress types are erased here (the map holds every method);
 * `request` restores them, since a worker answers an id with what that id's method returns. */
interface Pending {
  method: Method;
  resolve(result: Result<Method>): void;
  reject(err: EngineError): void;
  onProgress?: (e: Progress<Method>) => void;
  /** Timer that hard-stops the worker when a cancelled run does not end in time. */
  killTimer?: NodeJS.Timeout;
  /** A large result being received in parts (src/worker/parts.ts): its head and the parts to come. */
  receiving?: { head: unknown; left: number };
}

export interface EngineClientOptions {
  /** Path of dist/worker.js (or a test worker). */
  workerPath: string;
  log: EngineLog;
  /** How long a cancelled run may take to stop before the worker is terminated. */
  cancelGraceMs?: number;
  /** Extra env / execArgv for the worker (tests run TypeScript through tsx). */
  execArgv?: string[];
  /** Old generation cap of the worker thread in MB (tests); default WORKER_OLD_GENERATION_MB. */
  maxOldGenerationMb?: number;
}

export class EngineClient {
  private transport: Transport | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** tfjs-node cannot be loaded again by a second worker thread in the same process (tfjs#8388). */
  private nativeLoaded = false;
  private useChildProcess = false;
  private disposed = false;
  private readonly grace: number;

  constructor(private readonly opts: EngineClientOptions) {
    this.grace = opts.cancelGraceMs ?? 900;
  }

  get running(): boolean {
    return this.transport !== undefined;
  }

  /** Cancels every run in flight (Stop Current Run). */
  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.cancel(id);
  }

  dispose(): void {
    this.disposed = true;
    this.failAll(new EngineError('Tensor Lens engine stopped', undefined, true));
    this.transport?.kill();
    this.transport = undefined;
  }

  /** Runs `method` in the worker: resolves with its result, streams its progress, and is cancelled by `signal`. */
  request<M extends Method>(
    method: M,
    params: Params<M>,
    onProgress?: (e: Progress<M>) => void,
    signal?: AbortSignal,
  ): Promise<Result<M>> {
    if (this.disposed) return Promise.reject(new EngineError('Tensor Lens engine is shut down'));
    if (signal?.aborted) return Promise.reject(new EngineError('cancelled', undefined, true));
    const id = this.nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      const onAbort = (): void => this.cancel(id);
      const cleanup = (): void => signal?.removeEventListener('abort', onAbort);
      this.pending.set(id, {
        method,
        // The one place the types are restored: the worker answers id with method M's result and progress.
        onProgress: onProgress as ((e: Progress<Method>) => void) | undefined,
        resolve: (r) => {
          cleanup();
          resolve(r as Result<M>);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        const call: Call<M> = { type: 'call', id, method, params };
        this.ensureTransport().post(call);
      } catch (e) {
        this.settle(id)?.reject(
          new EngineError(`could not start the Tensor Lens worker: ${errorText(e)}`, errorText(e)),
        );
      }
    });
  }

  private cancel(id: number): void {
    const p = this.pending.get(id);
    if (!p || p.killTimer) return;
    // A long run whose result is already arriving in parts has finished: stopping it now would only
    // drop its result, and waiting for parts that no longer come would restart the worker.
    if (p.receiving && LONG[p.method]) return;
    this.transport?.post({ type: 'cancel', id });
    if (!LONG[p.method]) {
      // A quick request (an analysis superseded by typing): answer the caller now and let the worker
      // finish it; its late result is dropped. Restarting the worker for it would kill every run that
      // shares the worker, e.g. a training run whose current batch is slow to yield.
      this.settle(id)?.reject(new EngineError('cancelled', undefined, true));
      return;
    }
    // Cooperative cancellation checks between batches; a run stuck inside one long kernel is stopped
    // the hard way so Stop always means stopped within about a second.
    p.killTimer = setTimeout(() => {
      if (!this.pending.has(id)) return;
      this.opts.log.warn(`run ${id} did not stop within ${this.grace} ms; restarting the worker`);
      this.restart(id);
    }, this.grace);
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    if (p.killTimer) clearTimeout(p.killTimer);
    return p;
  }

  private onMessage(msg: WorkerMessage): void {
    switch (msg.type) {
      case 'progress':
        this.pending.get(msg.id)?.onProgress?.(msg.event);
        return;
      case 'result':
        this.settle(msg.id)?.resolve(msg.result);
        return;
      case 'resultHead':
      case 'resultPart':
        this.receivePart(msg);
        return;
      case 'error': {
        const p = this.settle(msg.id);
        if (!msg.cancelled)
          this.opts.log.error(
            `${p?.method ?? 'request'} failed: ${msg.message}${msg.cause ? `\n${msg.cause}` : ''}`,
          );
        p?.reject(new EngineError(msg.message, msg.cause, msg.cancelled ?? false));
        return;
      }
      case 'nativeLoaded':
        this.nativeLoaded = true;
        return;
      case 'log':
        this.opts.log[msg.level](msg.message);
        return;
    }
  }

  /**
   * One step of a result sent in parts. The next part is asked for only now, after this one was
   * handled, so each arrives in its own turn of the host's event loop. A request settled meanwhile
   * (cancelled, superseded) asks for nothing more; its cancel message told the worker to drop the rest.
   */
  private receivePart(
    msg: Extract<WorkerMessage, { type: 'resultHead' } | { type: 'resultPart' }>,
  ): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'resultHead') p.receiving = { head: msg.head, left: msg.parts };
    else if (p.receiving) {
      try {
        applyPart(p.receiving.head, msg.part);
      } catch (e) {
        this.settle(msg.id)?.reject(new EngineError(errorText(e)));
        this.transport?.post({ type: 'cancel', id: msg.id });
        return;
      }
      p.receiving.left--;
    }
    if (!p.receiving) return;
    // The one place a result in parts becomes its method's result: the worker split exactly that.
    if (p.receiving.left <= 0) this.settle(msg.id)?.resolve(p.receiving.head as Result<Method>);
    else this.transport?.post({ type: 'nextPart', id: msg.id });
  }

  private ensureTransport(): Transport {
    if (this.transport) return this.transport;
    const onExit = (how: string): void => {
      if (!this.transport) return;
      this.transport = undefined;
      if (this.nativeLoaded) this.useChildProcess = true;
      const err = new EngineError(
        `the Tensor Lens worker stopped unexpectedly (${how}); it restarts on the next request`,
      );
      if (this.pending.size) this.opts.log.error(err.message);
      this.failAll(err);
    };
    const onMessage = (m: WorkerMessage): void => this.onMessage(m);
    this.transport = this.useChildProcess
      ? childTransport(this.opts, onMessage, onExit)
      : threadTransport(this.opts, onMessage, onExit);
    this.opts.log.debug(`worker started (${this.useChildProcess ? 'child process' : 'thread'})`);
    return this.transport;
  }

  /** Terminates the worker to stop run `id`; the other runs in it were not asked to stop: they fail. */
  private restart(id: number): void {
    const t = this.transport;
    this.transport = undefined;
    if (this.nativeLoaded) this.useChildProcess = true;
    this.settle(id)?.reject(new EngineError('cancelled', undefined, true));
    const others = [...this.pending.values()].map((p) => p.method);
    if (others.length) this.opts.log.warn(`restarting the worker also ended: ${others.join(', ')}`);
    this.failAll(
      new EngineError(
        'the Tensor Lens worker was restarted to stop another run that did not respond; start this one again',
      ),
    );
    t?.kill();
  }

  private failAll(err: EngineError): void {
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(err);
  }
}

function threadTransport(
  opts: EngineClientOptions,
  onMessage: (m: WorkerMessage) => void,
  onExit: (how: string) => void,
): Transport {
  const w = new Worker(opts.workerPath, {
    execArgv: opts.execArgv,
    resourceLimits: {
      maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB,
      maxOldGenerationSizeMb: opts.maxOldGenerationMb ?? WORKER_OLD_GENERATION_MB,
    },
  });
  let killed = false;
  w.on('message', onMessage);
  w.on('error', (e) => {
    opts.log.error(`worker error: ${errorText(e)}`);
  });
  w.on('exit', (code) => {
    if (!killed) onExit(`exit code ${code}`);
  });
  return {
    post: (m) => w.postMessage(m),
    kill: () => {
      killed = true;
      void w.terminate();
    },
  };
}

function childTransport(
  opts: EngineClientOptions,
  onMessage: (m: WorkerMessage) => void,
  onExit: (how: string) => void,
): Transport {
  const cp: ChildProcess = fork(opts.workerPath, [], {
    // A process sets the semi-space, a third of the young generation (see WORKER_YOUNG_GENERATION_MB).
    execArgv: [
      `--max-semi-space-size=${WORKER_YOUNG_GENERATION_MB / 3}`,
      `--max-old-space-size=${opts.maxOldGenerationMb ?? WORKER_OLD_GENERATION_MB}`,
      ...(opts.execArgv ?? []),
    ],
    env: { ...process.env, TENSOR_LENS_WORKER_PROCESS: '1' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let killed = false;
  cp.stderr?.on('data', (d: Buffer) => opts.log.debug(`worker: ${d.toString().trimEnd()}`));
  cp.on('message', (m) => onMessage(m as WorkerMessage));
  // A send on a channel that just closed (the child died, its exit not handled yet) and a failed
  // spawn are 'error' events; unhandled, they would throw in the extension host. 'exit' follows.
  cp.on('error', (e) => opts.log.error(`worker process error: ${errorText(e)}`));
  cp.on('exit', (code, sig) => {
    if (!killed) onExit(sig ? `signal ${sig}` : `exit code ${code}`);
  });
  return {
    post: (m) => cp.send(m),
    kill: () => {
      killed = true;
      cp.kill();
    },
  };
}
