// The imports bench's timing loop, bundled and run in a fresh worker thread by shapes-imports.bench.ts,
// so its first analysis is a first analysis: nothing parsed, nothing kept.
import { parentPort } from 'node:worker_threads';
import { fsModuleHost } from '../src/pyenv/moduleHost';
import { analyze } from '../src/shapes';
import { clearKeptModules } from '../src/shapes/modules/store';

export interface ImportsJob {
  files: { path: string; src: string }[];
  /** Site folders (fixed, so no Python is asked while timing). */
  library: string[];
  runs: number;
}

export interface ImportsResult {
  /** ms of each file's first analysis and second, in order. */
  first: number[];
  second: number[];
  /** ms per analysis of the first file: imports' top levels run again (parses kept), and kept. */
  rerun: number[];
  kept: number[];
  /** Each analysis's models as JSON, to check that keeping changes no result. */
  same: boolean;
  outputs: string[];
}

function once(f: { path: string; src: string }, library: string[]): [number, string] {
  const modules = fsModuleHost({ roots: [], library: { roots: library } });
  const a = performance.now();
  const r = analyze(f.src, { file: f.path, modules });
  const ms = performance.now() - a;
  return [ms, JSON.stringify(r.models.map((m) => [m.name, m.output, m.params, m.layers.length]))];
}

parentPort?.once('message', (job: ImportsJob) => {
  const first: number[] = [];
  const second: number[] = [];
  const outputs: string[] = [];
  for (const f of job.files) {
    const [ms, out] = once(f, job.library);
    first.push(ms);
    outputs.push(out);
  }
  for (const f of job.files) second.push(once(f, job.library)[0]);
  const rerun: number[] = [];
  const kept: number[] = [];
  let same = true;
  const f0 = job.files[0];
  // Interleaved, so that load on a shared machine hits both alike.
  for (let i = 0; i < job.runs; i++) {
    clearKeptModules();
    const [a, outA] = once(f0, job.library);
    const [b, outB] = once(f0, job.library);
    rerun.push(a);
    kept.push(b);
    same &&= outA === outputs[0] && outB === outputs[0];
  }
  const result: ImportsResult = { first, second, rerun, kept, same, outputs };
  parentPort?.postMessage(result);
});
