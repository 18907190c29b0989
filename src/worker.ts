// The worker thread (or, after tfjs-node was loaded once, a child process): runs training, sampling
// and big shape analyses off the extension host. Engines are required lazily so the worker starts
// fast and tfjs is only loaded by the first training run.
import { CancelledError, startWorkerLoop, UserError } from './workerLoop';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Bad input from the user travels as a one-line message without a stack; cancellations as such. */
async function translateErrors<T>(run: () => Promise<T>, userErrors: ErrorClass[], cancelled: ErrorClass[]): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (cancelled.some((c) => e instanceof c)) throw new CancelledError();
    if (userErrors.some((c) => e instanceof c)) throw new UserError((e as Error).message);
    throw e;
  }
}

startWorkerLoop({
  ping: async () => ({ type: 'ping', pid: process.pid, memory: process.memoryUsage().rss }),
  analyze: async (req) => {
    const { analyze } = await import('./shapes');
    return { type: 'analyze', result: analyze(req.source, { file: req.file, defaultInput: req.defaultInput }) };
  },
  checkExpr: async (req) => {
    const { checkExpression } = await import('./sampling');
    return { type: 'checkExpr', result: checkExpression(req.expr, req.logDensity) };
  },
  sample: async (req, ctx) => {
    const { runSampler, SamplingInputError, SampleCancelled } = await import('./sampling');
    const result = await translateErrors(
      () => runSampler(req.params, { onProgress: ctx.progress, signal: ctx.signal }),
      [SamplingInputError],
      [SampleCancelled],
    );
    return { type: 'sample', result };
  },
  train: async (req, ctx) => {
    const { runTraining, BackendError, DataError, TranslateError } = await import('./training');
    const { analyze } = await import('./shapes');
    const done = await translateErrors(
      () =>
        runTraining(req.params, {
          onEvent: (e) => {
            // tfjs-node cannot be loaded by a second worker thread (tfjs#8388): tell the host, so a
            // restart after this point uses a child process.
            if (e.event === 'start' && e.backend === 'tensorflow') ctx.send({ type: 'nativeLoaded' });
            ctx.progress(e);
          },
          signal: ctx.signal,
          log: (m) => ctx.log('info', m),
          analyze: (source, file) => analyze(source, { file }).models,
        }),
      [BackendError, DataError, TranslateError],
      [],
    );
    return { type: 'train', done };
  },
});
