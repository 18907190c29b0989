// The default analyzer: the engine's synchronous analyze() on the extension host thread, under a hard
// budget so that no file blocks the host for long. A file that needs more comes back with
// `budgetExceeded` set (what was cut short is unknown), and the analysis cache then sends it to the
// worker, whose budget is the engine's default (DEFAULT_BUDGET): the result the user sees never
// depends on the host's smaller limits, only on the file.
import { type ModuleHostConfig, fsModuleHost } from '../pyenv/moduleHost';
import { type ModuleHost, analyze } from '../shapes';
import type { Analyzer } from './analysisCache';

/**
 * Most time one in-process analysis may take, parse included, in ms. The editor's target is no host
 * block over 50 ms; the budget's clock is read every 512 interpreter steps (well under 1 ms apart),
 * and the result is built after it, so this leaves a margin for both and for a GC pause.
 */
export const HOST_TIME_BUDGET_MS = 30;

/**
 * The host's step and element limits: a tenth and a fiftieth of the engine's default. The largest
 * corpus file takes 6.5 k steps and 76 elements; a file past these is a runaway or very unusual, and
 * the worker has the full budget for it. The element limit also bounds the largest single piece of
 * work the clock cannot interrupt (building a 20,000-item range is about 1 ms); with 100,000 the
 * bench saw such pieces take 100 ms on a loaded machine.
 */
export const HOST_BUDGET = { steps: 100_000, elements: 20_000, timeMs: HOST_TIME_BUDGET_MS };

/**
 * Characters of imported files one in-process analysis may read. Parsing a file is not interruptible
 * (the budget's clock is read between interpreter steps), so a project's large files go to the worker.
 */
export const HOST_IMPORT_CHARS = 200_000;

/**
 * The module host of an in-process analysis: never an installed library (torchvision's first
 * analysis reads, parses and runs about thirty files, seconds of work), and at most HOST_IMPORT_CHARS
 * of workspace files. Asked for more, it says no and notes why: the analysis then goes to the worker.
 */
function hostModules(cfg: ModuleHostConfig, needs: (why: string) => void): ModuleHost {
  const base = fsModuleHost({
    ...cfg,
    library: () => {
      needs('it imports an installed library');
      return { roots: [], error: 'installed libraries are read in the engine worker' };
    },
  });
  let chars = 0;
  return {
    ...base,
    read: (p) => {
      const r = base.read(p);
      if (!('text' in r)) return r;
      chars += r.text.length;
      if (chars <= HOST_IMPORT_CHARS) return r;
      needs(`its imports hold more than ${HOST_IMPORT_CHARS} characters`);
      return { error: 'read in the engine worker' };
    },
  };
}

export const inProcessAnalyzer: Analyzer = async (source, file, defaultInput, signal, modules) => {
  if (signal.aborted) throw new Error('superseded');
  let needsWorker: string | undefined;
  const result = analyze(source, {
    file,
    defaultInput,
    budget: HOST_BUDGET,
    modules: modules ? hostModules(modules, (why) => (needsWorker ??= why)) : undefined,
  });
  return needsWorker ? { ...result, needsWorker } : result;
};
