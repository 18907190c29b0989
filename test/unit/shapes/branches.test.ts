// An `if` in forward whose condition depends on tensor values: both branches are followed; a variable
// keeps its shape when both agree, and is unknown with the reason when they differ (never a guess).
// The agreeing cases are checked against PyTorch in the corpus (test/fixtures/shapes/unknown_condition.py).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelResult } from '../../../src/shapes';
import { analyze } from './strictAnalyze';

function net(forward: string, init = 'self.fc = nn.Linear(8, 4)', input = '(2, 8)'): ModelResult {
  const src = `import torch
import torch.nn as nn
import torch.nn.functional as F

# input: ${input}
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        ${init}

    def forward(self, x):
${forward
  .split('\n')
  .map((l) => '        ' + l)
  .join('\n')}
`;
  const m = analyze(src).models.find((x) => x.name === 'Net');
  assert.ok(m);
  return m;
}

test('branches that agree on the shape keep it', () => {
  const m = net('if x.sum() > 0:\n    x = F.relu(x)\nelse:\n    x = x * 2\nreturn self.fc(x)');
  assert.deepEqual(m.output, [2, 4]);
  assert.deepEqual(m.layers.find((l) => l.name === 'fc')?.input, [2, 8]);
});

test('branches that disagree make the variable unknown, with the line of the condition', () => {
  const m = net('if x.sum() > 0:\n    x = x[:, :4]\nreturn self.fc(x)');
  assert.equal(m.output, null);
  const fc = m.layers.find((l) => l.name === 'fc');
  assert.equal(fc?.input, null);
  assert.match(
    fc?.unknownReason ?? '',
    /differs between the branches of the condition on line 12.*\[2, 4\] or \[2, 8\]/,
  );
});

test('a name assigned in only one branch is unknown afterwards', () => {
  const m = net('if x.sum() > 0:\n    y = x\nreturn self.fc(y)');
  assert.equal(m.output, null);
  assert.match(m.layers.find((l) => l.name === 'fc')?.unknownReason ?? '', /only one branch/);
});

test('an early return with another shape makes the model output unknown; the same shape keeps it', () => {
  assert.equal(net('if x.mean() > 0:\n    return x\nreturn self.fc(x)').output, null);
  assert.deepEqual(
    net('y = self.fc(x)\nif x.mean() > 0:\n    return torch.sigmoid(y)\nreturn y').output,
    [2, 4],
  );
});

test('a list appended to in both branches keeps what both agree on', () => {
  const agree = net(
    'outs = []\nif x.sum() > 0:\n    outs.append(x)\nelse:\n    outs.append(-x)\nreturn self.fc(torch.cat(outs, dim=0))',
  );
  assert.deepEqual(agree.output, [2, 4]);
  // One branch appends, the other does not: the list's length is unknown, so cat is too.
  const differ = net(
    'outs = [x]\nif x.sum() > 0:\n    outs.append(x)\nreturn self.fc(torch.cat(outs, dim=0))',
  );
  assert.equal(differ.output, null);
});

test('an error that only one branch would raise is not reported, since that branch may never run', () => {
  const src = `import torch
import torch.nn as nn

# input: (2, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        if x.sum() > 0:
            x = x.view(-1, 3)
        return self.fc(x)
`;
  const r = analyze(src);
  assert.deepEqual(
    r.diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  assert.equal(r.models[0].output, null);
});
