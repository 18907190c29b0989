// A model called with constant keyword arguments (RAFT's `model(img1, img2, num_flow_updates=2)`) is
// traced with them, not with forward's defaults. PyTorch 1.13 (/usr/bin/python3): the model below on
// torch.randn(2, 4) with steps=3 calls its Linear 3 times and returns [3, 2, 4].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const net = (call: string): string => `import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 4)

    def forward(self, x, steps: int = 12, scale=None):
        outs = []
        for _ in range(steps):
            x = self.l(x)
            outs.append(x)
        return torch.stack(outs)

m = Net()
${call}
`;

test('constant keywords of the call reach forward', () => {
  const m = analyze(net('m(torch.randn(2, 4), steps=3)')).models[0];
  assert.equal(m.inputSource, 'call');
  assert.deepEqual(m.output, [3, 2, 4]);
  assert.equal(m.layers.filter((l) => l.name === 'l').length, 3);
});

test('without keywords forward keeps its defaults', () => {
  const m = analyze(net('m(torch.randn(2, 4))')).models[0];
  assert.deepEqual(m.output, [12, 2, 4]);
});

test('a keyword that is not a constant is not restated (the defaults stay, as before)', () => {
  const m = analyze(net('m(torch.randn(2, 4), steps=3, scale=torch.ones(1))')).models[0];
  assert.deepEqual(m.output, [12, 2, 4]);
});
