// torch.cat skips 1-d tensors of size 0 (PyTorch 1.13's legacy rule; checked against PyTorch in
// test/adversarial/shapes-soundness/empty_cat.py). A 1-d tensor whose size is symbolic may be such a
// tensor, so a rank mismatch with it is unknown, never an error; a real mismatch stays an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

function run(forward: string, input: string): ReturnType<typeof analyze> {
  return analyze(`import torch
import torch.nn as nn

# input: ${input}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        ${forward}
`);
}

const errors = (r: ReturnType<typeof analyze>): string[] =>
  r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

test('an empty 1-d tensor is skipped, wherever it stands', () => {
  const r = run(
    'return self.fc(torch.cat([torch.empty(0), x, torch.empty(0)], dim=-1)[..., :8])',
    '(4, 2, 8)',
  );
  assert.deepEqual(errors(r), []);
  assert.deepEqual(r.models[0].output, [4, 2, 8]);
});

test('a 1-d tensor of symbolic size beside a 3-d one is unknown, not an error', () => {
  const r = run('return self.fc(torch.cat([x, torch.zeros(x.size(0) - 4)]))', '(B, 2, 8)');
  assert.deepEqual(errors(r), []);
  assert.equal(r.models[0].output, null);
});

test('a non-empty 1-d tensor beside a 3-d one is still a dimension error', () => {
  const r = run('return self.fc(torch.cat([x, torch.zeros(3)]))', '(4, 2, 8)');
  assert.ok(
    errors(r).some((m) => m.includes('same number of dimensions')),
    JSON.stringify(errors(r)),
  );
});
