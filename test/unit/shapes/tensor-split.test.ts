// torch.tensor_split / x.tensor_split: sections or indices along a dim. Expected shapes printed by
// PyTorch 1.13 (/usr/bin/python3) for torch.tensor_split(torch.zeros(2, 7, 3), <arg>, dim=1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

function pieces(call: string): ((number | string)[] | null)[] | null {
  const m = analyze(`import torch
import torch.nn as nn

class Net(nn.Module):
    def forward(self, x):
        return ${call}

m = Net()
m(torch.zeros(2, 7, 3))
`).models[0];
  return m.outputs ?? (m.output ? [m.output] : null);
}

const PYTORCH: [string, number[][]][] = [
  [
    '3',
    [
      [2, 3, 3],
      [2, 2, 3],
      [2, 2, 3],
    ],
  ],
  ['1', [[2, 7, 3]]],
  [
    '9',
    [
      [2, 1, 3],
      [2, 1, 3],
      [2, 1, 3],
      [2, 1, 3],
      [2, 1, 3],
      [2, 1, 3],
      [2, 1, 3],
      [2, 0, 3],
      [2, 0, 3],
    ],
  ],
  [
    '[1]',
    [
      [2, 1, 3],
      [2, 6, 3],
    ],
  ],
  [
    '(1,)',
    [
      [2, 1, 3],
      [2, 6, 3],
    ],
  ],
  [
    '[-2]',
    [
      [2, 5, 3],
      [2, 2, 3],
    ],
  ],
  [
    '[2, 1]',
    [
      [2, 2, 3],
      [2, 0, 3],
      [2, 6, 3],
    ],
  ],
  [
    '[5, 9]',
    [
      [2, 5, 3],
      [2, 2, 3],
      [2, 0, 3],
    ],
  ],
  [
    '[0]',
    [
      [2, 0, 3],
      [2, 7, 3],
    ],
  ],
  [
    '[-9, 3]',
    [
      [2, 0, 3],
      [2, 3, 3],
      [2, 4, 3],
    ],
  ],
];

test('tensor_split by sections and by indices, as PyTorch splits', () => {
  for (const [a, want] of PYTORCH) {
    assert.deepEqual(pieces(`torch.tensor_split(x, ${a}, dim=1)`), want, a);
    assert.deepEqual(pieces(`x.tensor_split(${a}, 1)`), want, a);
  }
});

test('keywords as torch 1.13 names them', () => {
  // PyTorch: x.tensor_split(indices=(1,), dim=-1) → [2, 7, 1], [2, 7, 2];
  // torch.tensor_split(x, sections=2) → [1, 7, 3], [1, 7, 3].
  assert.deepEqual(pieces('x.tensor_split(indices=(1,), dim=-1)'), [
    [2, 7, 1],
    [2, 7, 2],
  ]);
  assert.deepEqual(pieces('torch.tensor_split(x, sections=2)'), [
    [1, 7, 3],
    [1, 7, 3],
  ]);
});

test('what cannot be evaluated stays unknown', () => {
  // PyTorch raises for 0 sections ("number of sections must be larger than 0") and for dim 5.
  assert.deepEqual(pieces('torch.tensor_split(x, 0, dim=1)'), null);
  assert.deepEqual(pieces('torch.tensor_split(x, 2, dim=5)'), null);
  assert.deepEqual(pieces('torch.tensor_split(x, [some_unknown()], dim=1)'), null);
});
