// Hand-made AnalysisResults for the examples, written from what PyTorch computes, used where the
// engine's own output is not available. Ranges are located in the real example text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnalysisResult, LayerResult, ModelResult, SourceRange } from '../../../src/shapes/types';

export const ROOT = join(__dirname, '..', '..', '..');

export function readExample(name: string): string {
  return readFileSync(join(ROOT, 'examples', name), 'utf8');
}

/** The 1-based range of the `nth` occurrence of `text` on `line`. */
export function find(lines: string[], line: number, text: string, nth = 0): SourceRange {
  let col = -1;
  for (let i = 0; i <= nth; i++) col = lines[line - 1].indexOf(text, col + 1);
  if (col < 0) throw new Error(`"${text}" not on line ${line}: ${lines[line - 1]}`);
  return { line, column: col + 1, endLine: line, endColumn: col + 1 + text.length };
}

function layer(lines: string[], line: number, callText: string, l: Omit<LayerResult, 'line' | 'column' | 'range'>): LayerResult {
  const range = find(lines, line, callText);
  return { line, column: range.column, range, ...l };
}

export function mnistCnnResult(): { source: string; lines: string[]; result: AnalysisResult } {
  const source = readExample('mnist_cnn.py');
  const lines = source.split('\n');
  const def = (line: number, name: string) => find(lines, line, `self.${name}`);
  const layers: LayerResult[] = [
    layer(lines, 23, 'self.conv1(x)', { name: 'conv1', type: 'Conv2d', input: [1, 1, 28, 28], output: [1, 32, 26, 26], params: 320, macs: 194688, definition: def(15, 'conv1'),
      docUrl: 'https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html',
      config: { in_channels: 1, out_channels: 32, kernel_size: [3, 3], stride: [1, 1] },
      formulas: [
        { dim: 'H', formula: '⌊(I + 2P − D·(K−1) − 1)/S⌋ + 1', worked: '⌊(28 + 2·0 − 1·(3 − 1) − 1)/1⌋ + 1 = 26' },
        { dim: 'W', formula: '⌊(I + 2P − D·(K−1) − 1)/S⌋ + 1', worked: '⌊(28 + 2·0 − 1·(3 − 1) − 1)/1⌋ + 1 = 26' },
      ] }),
    layer(lines, 24, 'F.relu(x)', { name: 'F.relu', type: 'F.relu', input: [1, 32, 26, 26], output: [1, 32, 26, 26], params: 0, functional: true }),
    layer(lines, 25, 'self.conv2(x)', { name: 'conv2', type: 'Conv2d', input: [1, 32, 26, 26], output: [1, 64, 24, 24], params: 18496, definition: def(16, 'conv2') }),
    layer(lines, 26, 'F.relu(x)', { name: 'F.relu', type: 'F.relu', input: [1, 64, 24, 24], output: [1, 64, 24, 24], params: 0, functional: true }),
    layer(lines, 27, 'F.max_pool2d(x, 2)', { name: 'F.max_pool2d', type: 'F.max_pool2d', input: [1, 64, 24, 24], output: [1, 64, 12, 12], params: 0, functional: true }),
    layer(lines, 28, 'self.dropout1(x)', { name: 'dropout1', type: 'Dropout', input: [1, 64, 12, 12], output: [1, 64, 12, 12], params: 0, definition: def(17, 'dropout1') }),
    layer(lines, 29, 'torch.flatten(x, 1)', { name: 'torch.flatten', type: 'torch.flatten', input: [1, 64, 12, 12], output: [1, 9216], params: 0, functional: true }),
    layer(lines, 30, 'self.fc1(x)', { name: 'fc1', type: 'Linear', input: [1, 9216], output: [1, 128], params: 1179776, definition: def(19, 'fc1'), config: { in_features: 9216, out_features: 128 } }),
    layer(lines, 31, 'F.relu(x)', { name: 'F.relu', type: 'F.relu', input: [1, 128], output: [1, 128], params: 0, functional: true }),
    layer(lines, 32, 'self.dropout2(x)', { name: 'dropout2', type: 'Dropout', input: [1, 128], output: [1, 128], params: 0, definition: def(18, 'dropout2') }),
    layer(lines, 33, 'self.fc2(x)', { name: 'fc2', type: 'Linear', input: [1, 128], output: [1, 10], params: 1290, definition: def(20, 'fc2') }),
    layer(lines, 34, 'F.log_softmax(x, dim=1)', { name: 'F.log_softmax', type: 'F.log_softmax', input: [1, 10], output: [1, 10], params: 0, functional: true }),
  ];
  const shapes: [number, number[]][] = [[23, [1, 32, 26, 26]], [24, [1, 32, 26, 26]], [25, [1, 64, 24, 24]], [26, [1, 64, 24, 24]], [27, [1, 64, 12, 12]],
    [28, [1, 64, 12, 12]], [29, [1, 9216]], [30, [1, 128]], [31, [1, 128]], [32, [1, 128]], [33, [1, 10]]];
  const model: ModelResult = {
    name: 'Net', line: 12, kind: 'module', input: [[1, 1, 28, 28]], inputSource: 'comment', output: [1, 10], params: 1199882,
    layers, range: find(lines, 12, 'Net'),
    variables: [
      { name: 'x', line: 22, column: find(lines, 22, 'x').column, shape: [1, 1, 28, 28] },
      ...shapes.map(([line, shape]) => ({ name: 'x', line, column: 9, shape })),
      { name: 'output', line: 34, column: 9, shape: [1, 10] },
    ],
  };
  return { source, lines, result: { file: 'mnist_cnn.py', models: [model], diagnostics: [] } };
}

