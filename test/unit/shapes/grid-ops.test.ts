// torch.meshgrid, F.grid_sample and F.unfold (RAFT). Expected shapes printed by PyTorch 1.13
// (/usr/bin/python3) for the same calls on torch.zeros of the shapes below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

function outputs(body: string): ((number | string)[] | null)[] | null {
  const m = analyze(`import torch
import torch.nn as nn
import torch.nn.functional as F

class Net(nn.Module):
    def forward(self, x):
        a = torch.zeros(3)
        b = torch.zeros(4)
        c = torch.zeros(5)
        return ${body}

m = Net()
m(torch.zeros(2, 3, 8, 9))
`).models[0];
  return m.outputs ?? (m.output ? [m.output] : null);
}

test('meshgrid: one grid per input, ij or xy', () => {
  assert.deepEqual(outputs("torch.meshgrid(a, b, indexing='ij')"), [
    [3, 4],
    [3, 4],
  ]);
  assert.deepEqual(outputs("torch.meshgrid(a, b, c, indexing='xy')"), [
    [4, 3, 5],
    [4, 3, 5],
    [4, 3, 5],
  ]);
  assert.deepEqual(outputs("torch.meshgrid([a, b], indexing='xy')"), [
    [4, 3],
    [4, 3],
  ]);
  assert.deepEqual(outputs("torch.meshgrid(torch.tensor(2.0), b, indexing='ij')"), [
    [1, 4],
    [1, 4],
  ]);
});

test('grid_sample: the grid sets the spatial size', () => {
  assert.deepEqual(outputs('F.grid_sample(x, torch.zeros(2, 5, 6, 2), align_corners=True)'), [
    [2, 3, 5, 6],
  ]);
  assert.deepEqual(
    outputs('F.grid_sample(torch.zeros(2, 3, 4, 8, 9), torch.zeros(2, 5, 6, 7, 3))'),
    [[2, 3, 5, 6, 7]],
  );
  // PyTorch raises: "expected grid and input to have same batch size".
  assert.equal(outputs('F.grid_sample(x, torch.zeros(1, 5, 6, 2))'), null);
});

test('unfold: C·∏k channels, one column per block', () => {
  assert.deepEqual(outputs('F.unfold(torch.zeros(2, 3, 8, 8), kernel_size=3, padding=1)'), [
    [2, 27, 64],
  ]);
  assert.deepEqual(outputs('F.unfold(x, (2, 3), dilation=2, stride=(1, 2))'), [[2, 18, 18]]);
  assert.deepEqual(outputs('F.unfold(torch.zeros(3, 8, 8), 3)'), [[27, 36]]);
});
