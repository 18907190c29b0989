// The shape bench's timing loop. shapes.bench.ts bundles this file with esbuild as dist/ is bundled
// (minified, node20) and runs it in a worker thread, so the timings are of the engine as shipped, in a
// fresh heap configured like the thread that runs it in the product, not of tsx-transpiled sources
// in a process the other benches have already filled.
import { parentPort } from 'node:worker_threads';
import { parser } from '@lezer/python';
import { analyze } from '../src/shapes';
import { plainTree } from '../src/shapes/syntax/lezer';
import { fastParse } from '../src/shapes/syntax/pyparse';

export type TimedFn = 'analyze' | 'lezer' | 'engineParse' | 'fastParse';

export interface TimingJob {
  src: string;
  fn: TimedFn;
  warm: number;
  runs: number;
}

export interface TimingResult {
  /** Milliseconds per run, in run order. */
  times: number[];
  /** The same for the warm-up runs before them (the first analyses a fresh thread runs). */
  warmTimes: number[];
  /** Whether the function gave a result (fastParse gives up with null). */
  ok: boolean;
  /** Models found (analyze only). */
  models: number;
  /** The budget limit the analysis reached (analyze only; src/shapes/eval/budget.ts), if any. */
  exceeded?: string;
}

const FNS: Record<TimedFn, (s: string) => unknown> = {
  analyze: (s) => analyze(s),
  lezer: (s) => parser.parse(s),
  engineParse: (s) => plainTree(s),
  fastParse: (s) => fastParse(s),
};

function time(job: TimingJob): TimingResult {
  const f = FNS[job.fn];
  let last: unknown = null;
  const warmTimes: number[] = [];
  for (let i = 0; i < job.warm; i++) {
    const a = performance.now();
    last = f(job.src);
    warmTimes.push(performance.now() - a);
  }
  const times: number[] = [];
  for (let i = 0; i < job.runs; i++) {
    const a = performance.now();
    last = f(job.src);
    times.push(performance.now() - a);
  }
  const models = job.fn === 'analyze' ? (last as ReturnType<typeof analyze>).models.length : 0;
  const exceeded =
    job.fn === 'analyze' ? (last as ReturnType<typeof analyze>).budgetExceeded : undefined;
  return { times, warmTimes, ok: last !== null, models, ...(exceeded ? { exceeded } : {}) };
}

parentPort?.on('message', (jobs: TimingJob[]) => {
  parentPort?.postMessage(jobs.map(time));
});
