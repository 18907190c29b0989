// The op registry: aliases are one entry, and each way of calling an op reaches it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opFor } from '../../../src/shapes/library/registry';
import { analyze } from './strictAnalyze';

test('F.relu, torch.relu and x.relu() resolve to one entry', () => {
  const f = opFor('torch.nn.functional.relu');
  assert.ok(f);
  assert.equal(opFor('torch.relu'), f);
  assert.equal(opFor('tensor.relu'), f);
});

test('x.view and torch.reshape are one entry; torch.cat and torch.concat another', () => {
  assert.ok(opFor('tensor.view'));
  assert.equal(opFor('torch.reshape'), opFor('tensor.view'));
  assert.ok(opFor('torch.cat'));
  assert.equal(opFor('torch.concat'), opFor('torch.cat'));
  assert.notEqual(opFor('torch.cat'), opFor('tensor.view'));
});

test('a name no entry lists resolves to nothing', () => {
  assert.equal(opFor('torch.nn.functional.not_an_op'), undefined);
  assert.equal(opFor('tensor.not_a_method'), undefined);
});

test('the three spellings of relu give the same row shape', () => {
  const src = `import torch
import torch.nn as nn
import torch.nn.functional as F
class M(nn.Module):
    def forward(self, x):
        a = F.relu(x)
        b = torch.relu(a)
        return b.relu()
m = M()
m(torch.randn(2, 3, 5))
`;
  const r = analyze(src);
  const rows = r.models[0].layers.map((l) => [l.type, l.output]);
  assert.deepEqual(rows, [
    ['F.relu', [2, 3, 5]],
    ['torch.relu', [2, 3, 5]],
    ['Tensor.relu', [2, 3, 5]],
  ]);
});
