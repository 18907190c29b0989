// A layer called in a branch of an `if` decided only at run time (LayerDrop's
// `torch.rand(1).item() <= p`) is traced, and marked: PyTorch may skip that call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

test('calls in the branches of an undecided if are marked conditional, the others not', () => {
  const r = analyze(
    [
      'import torch',
      'import torch.nn as nn',
      '# input: (2, 4)',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.first = nn.Linear(4, 4)',
      '        self.layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(2)])',
      '        self.last = nn.Linear(4, 2)',
      '        self.layer_drop = 0.1',
      '    def forward(self, x):',
      '        x = self.first(x)',
      '        for layer in self.layers:',
      '            if not (self.training and torch.rand(1).item() <= self.layer_drop):',
      '                x = layer(x)',
      '        if self.training:',
      '            x = x * 2',
      '        return self.last(x)',
      '',
    ].join('\n'),
  );
  const m = r.models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(
    m.layers.filter((l) => !l.functional).map((l) => [l.name, l.conditional === true]),
    [
      ['first', false],
      ['layers.0', true],
      ['layers.1', true],
      ['last', false],
    ],
  );
  assert.deepEqual(m.output, [2, 2]);
});
