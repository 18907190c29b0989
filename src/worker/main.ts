// The worker thread (or, after tfjs-node was loaded once, a child process): runs training, sampling
// and big shape analyses off the extension host. Engines are required lazily so the worker starts
// fast and tfjs is only loaded by the first training run.
import { closeSync, openSync, writeSync } from 'node:fs';
import { CancelledError, startWorkerLoop, UserError } from './loop';

type ErrorClass = abstract new (...args: never[]) => Error;

/** Bad input from the user travels as a one-line message without a stack; cancellations as such. */
async function translateErrors<T>(
  run: () => Promise<T>,
  userErrors: ErrorClass[],
  cancelled: ErrorClass[],
): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (cancelled.some((c) => e instanceof c)) throw new CancelledError();
    if (userErrors.some((c) => e instanceof c)) throw new UserError((e as Error).message);
    throw e;
  }
}

/** Writes the CSV piece by piece (millions of draws never become one string); a failure is one line. */
function writeDraws(
  file: string,
  chunks: Iterable<string>,
  xs: readonly Float64Array[],
): { draws: number; bytes: number } {
  let fd: number | undefined;
  let bytes = 0;
  try {
    fd = openSync(file, 'w');
    for (const c of chunks) bytes += writeSync(fd, c);
  } catch (e) {
    throw new UserError(
      `cannot write ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  return { draws: xs.reduce((a, x) => a + x.length, 0), bytes };
}

startWorkerLoop({
  ping: async () => ({ pid: process.pid, memory: process.memoryUsage().rss }),
  analyze: async (p) => {
    const { analyze } = await import('../shapes');
    const modules = p.modules
      ? (await import('../pyenv/moduleHost')).fsModuleHost(p.modules)
      : undefined;
    return analyze(p.source, { file: p.file, defaultInput: p.defaultInput, modules });
  },
  checkExpr: async (p) => {
    const { checkExpression } = await import('../sampling');
    return checkExpression(p.expr, p.logDensity);
  },
  traceSteps: async (p) => {
    const { SamplingInputError } = await import('../sampling');
    const { traceSteps } = await import('../sampling/steps');
    return translateErrors(async () => traceSteps(p.request, p.steps), [SamplingInputError], []);
  },
  sample: async (params, ctx) => {
    const { runSampler, SamplingInputError, SampleCancelled } = await import('../sampling');
    const result = await translateErrors(
      () => runSampler(params, { onProgress: ctx.progress, signal: ctx.signal }),
      [SamplingInputError],
      [SampleCancelled],
    );
    const { runId: _runId, ...request } = params;
    return { ...result, request };
  },
  sampleDraws: async (p, ctx) => {
    const { runSampler, drawsCsvChunks, SamplingInputError, SampleCancelled } =
      await import('../sampling');
    let written: { draws: number; bytes: number } | undefined;
    await translateErrors(
      () =>
        runSampler(p.request, {
          onProgress: ctx.progress,
          signal: ctx.signal,
          onDraws: (xs, ys) => {
            written = writeDraws(p.file, drawsCsvChunks(xs, ys), xs);
          },
        }),
      [SamplingInputError],
      [SampleCancelled],
    );
    if (!written) throw new Error('the sampler finished without handing over its draws');
    return { file: p.file, ...written };
  },
  train: async (params, ctx) => {
    const { runTraining, BackendError, DataError, TranslateError } = await import('../training');
    const { analyze } = await import('../shapes');
    return translateErrors(
      () =>
        runTraining(params, {
          onEvent: (e) => {
            // tfjs-node cannot be loaded by a second worker thread (tfjs#8388): tell the host, so a
            // restart after this point uses a child process.
            if (e.event === 'start' && e.backend === 'tensorflow')
              ctx.send({ type: 'nativeLoaded' });
            ctx.progress(e);
          },
          signal: ctx.signal,
          log: (m) => ctx.log('info', m),
          analyze: (source, file) => analyze(source, { file, flow: true }).models,
        }),
      [BackendError, DataError, TranslateError],
      [],
    );
  },
});
