// The default analyzer: the engine's synchronous analyze() on the extension host thread, under a hard
// time budget so that no file blocks the host for long. A file that needs more time comes back with
// `budgetExceeded: 'time'` (what was cut short is unknown), and the analysis cache then sends it to
// the worker, whose budget is the engine's default.
import { analyze } from '../shapes';
import type { Analyzer } from './analysisCache';

/**
 * Most time one in-process analysis may take, parse included, in ms. The editor's target is no host
 * block over 50 ms; the budget's clock is read every 512 interpreter steps (well under 1 ms apart),
 * and the result is built after it, so this leaves a margin for both and for a GC pause.
 */
export const HOST_TIME_BUDGET_MS = 30;

export const inProcessAnalyzer: Analyzer = async (source, file, defaultInput, signal) => {
  if (signal.aborted) throw new Error('superseded');
  return analyze(source, { file, defaultInput, budget: { timeMs: HOST_TIME_BUDGET_MS } });
};
