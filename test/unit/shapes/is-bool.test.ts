// `x is True` / `x is False` on booleans the analyser knows: True and False are one object each, so
// identity is equality (torchaudio's HDemucs builds its time encoder under
// `if last_freq is True and nfft == 2048`). Python 3 / PyTorch 1.13 on this file: k = 5 + 20, output
// (2, 25), 125 parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const FILE = `import torch
import torch.nn as nn

flag = 1 > 2
k = (3 if flag is True else 5) + (20 if flag is False else 0) + (100 if flag is not False else 0)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, k)

    def forward(self, x):
        return self.fc(x)


model = Net()
y = model(torch.randn(2, 4))
`;

test('identity of known booleans is decided', () => {
  const m = analyze(FILE).models[0];
  assert.deepEqual(m.output, [2, 25]);
  assert.equal(m.params, 125);
});

test('identity of a number and True stays unknown', () => {
  // 1 is True is False in Python, but numbers' identity is not modelled.
  const m = analyze(FILE.replace('flag = 1 > 2', 'flag = 1')).models[0];
  assert.equal(m.output, null);
});
