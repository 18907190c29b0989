// torch.nn.parameter.Parameter is nn.Parameter under the module path it is defined in (torchvision's
// MaxViT writes `nn.parameter.Parameter(...)`); read as an unknown call it made the model's
// parameter total unknown and stopped its attention at the bias table.
// Expected values from PyTorch 1.13 (/usr/bin/python3): output (2, 3), 357 parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const SRC = `import torch
import torch.nn as nn
from torch.nn.parameter import Parameter

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.parameter.Parameter(torch.empty((13 * 13, 2), dtype=torch.float32))
        self.scale = Parameter(torch.ones(4))
        self.fc = nn.Linear(4, 3)

    def forward(self, x):
        return self.fc(x * self.scale) + self.table[:3, :1].sum()

m = Net()
y = m(torch.randn(2, 4))
`;

test('nn.parameter.Parameter and `from torch.nn.parameter import Parameter` are nn.Parameter', () => {
  const m = analyze(SRC).models[0];
  assert.equal(m.params, 357);
  assert.deepEqual(m.output, [2, 3]);
});
