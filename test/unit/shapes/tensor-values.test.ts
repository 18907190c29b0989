// The values of small constant tensors, for configuration computed with tensor arithmetic and read
// back with .tolist() (torchvision's RegNet computes its stage widths so). Expected numbers were
// printed by PyTorch 1.13 running each snippet; where the analyser cannot be sure of PyTorch's
// float32 result, or a tensor may have been written in place, the value must be unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const REGNET_WIDTHS = `import math
import torch
import torch.nn as nn

depth, w_0, w_a, w_m = 13, 48, 27.89, 2.09
widths_cont = torch.arange(depth) * w_a + w_0
block_capacity = torch.round(torch.log(widths_cont / w_0) / math.log(w_m))
widths = (torch.round(torch.divide(w_0 * torch.pow(w_m, block_capacity), 8)) * 8).int().tolist()
stages = len(set(widths))
steps = torch.diff(torch.tensor([0, 2, 5, 9])).int().tolist()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Linear(4, widths[0])
        self.last = nn.Linear(widths[0], widths[-1])
        self.stages = nn.Linear(widths[-1], stages)
        self.steps = nn.Linear(stages, steps[2])

    def forward(self, x):
        return self.steps(self.stages(self.last(self.first(x))))


model = Net()
y = model(torch.randn(2, 4))
`;

test('RegNet-style widths: arange, log, pow, round, int, tolist, set, diff', () => {
  // PyTorch: widths [48, 104, 104, 104, 208, ..., 440], 4 distinct, steps [2, 3, 4];
  // output (2, 4), 23584 parameters.
  const m = analyze(REGNET_WIDTHS).models[0];
  assert.deepEqual(
    m.layers.map((l) => [l.name, l.output]),
    [
      ['first', [2, 48]],
      ['last', [2, 440]],
      ['stages', [2, 4]],
      ['steps', [2, 4]],
    ],
  );
  assert.equal(m.params, 23584);
});

const sized = (code: string): string =>
  `import torch\nimport torch.nn as nn\n${code}\n\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, k)\n\n    def forward(self, x):\n        return self.fc(x)\n\n\nmodel = Net()\ny = model(torch.randn(2, 4))\n`;

const outputOf = (code: string) => analyze(sized(code)).models[0].output;

test('known values reach a layer size', () => {
  // PyTorch: k = 6, then 8; a reduction's value is not followed (PyTorch: 2).
  assert.deepEqual(outputOf('k = (torch.arange(5) * 2 - 2).tolist()[4]'), [2, 6]);
  assert.deepEqual(outputOf('k = (torch.tensor([3.0, 4.0]) * 2).int().tolist()[1]'), [2, 8]);
  assert.equal(outputOf('k = torch.tensor([1, 2, 3]).sum().item() // 3'), null);
});

test('float32 results that are exact decide a rounding at its boundary', () => {
  // PyTorch: 22 in each (22.5 exactly in float32, rounded half to even): pow of an exact base to an
  // integer power whose result float32 holds, then * and /; a division; a square root.
  const exactCases: [string, number][] = [
    [
      'torch.round(torch.divide(80 * torch.pow(2.25, torch.tensor([1.0])), 8)).int().tolist()[0]',
      22,
    ],
    ['torch.round(torch.tensor([45.0]) / 2).int().tolist()[0]', 22],
    ['torch.round(torch.sqrt(torch.tensor([6.25])) * 9).int().tolist()[0]', 22],
    // PyTorch: 7 and 8 (1/3 rounded to float32, then * 3 gives exactly 1.0; 2/3 * 12 exactly 8).
    ['(torch.tensor([1.0]) / 3 * 3 * 7).int().tolist()[0]', 7],
    ['(torch.tensor([1, 2]) / 3 * 12).int().tolist()[1]', 8],
    // PyTorch: 14 (1.5 ** 3 = 3.375 exactly).
    ['torch.round(torch.pow(torch.tensor([1.5]), 3) * 4).int().tolist()[0]', 14],
  ];
  for (const [code, k] of exactCases) assert.deepEqual(outputOf(`k = ${code}`), [2, k], code);
});

test('a rounding of an inexact float32 value near its boundary is unknown', () => {
  // PyTorch: 3 (0.3 * 10 in float32 is just above 3); truncation near an integer is not decided.
  assert.equal(outputOf('k = (torch.arange(4) * 0.1 * 10).int().tolist()[3]'), null);
  // PyTorch: 22, from 4.5 ** 2 / 10 * 11 = 22.275 (each step exact in float32 arithmetic).
  assert.deepEqual(
    outputOf('k = torch.round(torch.pow(torch.tensor([4.5]), 2) / 10 * 11).int().tolist()[0]'),
    [2, 22],
  );
  // PyTorch: 9 and 12, far from their boundaries: pow results float32 cannot hold are approximate.
  assert.deepEqual(
    outputOf('k = torch.round(torch.pow(2.1, torch.tensor([3.0]))).int().tolist()[0]'),
    [2, 9],
  );
  assert.deepEqual(
    outputOf('k = torch.floor(torch.pow(torch.tensor([1.1]), 2) * 10).int().tolist()[0]'),
    [2, 12],
  );
  // PyTorch: 11 (1.1 ** 24 + 0.6503 = 10.50004 in float32): an approximate value's rounding near .5
  // stays unknown.
  assert.equal(
    outputOf('k = torch.round(torch.pow(torch.tensor([1.1]), 24) + 0.6503).int().tolist()[0]'),
    null,
  );
});

test('a tensor written in place, also through a view or another name, has no known values', () => {
  // PyTorch: 1, 5, 7 (the values after the write); never the values before it.
  assert.equal(
    outputOf('t = torch.arange(4)\nv = t.view(2, 2)\nv.add_(1)\nk = t.tolist()[0]'),
    null,
  );
  assert.equal(outputOf('t = torch.arange(3)\nu = t\nu += 5\nk = t.tolist()[0]'), null);
  assert.equal(outputOf('t = torch.arange(3)\nt[0] = 7\nk = t.tolist()[0]'), null);
  assert.equal(
    outputOf('from lib import fill\nt = torch.arange(3)\nfill(t)\nk = t.tolist()[0]'),
    null,
  );
});

test('set(): its size, unknown once changed in place under any name', () => {
  // PyTorch: 2, then 3 after s2.add(3).
  assert.deepEqual(outputOf('k = len(set([1, 2, 2, 1]))'), [2, 2]);
  assert.equal(outputOf('s = set([1, 2])\ns2 = s\ns2.add(3)\nk = len(s)'), null);
  assert.equal(outputOf('s = set([1, 2])\ns2 = s\ns2 |= {3}\nk = len(s)'), null);
});

test('numpy.linspace(...).tolist(): the values numpy computes', () => {
  // PyTorch/numpy: np.linspace(0, 0.2, 5).tolist() has 5 items, the last exactly 0.2; int(x * 10) of
  // the third (0.1) is 1. maxvit reads its per-layer drop rates so.
  assert.deepEqual(
    outputOf(
      'import numpy as np\np = np.linspace(0, 0.2, 5).tolist()\nk = len(p) + int(p[2] * 10)',
    ),
    [2, 6],
  );
  assert.equal(outputOf('import numpy as np\nk = len(np.linspace(0, 1, n).tolist())'), null);
});

test('-x and ~x do not carry the values of x', () => {
  // PyTorch: (-torch.arange(3)).tolist()[2] is -2 (k = 3) and (~torch.arange(3)).tolist()[1] is -2
  // (k = 7); the values of x would give 7 and 10. The operators' values are not followed: unknown.
  assert.equal(outputOf('k = 5 + (-torch.arange(3)).tolist()[2]'), null);
  assert.equal(outputOf('k = 9 + (~torch.arange(3)).tolist()[1]'), null);
});
