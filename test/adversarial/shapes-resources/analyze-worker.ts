// Runs the shape engine on the files the adversarial suite sends, in strict mode (an internal error is
// thrown, never passed off as an unknown value) and without a time limit (every runaway must be
// stopped by the deterministic step and element budgets; the suite's timeout is the backstop).
import { parentPort } from 'node:worker_threads';
import { analyze } from '../../../src/shapes';

export interface AnalyzeJob {
  file: string;
  source: string;
}

export type AnalyzeReply =
  { ok: true; result: ReturnType<typeof analyze> } | { ok: false; error: string };

parentPort?.on('message', (job: AnalyzeJob) => {
  let reply: AnalyzeReply;
  try {
    reply = {
      ok: true,
      result: analyze(job.source, { file: job.file, strict: true, budget: { timeMs: Infinity } }),
    };
  } catch (e) {
    reply = { ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
  parentPort?.postMessage(reply);
});
