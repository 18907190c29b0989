// The engine's real output on the example files, which the editor tests run against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/shapes';
import type { AnalysisResult } from '../../../src/shapes/types';

export const ROOT = join(__dirname, '..', '..', '..');

export function readExample(name: string): string {
  return readFileSync(join(ROOT, 'examples', name), 'utf8');
}

export interface Analysed {
  source: string;
  lines: string[];
  result: AnalysisResult;
}

export function analyseFile(path: string): Analysed {
  const source = readFileSync(join(ROOT, path), 'utf8');
  return { source, lines: source.split('\n'), result: analyze(source, { file: path }) };
}

/** examples/mnist_cnn.py: Net, `# input: (1, 1, 28, 28)`, 12 layer calls, no diagnostics. */
export function mnistCnnResult(): Analysed {
  return analyseFile('examples/mnist_cnn.py');
}

/** examples/shape_bug.py: BuggyNet with Linear(1600, 128) after a flatten that yields 9216. */
export function shapeBugResult(): Analysed {
  return analyseFile('examples/shape_bug.py');
}
