// The engine worker with one bug planted: analysing the text "runaway" allocates without end, as a
// bug past the shape engine's budget would. Everything else is the real engine.
import { startWorkerLoop, UserError } from '../../../src/worker/loop';
import { analyze } from '../../../src/shapes';

const unsupported = async (): Promise<never> => {
  throw new UserError('not in this test worker');
};

startWorkerLoop({
  ping: async () => ({ pid: process.pid, memory: process.memoryUsage().rss }),
  analyze: async (req) => {
    if (req.source === 'runaway') {
      const hoard: number[][] = [];
      for (;;) hoard.push(new Array<number>(1 << 16).fill(hoard.length));
    }
    return analyze(req.source, { file: req.file, defaultInput: req.defaultInput });
  },
  checkExpr: unsupported,
  sample: unsupported,
  sampleDraws: unsupported,
  traceSteps: unsupported,
  train: unsupported,
});
