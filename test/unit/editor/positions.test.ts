import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  endsInComment,
  forwardParams,
  layersAt,
  modelAtLine,
  modelExtent,
  modelNameAt,
  rangeContains,
  toRange0,
  variableAt,
} from '../../../src/editor/positions';
import type { ModelResult } from '../../../src/shapes/types';
import { mnistCnnResult, readExample, shapeBugResult } from './examples';

test('1-based engine ranges become 0-based vscode ranges; never negative, never inverted', () => {
  assert.deepEqual(toRange0({ line: 23, column: 13, endLine: 23, endColumn: 26 }), {
    start: { line: 22, character: 12 },
    end: { line: 22, character: 25 },
  });
  assert.deepEqual(toRange0({ line: 0, column: 0, endLine: 0, endColumn: 0 }), {
    start: { line: 0, character: 0 },
    end: { line: 0, character: 0 },
  });
  const inverted = toRange0({ line: 5, column: 10, endLine: 5, endColumn: 3 });
  assert.deepEqual(inverted.end, inverted.start);
});

test('rangeContains treats the end column as exclusive', () => {
  const r = { line: 3, column: 5, endLine: 4, endColumn: 2 };
  assert.equal(rangeContains(r, 3, 4), false);
  assert.equal(rangeContains(r, 3, 5), true);
  assert.equal(rangeContains(r, 3, 500), true);
  assert.equal(rangeContains(r, 4, 1), true);
  assert.equal(rangeContains(r, 4, 2), false);
  assert.equal(rangeContains(r, 5, 1), false);
});

test('a class extends over its indented body, a Sequential to its closing bracket', () => {
  const { lines, result } = mnistCnnResult();
  assert.deepEqual(modelExtent(lines, result.models[0]), { start: 12, end: 35 });
  const seqLines = readExample('sequential.py').split('\n');
  const seq: ModelResult = {
    name: 'cnn',
    line: 5,
    kind: 'sequential',
    input: [[64, 1, 28, 28]],
    inputSource: 'comment',
    output: [64, 10],
    params: 225034,
    layers: [],
    variables: [],
    range: { line: 5, column: 1, endLine: 5, endColumn: 4 },
  };
  assert.deepEqual(modelExtent(seqLines, seq), { start: 5, end: 16 });
});

test('a half-typed class (no body yet) and a never-closed Sequential stay bounded', () => {
  const lines = [
    'import torch.nn as nn',
    'class Half(nn.Module):',
    '',
    'seq = nn.Sequential(',
    '    nn.ReLU(),',
  ];
  const cls: ModelResult = {
    name: 'Half',
    line: 2,
    kind: 'module',
    input: [],
    inputSource: 'symbolic',
    output: null,
    params: 0,
    layers: [],
    variables: [],
    range: { line: 2, column: 7, endLine: 2, endColumn: 11 },
  };
  assert.deepEqual(modelExtent(lines, cls), { start: 2, end: 2 });
  assert.deepEqual(modelExtent(lines, { ...cls, kind: 'sequential', line: 4 }), {
    start: 4,
    end: 5,
  });
});

test('the model under the cursor, by line', () => {
  const { lines, result } = mnistCnnResult();
  assert.equal(modelAtLine(result, lines, 12)?.name, 'Net');
  assert.equal(modelAtLine(result, lines, 30)?.name, 'Net');
  assert.equal(modelAtLine(result, lines, 5), undefined);
  // The `# input:` comment above the class counts as the model's.
  assert.equal(modelAtLine(result, lines, 11)?.name, 'Net');
  assert.equal(modelAtLine(result, lines, 10), undefined);
  assert.equal(modelNameAt(result, 12, 7)?.name, 'Net');
  assert.equal(modelNameAt(result, 12, 10), undefined);
});

