// Errors PyTorch raises while a model is built are reported at the constructor argument whether or
// not forward reaches the layer (checked against torch 1.13: both constructors below raise).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const SRC = `import torch
import torch.nn as nn

# input: (1, 3)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(3, -4)
        self.unused = nn.Conv2d(3, 8, 3, stride=2, padding='same')

    def forward(self, x):
        return self.fc(x)
`;

const at = (src: string, line: number, col: number, endCol: number): string =>
  src.split('\n')[line - 1].slice(col - 1, endCol - 1);

test("padding='same' with a stride is flagged at padding=, for a layer forward never calls", () => {
  const r = analyze(SRC);
  const d = r.diagnostics.filter((x) => x.code === 'padding-same-stride');
  assert.equal(d.length, 1);
  assert.equal(d[0].severity, 'error');
  assert.equal(at(SRC, d[0].line, d[0].column, d[0].range.endColumn), "'same'");
  assert.match(d[0].message, /not supported for strided convolutions/);
  assert.equal(d[0].fix?.newText, '1');
});

test('a negative size in __init__ is flagged at the argument, and the layer output is unknown with the reason', () => {
  const r = analyze(SRC);
  const d = r.diagnostics.find((x) => x.code === 'invalid-argument');
  assert.ok(d);
  assert.equal(at(SRC, d.line, d.column, d.range.endColumn), '-4');
  const fc = r.models[0].layers.find((l) => l.name === 'fc');
  assert.equal(fc?.output, null);
  assert.match(fc?.unknownReason ?? '', /out_features=-4 is not a valid size/);
});

test('a strided same conv that forward does call is reported once, and its output is unknown', () => {
  const src = SRC.replace('return self.fc(x)', 'return self.unused(x)').replace(
    '# input: (1, 3)',
    '# input: (1, 3, 16, 16)',
  );
  const r = analyze(src);
  assert.equal(r.diagnostics.filter((x) => x.code === 'padding-same-stride').length, 1);
  const l = r.models[0].layers.find((x) => x.name === 'unused');
  assert.equal(l?.output, null);
  assert.match(l?.unknownReason ?? '', /padding='same' with stride > 1/);
});

test('a block built with valid arguments reports nothing', () => {
  const r = analyze(SRC.replace('-4', '4').replace('stride=2, ', ''));
  assert.deepEqual(r.diagnostics, []);
});