export function shapeBugResult(): { source: string; lines: string[]; result: AnalysisResult } {
  const source = readExample('shape_bug.py');
  const lines = source.split('\n');
  const layers: LayerResult[] = [
    layer(lines, 23, 'self.conv1(x)', { name: 'conv1', type: 'Conv2d', input: [1, 1, 28, 28], output: [1, 32, 26, 26], params: 320 }),
    layer(lines, 23, 'F.relu(self.conv1(x))', { name: 'F.relu', type: 'F.relu', input: [1, 32, 26, 26], output: [1, 32, 26, 26], params: 0, functional: true }),
    layer(lines, 24, 'self.conv2(x)', { name: 'conv2', type: 'Conv2d', input: [1, 32, 26, 26], output: [1, 64, 24, 24], params: 18496 }),
    layer(lines, 24, 'F.relu(self.conv2(x))', { name: 'F.relu', type: 'F.relu', input: [1, 64, 24, 24], output: [1, 64, 24, 24], params: 0, functional: true }),
    layer(lines, 24, 'F.max_pool2d(F.relu(self.conv2(x)), 2)', { name: 'F.max_pool2d', type: 'F.max_pool2d', input: [1, 64, 24, 24], output: [1, 64, 12, 12], params: 0, functional: true }),
    layer(lines, 25, 'torch.flatten(x, 1)', { name: 'torch.flatten', type: 'torch.flatten', input: [1, 64, 12, 12], output: [1, 9216], params: 0, functional: true }),
    layer(lines, 26, 'self.fc1(x)', { name: 'fc1', type: 'Linear', input: [1, 9216], output: null, params: 205_728, unknownReason: 'in_features is 1600 but the input has 9216 features' }),
  ];
  const wrong = find(lines, 19, '1600');
  const model: ModelResult = {
    name: 'BuggyNet', line: 14, kind: 'module', input: [[1, 1, 28, 28]], inputSource: 'comment', output: null, params: 225_034,
    layers, range: find(lines, 14, 'BuggyNet'), variables: [],
  };
  return {
    source, lines,
    result: {
      file: 'shape_bug.py', models: [model],
      diagnostics: [{ line: 19, column: wrong.column, range: wrong, severity: 'error', code: 'linear-in-features',
        message: 'fc1 = Linear(1600, 128) receives 9216 features (1, 9216): mat1 and mat2 shapes cannot be multiplied (1x9216 and 1600x128)',
        fix: { title: 'Change in_features to 9216', range: wrong, newText: '9216' } }],
    },
  };
}