test('the innermost call under the cursor wins, and definitions resolve to their layer', () => {
  const { result } = shapeBugResult();
  // Line 24: `        x = F.max_pool2d(F.relu(self.conv2(x)), 2)`
  const lineText = '        x = F.max_pool2d(F.relu(self.conv2(x)), 2)';
  assert.equal(layersAt(result, 24, lineText.indexOf('self.conv2') + 6)[0].layer.name, 'conv2');
  assert.equal(layersAt(result, 24, lineText.indexOf('F.relu') + 3)[0].layer.name, 'F.relu');
  assert.equal(
    layersAt(result, 24, lineText.indexOf('F.max_pool2d') + 1)[0].layer.type,
    'F.max_pool2d',
  );
  assert.deepEqual(layersAt(result, 24, 3), []);
  const { result: mnist } = mnistCnnResult();
  const hit = layersAt(mnist, 19, 14);
  assert.equal(hit.length, 1);
  assert.equal(hit[0].layer.name, 'fc1');
  assert.equal(hit[0].atDefinition, true);
});

test('a variable shows the shape it holds at that point: new value left of =, old value right of it', () => {
  const { lines, result } = mnistCnnResult();
  // Line 24: `        x = F.relu(x)`: the left x (column 9) is assigned there.
  assert.deepEqual(variableAt(result, lines, 'x', 24, 9)[0].variable.shape, [1, 32, 26, 26]);
  // Line 30: `        x = self.fc1(x)`; the argument x still holds the flattened tensor.
  assert.deepEqual(variableAt(result, lines, 'x', 30, 22)[0].variable.shape, [1, 9216]);
  assert.deepEqual(variableAt(result, lines, 'x', 22, 23)[0].variable.shape, [1, 1, 28, 28]);
  assert.deepEqual(variableAt(result, lines, 'output', 35, 16)[0].variable.shape, [1, 10]);
  assert.deepEqual(variableAt(result, lines, 'x', 5, 1), []);
  assert.deepEqual(variableAt(result, lines, 'nope', 30, 9), []);
});

test('a submodule analysed on its own (symbolic) yields to the enclosing model with real numbers', () => {
  const { result } = mnistCnnResult();
  const net = result.models[0];
  const symbolic: ModelResult = {
    ...net,
    name: 'Sym',
    inputSource: 'symbolic',
    layers: net.layers.map((l) => ({ ...l, output: ['B', 'C'] })),
  };
  const hits = layersAt({ ...result, models: [symbolic, net] }, 23, 14);
  assert.equal(hits.length, 1);
  assert.equal(hits[0].model.name, 'Net');
});

test('forward parameters hold the model inputs, also with annotations, defaults and a split signature', () => {
  const lines = [
    'class Two(nn.Module):',
    '    def forward(self, a: torch.Tensor,',
    '                b=None, *rest, **kw):  # two inputs',
    '        return a + b',
  ];
  const model: ModelResult = {
    name: 'Two',
    line: 1,
    kind: 'module',
    input: [
      [1, 300],
      [1, 200],
    ],
    inputSource: 'comment',
    output: null,
    params: 0,
    layers: [],
    variables: [],
    range: { line: 1, column: 7, endLine: 1, endColumn: 10 },
  };
  assert.deepEqual(forwardParams(lines, model), [
    { name: 'a', line: 2, column: 23, shape: [1, 300] },
    { name: 'b', line: 3, column: 17, shape: [1, 200] },
  ]);
  assert.deepEqual(
    variableAt({ file: '', models: [model], diagnostics: [] }, lines, 'b', 4, 20)[0].variable.shape,
    [1, 200],
  );
  assert.deepEqual(forwardParams(lines, { ...model, kind: 'sequential' }), []);
});

test('a line ends in a comment when a # stands outside its strings', () => {
  assert.equal(endsInComment('        self.fc1 = nn.Linear(1600, 128)  # should be 9216'), true);
  assert.equal(endsInComment('x = self.fc(x)#tight'), true);
  assert.equal(endsInComment('x = self.fc(x)'), false);
  assert.equal(endsInComment("self.tag = '#1'"), false);
  assert.equal(endsInComment('s = "a \\" # b"'), false);
  assert.equal(endsInComment('s = "a \\" # b"  # c'), true);
  assert.equal(endsInComment("doc = '''# not a comment''' + x"), false);
  assert.equal(endsInComment('open = "unterminated # still a string'), false);
});
