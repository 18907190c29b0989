// Indexing by integer tensors and lists (advanced indexing), which needs each tensor's dtype: an
// int64 index selects (`table[index]` has `index.shape + table.shape[1:]`), a bool one is a mask whose
// result size depends on its values. Each expected shape was printed by PyTorch 1.13 (/usr/bin/python3)
// for `x = torch.zeros(5, 4, 3); i = <setup>; x[<subscript>]`. null: the analyser must not know —
// a mask (PyTorch's size depends on the values), an index PyTorch 1.13 refuses (float, int32), or an
// index whose dtype the analyser does not know (torch.clamp has no dtype rule; PyTorch: [3, 4, 3]).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

function indexed(setup: string, sub: string): unknown {
  return returned(`x[${sub}]`, `i = ${setup}`);
}

function returned(expr: string, setup = 'pass'): unknown {
  return analyze(`import torch
import torch.nn as nn


class Net(nn.Module):
    def forward(self, x):
        ${setup}
        return ${expr}


m = Net()
y = m(torch.zeros(5, 4, 3))
`).models[0].output;
}

const PYTORCH: [string, string, number[] | null][] = [
  ['torch.arange(3)', 'i', [3, 4, 3]],
  ['torch.zeros(3, dtype=torch.arange(2).dtype)', 'i', [3, 4, 3]],
  ['torch.zeros(3, dtype=torch.randn(2).dtype)', 'i', null],
  ['torch.tensor([[0, 1], [1, 2]])', 'i', [2, 2, 4, 3]],
  ['torch.tensor([0, 1])', 'i, i', [2, 3]],
  ['torch.randn(3, 4).argmax(1)', 'i', [3, 4, 3]],
  ['torch.randn(3, 4).topk(2)[1]', 'i', [3, 2, 4, 3]],
  ['torch.randn(3, 4).max(1)[1]', 'i', [3, 4, 3]],
  ['torch.randn(3, 4).sort(1)[1]', 'i', [3, 4, 4, 3]],
  ['torch.randn(3).argsort()', 'i', [3, 4, 3]],
  ['torch.randn(3).long()', 'i', [3, 4, 3]],
  ['torch.randn(3).to(torch.long)', 'i', [3, 4, 3]],
  ['torch.randn(3).to(dtype=torch.int64)', 'i', [3, 4, 3]],
  ["torch.randn(3).to('cpu').long()", 'i', [3, 4, 3]],
  ['torch.zeros_like(torch.arange(3))', 'i', [3, 4, 3]],
  ['torch.ones(3, dtype=torch.long)', 'i', [3, 4, 3]],
  ['torch.full((2,), 1)', 'i', [2, 4, 3]],
  ['torch.arange(3) + 1', 'i', [3, 4, 3]],
  ['torch.arange(6) // 2', 'i', [6, 4, 3]],
  ['torch.tensor([True, False]) + 1', 'i', [2, 4, 3]],
  ['(torch.arange(6).view(2, 3) > 2).sum(1)', 'i', [2, 4, 3]],
  ['torch.stack([torch.arange(2), torch.arange(2)])', 'i', [2, 2, 4, 3]],
  ["torch.meshgrid(torch.arange(2), torch.arange(3), indexing='ij')[0]", 'i', [2, 3, 4, 3]],
  ['torch.arange(4).view(2, 2).permute(1, 0).flatten()', 'i', [4, 4, 3]],
  ['torch.arange(4)[None, :]', 'i', [1, 4, 4, 3]],
  ['torch.zeros(2, 6, dtype=torch.long)', ':, i', [5, 2, 6, 3]],
  ['torch.zeros(2, 6, dtype=torch.long)', 'i, :, i', [2, 6, 4]],
  ['torch.zeros(2, 6, dtype=torch.long)', 'i, torch.zeros(6, dtype=torch.long)', [2, 6, 3]],
  ['torch.zeros(2, 6, dtype=torch.long)', ':, i, torch.zeros(6, dtype=torch.long)', [5, 2, 6]],
  ['torch.zeros(2, 6, dtype=torch.long)', '..., i', [5, 4, 2, 6]],
  ['torch.zeros(2, 6, dtype=torch.long)', 'None, i', [1, 2, 6, 4, 3]],
  ['torch.zeros(2, 6, dtype=torch.long)', 'i, None, i', [2, 6, 1, 3]],
  ['torch.zeros(2, 6, dtype=torch.long)', ':, i, None, i', [2, 6, 5, 1]],
  ['torch.zeros(2, 6, dtype=torch.long)', '0, :, i', [4, 2, 6]],
  ['torch.zeros(2, 6, dtype=torch.long)', 'torch.tensor(1), :, i', [4, 2, 6]],
  ['torch.zeros(2, 6, dtype=torch.long)', '1:3, i', [2, 2, 6, 3]],
  ['torch.zeros(2, 6, dtype=torch.long)', 'i, 1:3, i', [2, 6, 2]],
  ['torch.zeros(2, 6, dtype=torch.long)', 'i, i, i', [2, 6]],
  ['[0, 1]', 'i, [1, 2]', [2, 3]],
  ['[[0, 1], [1, 2]]', 'i', [2, 3]],
  ['[[0, 1], [1, 2]]', 'i,', [2, 2, 4, 3]],
  ['(0, 1)', 'i', [3]],
  ['(0, 1)', 'i,', [2, 4, 3]],
  ['torch.tensor([0, 1.0])', 'i', null],
  ['torch.arange(3) * 1.0', 'i', null],
  ['torch.arange(3) / 1', 'i', null],
  ['torch.arange(3).int()', 'i', null],
  ['torch.cat([torch.arange(2), torch.zeros(2)])', 'i', null],
];

