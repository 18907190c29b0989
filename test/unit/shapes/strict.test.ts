// Strict mode: a bug inside the engine (here, a layer rule planted to throw) is rethrown, not caught
// per statement; without it the bug costs only what it reaches, and is never called a budget limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/shapes';
import { LAYERS } from '../../../src/shapes/library/layers';

const SRC = `import torch.nn as nn

# input: (2, 4)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(x))
`;

function withBrokenRelu<T>(f: () => T): T {
  const rule = LAYERS.get('ReLU');
  assert.ok(rule);
  const forward = rule.forward;
  rule.forward = () => {
    throw new TypeError('planted bug');
  };
  try {
    return f();
  } finally {
    rule.forward = forward;
  }
}

test('without the planted bug the model traces (the test below tests the bug, not the file)', () => {
  const r = analyze(SRC, { strict: true });
  assert.deepEqual(r.models[0].output, [2, 3]);
});

test('strict mode rethrows an internal error', () => {
  assert.throws(() => withBrokenRelu(() => analyze(SRC, { strict: true })), /planted bug/);
});

test('outside strict mode the error makes the output unknown, and is not reported as a budget limit', () => {
  const r = withBrokenRelu(() => analyze(SRC));
  assert.equal(r.models[0].output, null);
  assert.equal(r.budgetExceeded, undefined);
  const texts = [
    ...r.diagnostics.map((d) => d.message),
    ...r.models[0].layers.map((l) => l.unknownReason ?? ''),
  ];
  assert.ok(
    texts.every((t) => !/budget/i.test(t)),
    texts.join('\n'),
  );
});
