// Python's bools are the ints 0 and 1 in arithmetic (True + 1 == 2, ~True == -2), and & | ^ between
// two bools give a bool. Each expected size is int(10 + <expression>) as printed by /usr/bin/python3
// (Python 3, the interpreter PyTorch 1.13 runs on); `is True` was checked the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const sizeOf = (expr: string): unknown =>
  analyze(`import torch
import torch.nn as nn

k = ${expr}


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, int(10 + k))

    def forward(self, x):
        return self.fc(x)


model = Net()
y = model(torch.randn(2, 4))
`).models[0].output?.[1];

const PYTHON: [string, number][] = [
  ['True + 1', 12],
  ['2 - True', 11],
  ['True * 3', 13],
  ['True + True', 12],
  ['-True', 9],
  ['+True', 11],
  ['~True', 8],
  ['~False', 9],
  ['True & True', 11],
  ['True & 3', 11],
  ['True | False', 11],
  ['True ^ True', 10],
  ['True ^ 1', 10],
  ['3 ^ 5', 16],
  ['True // 1', 11],
  ['True % 2', 11],
  ['True ** 2', 11],
  ['True << 2', 14],
  ['1.5 + True', 12],
  ['(3 > 2) * 4', 14],
  ['(True ^ False) + 1', 12],
];

for (const [expr, size] of PYTHON)
  test(`Python: int(10 + (${expr})) == ${size}`, () => {
    assert.equal(sizeOf(`(${expr})`), size);
  });

test('& | ^ between two bools give a bool', () => {
  // Python: (True & True) is True, (True ^ False) is True, (False | False) is False.
  assert.equal(sizeOf('3 if (True & True) is True else 5'), 13);
  assert.equal(sizeOf('3 if (True ^ False) is True else 5'), 13);
  assert.equal(sizeOf('3 if (False | False) is False else 5'), 13);
});