for (const [setup, sub, shape] of PYTORCH)
  test(`i = ${setup}; x[${sub}] -> ${JSON.stringify(shape)}`, () => {
    assert.deepEqual(indexed(setup, sub), shape);
  });

test('a mask, or an index of unknown dtype, stays unknown', () => {
  // PyTorch: [2, 4, 3] and [5, 4, 3] (the number of True values), [3, 4, 3] (clamp keeps int64).
  assert.equal(indexed('torch.arange(5) > 2', 'i'), null);
  assert.equal(indexed('torch.randn(5).bool()', 'i'), null);
  assert.equal(indexed('~(torch.arange(5) > 2)', 'i'), null);
  assert.equal(indexed('torch.clamp(torch.arange(3), 0, 1)', 'i'), null);
});

// index_select and gather, shaped by the index; printed by PyTorch 1.13 for x = torch.zeros(5, 4, 3).
const FUNCTIONS: [string, number[] | null][] = [
  ['torch.index_select(x, 0, torch.zeros(6, dtype=torch.long))', [6, 4, 3]],
  ['x.index_select(1, torch.tensor(1))', [5, 1, 3]],
  ['x.index_select(dim=-1, index=torch.arange(2))', [5, 4, 2]],
  ['torch.gather(x, 1, torch.zeros(5, 7, 3, dtype=torch.long))', [5, 7, 3]],
  ['x.gather(2, index=torch.zeros(2, 2, 1, dtype=torch.long))', [2, 2, 1]],
  // PyTorch raises: the index is longer than x along dimension 1.
  ['x.gather(0, torch.zeros(2, 5, 1, dtype=torch.long))', null],
];

for (const [call, shape] of FUNCTIONS)
  test(`${call} -> ${JSON.stringify(shape)}`, () => {
    assert.deepEqual(returned(call), shape);
  });

// torchvision's Swin relative position bias, reduced: the index is built in __init__ from
// torch.arange through meshgrid, stack, flatten, broadcasting subtraction, an in-place += on a slice
// and sum, then registered as a buffer, and indexes a Parameter in forward. PyTorch 1.13: output
// (2, 4, 4, 4), 36 parameters.
const SWIN_BIAS = `import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.table = nn.Parameter(torch.zeros(9, 4))
        coords = torch.stack(torch.meshgrid(torch.arange(2), torch.arange(2), indexing="ij"))
        f = torch.flatten(coords, 1)
        rel = f[:, :, None] - f[:, None, :]
        rel = rel.permute(1, 2, 0).contiguous()
        rel[:, :, 0] += 1
        self.register_buffer("index", rel.sum(-1).flatten())

    def forward(self, x):
        b = self.table[self.index]
        return x + b.view(4, 4, -1).permute(2, 0, 1).unsqueeze(0)


m = Net()
y = m(torch.randn(2, 4, 4, 4))
`;

test('a registered int64 buffer indexes a table (Swin relative position bias)', () => {
  const m = analyze(SWIN_BIAS).models[0];
  assert.deepEqual(m.output, [2, 4, 4, 4]);
  assert.equal(m.params, 36);
});
