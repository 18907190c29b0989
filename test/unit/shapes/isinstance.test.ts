// isinstance(m, nn.X) follows classes, not names: a subclass of nn.Conv2d is an nn.Conv2d, nn.ReLU6
// is an nn.Hardtanh (torch's own hierarchy), and a class of the file that happens to be called
// Conv2d is not torch's. PyTorch 1.13 on this file: n = 11, output (2, 11), 279 parameters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const FILE = `import torch
import torch.nn as nn


class MyConv(nn.Conv2d):
    pass


class Conv2d(nn.Module):
    def forward(self, x):
        return x


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = MyConv(3, 8, 3)
        self.r = nn.ReLU6()
        self.fake = Conv2d()
        n = 0
        for m in [self.c, self.r, self.fake]:
            if isinstance(m, nn.Conv2d):
                n += 1
            if isinstance(m, nn.Hardtanh):
                n += 10
        self.fc = nn.Linear(4, n)

    def forward(self, x):
        return self.fc(x)


model = Net()
y = model(torch.randn(2, 4))
`;

test('isinstance follows class bases and torch layer classes', () => {
  const m = analyze(FILE).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 11]);
  assert.equal(m.params, 279);
});

test('isinstance through a base the analyser does not know is unknown', () => {
  const src = FILE.replace(
    'class MyConv(nn.Conv2d):',
    'from lib import Base\n\n\nclass MyConv(Base):',
  ).replace('MyConv(3, 8, 3)', 'MyConv()');
  const m = analyze(src).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.equal(m.output, null);
});
