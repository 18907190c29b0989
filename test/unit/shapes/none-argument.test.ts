// A model called with None for an argument (torchaudio's ConformerLayer(x, None), an optional mask):
// forward receives None, so `if mask is not None` is decided. PyTorch 1.13 on this file: output
// (2, 6), 51 parameters (extra is built but not called).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const FILE = `import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 6)
        self.extra = nn.Linear(6, 3)

    def forward(self, x, mask):
        x = self.fc(x)
        if mask is not None:
            x = self.extra(x)
        return x


model = Net()
y = model(torch.randn(2, 4), None)
`;

test('None given as an argument reaches forward as None', () => {
  const m = analyze(FILE).models[0];
  assert.equal(m.inputSource, 'call');
  assert.deepEqual(m.input, [[2, 4], null]);
  assert.deepEqual(
    m.layers.map((l) => [l.name, l.output]),
    [['fc', [2, 6]]],
  );
  assert.deepEqual(m.output, [2, 6]);
  assert.equal(m.params, 51);
  // The flow graph (training) takes the same input.
  const g = analyze(FILE, { flow: true }).models[0];
  assert.deepEqual(g.input, [[2, 4], null]);
  assert.deepEqual(
    g.layers.map((l) => l.name),
    ['fc'],
  );
  assert.ok(g.graph);
});

test('an argument that is neither a tensor nor None is still no input from the call', () => {
  const m = analyze(FILE.replace('torch.randn(2, 4), None)', 'torch.randn(2, 4), cfg)')).models[0];
  assert.notEqual(m.inputSource, 'call');
});
