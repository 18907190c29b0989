// torch.jit.isinstance with typing's generics (torchtext's RobertaEncoder). Truth from PyTorch 1.13
// (/usr/bin/python3): for t = torch.zeros(2), torch.jit.isinstance(t, List[torch.Tensor]) is False,
// (t, torch.Tensor) True, ([t], torch.Tensor) False, (t, Dict[str, torch.Tensor]) False; the model
// below on torch.randn(2, 3, 4) gives [3, 2, 5].
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

function out(cond: string, value = 'self.l(x)'): (number | string)[] | null {
  return analyze(`from typing import Dict, List
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(4, 5)

    def forward(self, x):
        output = ${value}
        if ${cond}:
            output = output[-1]
        return output.transpose(1, 0)

m = Net()
m(torch.randn(2, 3, 4))
`).models[0].output;
}

test('a tensor is not a List[Tensor] or a Dict', () => {
  assert.deepEqual(out('torch.jit.isinstance(output, List[torch.Tensor])'), [3, 2, 5]);
  assert.deepEqual(out('torch.jit.isinstance(output, Dict[str, torch.Tensor])'), [3, 2, 5]);
});

test('a tensor is a torch.Tensor, a list is not', () => {
  // output[-1] of [2, 3, 5] is [3, 5], transposed [5, 3].
  assert.deepEqual(out('torch.jit.isinstance(output, torch.Tensor)'), [5, 3]);
  assert.deepEqual(out('torch.jit.isinstance(output, torch.Tensor)', '[self.l(x)]'), null);
});

test('a list against List[...] depends on its items: unknown', () => {
  assert.equal(out('torch.jit.isinstance(output, List[torch.Tensor])', '[self.l(x)]'), null);
});
