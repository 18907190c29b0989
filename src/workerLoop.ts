// The worker side of the protocol: receives requests from a thread's parentPort or a forked process's
// IPC channel, runs each with its own AbortController, streams progress and answers by id.
// Engines are passed in as handlers so this loop is tested on its own with fake jobs.
import { parentPort } from 'node:worker_threads';
import type { WorkerMessage, WorkerRequest, WorkerResultPayload } from './protocol';

type Job = Exclude<WorkerRequest, { type: 'cancel' }>;

export interface JobContext {
  signal: AbortSignal;
  progress(event: Extract<WorkerMessage, { type: 'progress' }>['event']): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  send(msg: WorkerMessage): void;
}

export type Handlers = {
  [K in Job['type']]: (req: Extract<Job, { type: K }>, ctx: JobContext) => Promise<WorkerResultPayload>;
};

/** Errors a handler throws to mean "bad input": the message is shown as is, without a stack. */
export class UserError extends Error {}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export function startWorkerLoop(handlers: Handlers): void {
  const send = (m: WorkerMessage): void => {
    if (parentPort) parentPort.postMessage(m);
    else process.send?.(m);
  };
  const running = new Map<number, AbortController>();

  const onRequest = (req: WorkerRequest): void => {
    if (req.type === 'cancel') {
      running.get(req.id)?.abort();
      return;
    }
    const ac = new AbortController();
    running.set(req.id, ac);
    const ctx: JobContext = {
      signal: ac.signal,
      progress: (event) => send({ type: 'progress', id: req.id, event }),
      log: (level, message) => send({ type: 'log', level, message }),
      send,
    };
    const handler = handlers[req.type] as (r: Job, c: JobContext) => Promise<WorkerResultPayload>;
    Promise.resolve()
      .then(() => handler(req, ctx))
      .then(
        (payload) => send({ type: 'result', id: req.id, payload }),
        (e: unknown) => {
          const cancelled = ac.signal.aborted || e instanceof CancelledError;
          const message = cancelled ? 'cancelled' : e instanceof Error ? e.message.split('\n')[0] : String(e);
          const cause = e instanceof UserError || cancelled ? undefined : e instanceof Error ? e.stack : undefined;
          send({ type: 'error', id: req.id, message, cause, cancelled });
        },
      )
      .finally(() => running.delete(req.id));
  };

  if (parentPort) parentPort.on('message', onRequest);
  else if (process.send) {
    process.on('message', (m) => onRequest(m as WorkerRequest));
    // The extension host went away (crashed, or was killed without stopping us): nobody can see the
    // results, so stop now rather than train on for minutes as an orphan.
    process.on('disconnect', () => process.exit(0));
  }
  else throw new Error('the Tensor Lens worker must run as a worker thread or a forked process');
}
