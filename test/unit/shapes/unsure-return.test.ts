// A `return` under a condition the analyser cannot evaluate, outside a traced forward: the function
// may return there or go on, so its result is unknown, and so is what the statements after it
// change (they may not run). Never the fall-through value. Truths from PyTorch 1.13 with cfg.KIND
// set each way: width(KIND) is 3 for 'a' and 5 for 'c' (output (2, 3) or (2, 5)); Net2 has 20
// parameters when KIND == 'small' and 40 otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const HEADER = 'import torch\nimport torch.nn as nn\nfrom cfg import KIND\n\n\n';

test('a function that may return early on an unknown condition returns an unknown value', () => {
  const m = analyze(`${HEADER}def act(kind):
    if kind == "gelu":
        return nn.GELU()
    return nn.ReLU()


def width(kind):
    for k in ["a", "b"]:
        if kind == k:
            return 3
    return 5


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, width(KIND))
        self.act = act(KIND)

    def forward(self, x):
        return self.act(self.fc(x))


model = Net()
y = model(torch.randn(2, 4))
`).models[0];
  assert.equal(m.output, null);
  assert.equal(m.params, null);
  assert.equal(m.layers[0].output, null);
  // The same functions on a known condition are followed.
  const known = analyze(
    `${HEADER}def width(kind):\n    for k in ["a", "b"]:\n        if kind == k:\n            return 3\n    return 5\n\n\n# input: (2, 4)\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear(4, width("b"))\n\n    def forward(self, x):\n        return self.fc(x)\n`,
  ).models[0];
  assert.deepEqual(known.output, [2, 3]);
});

test('what runs after a possible early return in __init__ is unknown', () => {
  const m = analyze(`${HEADER}class Net2(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(4, 4)
        if KIND == "small":
            return
        self.b = nn.Linear(4, 4)

    def forward(self, x):
        return self.a(x)


model = Net2()
y = model(torch.randn(2, 4))
`).models[0];
  assert.deepEqual(m.output, [2, 4]);
  assert.equal(m.params, null);
});
