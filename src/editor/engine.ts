// The default analyzer: the engine's synchronous analyze() on the extension host thread.
import { analyze } from '../shapes';
import type { Analyzer } from './analysisCache';

export const inProcessAnalyzer: Analyzer = async (source, file, defaultInput, signal) => {
  if (signal.aborted) throw new Error('superseded');
  return analyze(source, { file, defaultInput });
};
