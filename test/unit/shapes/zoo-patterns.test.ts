// Patterns of a public CIFAR-100 model zoo (weiaicunzai/pytorch-cifar100) that gave wrong numbers:
// submodules named by `block.__name__` through add_module (an unreadable name used to be dropped, so
// the Sequential ran as if empty), and NASNet's cropping `ConstantPad2d((-1, 0, -1, 0), 0)` (negative
// padding is valid; it was reported as an error). Expected values from PyTorch 1.13 on this file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const ZOO = `import torch
import torch.nn as nn
from blocks import make_name


class Blk(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, 8, 1)

    def forward(self, x):
        return self.conv(x)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stage = self._make(3, 2, Blk)
        self.crop = nn.ConstantPad2d((-1, 0, -1, 0), 0)

    @staticmethod
    def _make(c, n, block):
        layers = nn.Sequential()
        for i in range(n):
            layers.add_module("{}_{}".format(block.__name__, i), block(c))
            c = 8
        return layers

    def forward(self, x):
        return self.crop(self.stage(x))


Net()(torch.randn(2, 3, 6, 6))
`;

test('add_module named by block.__name__, and a cropping pad, as PyTorch runs them', () => {
  const r = analyze(ZOO);
  const m = r.models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 8, 5, 5]);
  assert.equal(m.params, 104);
  assert.deepEqual(
    m.layers.map((l) => l.name),
    ['stage.Blk_0.conv', 'stage.Blk_1.conv', 'crop'],
  );
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
});

test('a submodule added under a name the analyser cannot read leaves the container unknown', () => {
  const r = analyze(ZOO.replace('"{}_{}".format(block.__name__, i)', 'make_name(i)'));
  const m = r.models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.equal(m.params, null);
  assert.equal(m.output, null);
});
