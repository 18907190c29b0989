// A forward that returns a dict of tensors (torchvision's segmentation models return
// `OrderedDict(out=..., aux=...)`): the model's output is the dict's first tensor, its outputs every
// tensor in insertion order. Expected shapes from PyTorch 1.13 (/usr/bin/python3, the model below on
// torch.randn(2, 3, 64, 48)): out [2, 4, 64, 48], aux [2, 5, 32, 24], 137 parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const net = (ret: string): string => `from collections import OrderedDict
import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.aux = nn.Conv2d(4, 5, 1)

    def forward(self, x):
        input_shape = x.shape[-2:]
        result = OrderedDict()
        y = self.conv(x)
        result["out"] = F.interpolate(y, size=input_shape, mode="bilinear", align_corners=False)
        result["aux"] = ${ret}
        return result

m = Net()
m(torch.randn(2, 3, 64, 48))
`;

test('a dict output: the first value is the output, every value in order the outputs', () => {
  const m = analyze(net('self.aux(y)')).models[0];
  assert.deepEqual(m.output, [2, 4, 64, 48]);
  assert.deepEqual(m.outputs, [
    [2, 4, 64, 48],
    [2, 5, 32, 24],
  ]);
  assert.equal(m.params, 137);
});

test('an unknown value of the dict stays unknown among the outputs', () => {
  const m = analyze(net('some_unknown_function(y)')).models[0];
  assert.deepEqual(m.output, [2, 4, 64, 48]);
  assert.deepEqual(m.outputs, [[2, 4, 64, 48], null]);
  assert.equal(m.traceComplete, false);
});
