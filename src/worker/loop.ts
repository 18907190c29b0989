// The worker side of the protocol: receives calls from a thread's parentPort or a forked process's
// IPC channel, runs each with its own AbortController, streams progress and answers by id.
// Engines are passed in as handlers so this loop is tested on its own with fake jobs.
import { parentPort } from 'node:worker_threads';
import { splitResult, type ResultPart } from './parts';
import type {
  Call,
  Method,
  Params,
  Progress,
  Result,
  WorkerMessage,
  WorkerRequest,
} from './protocol';

export interface JobContext<M extends Method> {
  signal: AbortSignal;
  progress(event: Progress<M>): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void;
  send(msg: WorkerMessage): void;
}

export type Handler<M extends Method> = (
  params: Params<M>,
  ctx: JobContext<M>,
) => Promise<Result<M>>;
export type Handlers = { [M in Method]: Handler<M> };

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
  /** Parts of large results the host has not asked for yet, by call id. */
  const outgoing = new Map<number, ResultPart[]>();

  const answer = (id: number, result: Result<Method>): void => {
    const split = splitResult(result);
    if (!split) return send({ type: 'result', id, result });
    outgoing.set(id, split.parts);
    send({ type: 'resultHead', id, head: split.head, parts: split.parts.length });
  };

  const nextPart = (id: number): void => {
    const parts = outgoing.get(id);
    const part = parts?.shift();
    if (!parts || !part) return;
    if (parts.length === 0) outgoing.delete(id);
    send({ type: 'resultPart', id, part });
  };

  function run<M extends Method>(call: Call<M>): void {
    const ac = new AbortController();
    running.set(call.id, ac);
    const ctx: JobContext<M> = {
      signal: ac.signal,
      progress: (event) => send({ type: 'progress', id: call.id, event }),
      log: (level, message) => send({ type: 'log', level, message }),
      send,
    };
    const handler: Handler<M> = handlers[call.method];
    Promise.resolve()
      .then(() => handler(call.params, ctx))
      .then(
        (result) => answer(call.id, result),
        (e: unknown) => {
          const cancelled = ac.signal.aborted || e instanceof CancelledError;
          const message = cancelled
            ? 'cancelled'
            : e instanceof Error
              ? e.message.split('\n')[0]
              : String(e);
          const cause =
            e instanceof UserError || cancelled
              ? undefined
              : e instanceof Error
                ? e.stack
                : undefined;
          send({ type: 'error', id: call.id, message, cause, cancelled });
        },
      )
      .finally(() => running.delete(call.id));
  }

  const onRequest = (req: WorkerRequest): void => {
    if (req.type === 'cancel') {
      running.get(req.id)?.abort();
      outgoing.delete(req.id);
    } else if (req.type === 'nextPart') nextPart(req.id);
    else run(req);
  };

  if (parentPort) parentPort.on('message', onRequest);
  else if (process.send) {
    process.on('message', (m) => onRequest(m as WorkerRequest));
    // The extension host went away (crashed, or was killed without stopping us): nobody can see the
    // results, so stop now rather than train on for minutes as an orphan.
    process.on('disconnect', () => process.exit(0));
  } else throw new Error('the Tensor Lens worker must run as a worker thread or a forked process');
}
