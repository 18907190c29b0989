// `model.eval()` / `model.train(mode)`: forwards branch on `self.training`, so the mode a file
// leaves its model in is the mode it is traced in; a model switched both ways is in an unknown mode
// (the call may have run in either). Expected shapes from PyTorch 1.13 on the same file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const NET = `import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.head = nn.Sequential(nn.Dropout(0.5), Inner())

    def forward(self, x):
        y = self.head(self.fc(x))
        if self.training:
            return y
        return y.argmax(1)


class Inner(nn.Module):
    def forward(self, x):
        return x if self.training else x * 2


model = Net()
`;

function output(tail: string): unknown {
  return analyze(`${NET}${tail}`).models.find((m) => m.name === 'Net')?.output;
}

test('eval() and train(False) reach forward as self.training False, in submodules too', () => {
  // PyTorch: (2, 3) in training mode, (2,) after eval() or train(False).
  assert.deepEqual(output('out = model(torch.randn(2, 4))\n'), [2, 3]);
  assert.deepEqual(output('model.eval()\nout = model(torch.randn(2, 4))\n'), [2]);
  assert.deepEqual(output('model.train(False)\nout = model(torch.randn(2, 4))\n'), [2]);
  assert.deepEqual(output('model.eval()\nmodel.eval()\nout = model(torch.randn(2, 4))\n'), [2]);
});

test('a model switched between train() and eval() has an unknown mode', () => {
  // PyTorch's call gives (2,); the model is traced once, after the file switched it back.
  assert.equal(output('model.eval()\nout = model(torch.randn(2, 4))\nmodel.train()\n'), null);
  assert.equal(
    output('from cfg import MODE\nmodel.train(MODE)\nout = model(torch.randn(2, 4))\n'),
    null,
  );
});

test('the graph for training is traced in train mode, whatever mode the file leaves', () => {
  const src = `${NET}model.eval()\nout = model(torch.randn(2, 4))\n`;
  const trained = analyze(src, { flow: true }).models.find((m) => m.name === 'Net');
  // PyTorch trains in train mode: (batch, 3), not the eval branch's (batch,). The graph is traced on
  // a symbolic batch.
  assert.deepEqual(trained?.output, ['batch', 3]);
});
