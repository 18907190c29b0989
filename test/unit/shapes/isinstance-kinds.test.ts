// isinstance against the kinds library code sorts its layer arguments by (timm's get_norm_layer:
// `isinstance(norm_layer, (type, str, types.FunctionType, functools.partial))`), and bool as an int.
// PyTorch 1.13 (/usr/bin/python3) on FILE: output (2, 12111), 60,555 parameters: the class counts
// 1, the partial 10, the function 100, True and 3 count 1000 each (bool is a subclass of int), 'relu'
// counts 10000.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const FILE = `import functools
import types

import torch
import torch.nn as nn


def helper(x):
    return x


class Net(nn.Module):
    def __init__(self, norm_layer=nn.BatchNorm2d, flag=True):
        super().__init__()
        n = 0
        part = functools.partial(nn.GroupNorm, 2)
        for v in [norm_layer, part, helper, flag, 3, 'relu']:
            if isinstance(v, type):
                n += 1
            if isinstance(v, functools.partial):
                n += 10
            if isinstance(v, types.FunctionType):
                n += 100
            if isinstance(v, int):
                n += 1000
            if isinstance(v, str):
                n += 10000
        self.fc = nn.Linear(4, n)

    def forward(self, x):
        return self.fc(x)


model = Net()
y = model(torch.randn(2, 4))
`;

test('isinstance sorts classes, partials, functions and bools as Python does', () => {
  const m = analyze(FILE).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 12111]);
  assert.equal(m.params, 60555);
});

test('isinstance of a library function against types.FunctionType is unknown', () => {
  // F.relu is a Python function (True) but torch.relu a builtin (False): a library name's kind is
  // not known to the analyser.
  const src = FILE.replace(
    "for v in [norm_layer, part, helper, flag, 3, 'relu']:",
    'for v in [torch.nn.functional.relu]:',
  );
  const m = analyze(src).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.equal(m.output, null);
});
