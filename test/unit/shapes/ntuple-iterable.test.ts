// torch's and timm's _ntuple: `isinstance(x, collections.abc.Iterable)` then `tuple(x)` or
// `tuple(itertools.repeat(x, n))`. A number and a module class are not iterable, a list is.
// PyTorch 1.13 (/usr/bin/python3) on FILE: output (2, 18), 130 parameters (widths 5 → (5, 5, 5),
// the block class twice, [1, 2, 3] kept as three items).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const FILE = `import collections.abc
from itertools import repeat

import torch
import torch.nn as nn


def _ntuple(n):
    def parse(x):
        if isinstance(x, collections.abc.Iterable) and not isinstance(x, str):
            return tuple(x)
        return tuple(repeat(x, n))
    return parse


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x):
        return self.fc(x)


class Net(nn.Module):
    def __init__(self, widths=5, block=Block):
        super().__init__()
        ws = _ntuple(3)(widths)
        blocks = _ntuple(2)(block)
        self.body = nn.Sequential(*[b() for b in blocks])
        self.fc = nn.Linear(4, sum(ws) + len(_ntuple(2)([1, 2, 3])))

    def forward(self, x):
        return self.fc(self.body(x))


model = Net()
y = model(torch.randn(2, 4))
`;

test('_ntuple with an Iterable check and itertools.repeat', () => {
  const m = analyze(FILE).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 18]);
  assert.equal(m.params, 130);
});

test('itertools.repeat without a count is unknown', () => {
  const src = FILE.replace('tuple(repeat(x, n))', 'tuple(zip(range(n), repeat(x)))');
  const m = analyze(src).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.equal(m.params, null);
});
