// model.apply(fn) runs fn on every submodule as PyTorch does: each child's subtree first, then the
// module itself; what fn changes (here a layer added to every Linear of width 4) is followed.
// PyTorch 1.13 on this file: Net's output (2, 2) with 45 parameters (the added layer counts);
// apply visits 6 modules, the first being the layer added to body.0 and the last the model, so
// Probe's output is (2, 6 + 100 + 10) = (2, 116).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const FILE = `import torch
import torch.nn as nn


def widen(m):
    if isinstance(m, nn.Linear) and m.out_features == 4:
        m.extra = nn.Linear(4, 3)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 4), nn.ReLU())
        self.head = nn.Linear(4, 2)

    def forward(self, x):
        return self.head(self.body(x))


seen = []
model = Net()
model.apply(widen)
model.apply(lambda m: seen.append(m))
first = 1 if seen[0] is model.body[0] else 100
last = 10 if seen[-1] is model else 100


class Probe(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, len(seen) + first + last)

    def forward(self, x):
        return self.fc(x)


y = model(torch.randn(2, 4))
z = Probe()(torch.randn(2, 4))
`;

test('model.apply(fn) runs fn on each module, children first', () => {
  const r = analyze(FILE);
  const net = r.models.find((m) => m.name === 'Net');
  const probe = r.models.find((m) => m.name === 'Probe');
  assert.ok(net && probe);
  assert.deepEqual(net.output, [2, 2]);
  assert.equal(net.params, 45);
  assert.deepEqual(probe.output, [2, 116]);
});

test('apply with a function the analyser does not know is as any such call given a module (a weight initialiser)', () => {
  const src = FILE.replace('model.apply(widen)', 'from lib import init\nmodel.apply(init)');
  const net = analyze(src).models.find((m) => m.name === 'Net');
  assert.ok(net);
  assert.deepEqual(net.output, [2, 2]);
});
