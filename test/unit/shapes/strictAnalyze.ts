// The shape engine's unit tests analyse in strict mode: an unexpected exception inside the engine
// fails the test instead of costing one statement or one model, which the editor's mode would hide.
import {
  analyze as analyzeFile,
  type AnalysisResult,
  type AnalyzeOptions,
} from '../../../src/shapes';

export function analyze(source: string, options: AnalyzeOptions = {}): AnalysisResult {
  return analyzeFile(source, { strict: true, ...options });
}
