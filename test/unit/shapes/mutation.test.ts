// What code does to modules and containers after building them: `del`, a factory that changes the
// model it built, writes into `module._modules`, and loops that may stop early on a condition the
// analyser cannot evaluate. Known effects are followed; anything else makes the values unknown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const HEADER = 'import torch\nimport torch.nn as nn\nfrom cfg import STOP, LAYER\n\n';

// PyTorch 1.13 on this file: output (5, 3), 115 parameters.
const FACTORY = `${HEADER}class Net(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.Linear(4, 8), nn.Linear(8, 8), nn.Linear(8, 6)]
        del layers[1]
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(6, 2)

    def forward(self, x):
        return self.head(self.body(x))


def build():
    m = Net()
    m.head = nn.Linear(6, 3)
    return m


model = build()
out = model(torch.randn(5, 4))
`;

test('del removes a list item, and the model called is the one the factory changed', () => {
  const m = analyze(FACTORY).models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.equal(m.inputSource, 'call');
  assert.deepEqual(m.output, [5, 3]);
  assert.equal(m.params, 115);
  assert.deepEqual(
    m.layers.map((l) => [l.name, l.output]),
    [
      ['body.0', [5, 8]],
      ['body.1', [5, 6]],
      ['head', [5, 3]],
    ],
  );
});

const net = (init: string): string =>
  `${HEADER}# input: (2, 4)\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n${init
    .split('\n')
    .map((l) => '        ' + l)
    .join('\n')}\n\n    def forward(self, x):\n        return self.body(x)\n`;

test('a loop that may break early on an unknown condition leaves what it built unknown', () => {
  const m = analyze(
    net(
      'layers = []\nfor i in range(3):\n    layers.append(nn.Linear(4, 4))\n    if i == STOP:\n        break\nself.body = nn.Sequential(*layers)',
    ),
  ).models[0];
  assert.equal(m.params, null);
  assert.equal(m.output, null);
  // The same loop with a condition the analyser evaluates is followed.
  const known = analyze(
    net(
      'layers = []\nfor i in range(3):\n    layers.append(nn.Linear(4, 4))\n    if i == 1:\n        break\nself.body = nn.Sequential(*layers)',
    ),
  ).models[0];
  assert.equal(known.params, 40);
  assert.deepEqual(known.output, [2, 4]);
});

test('writes into module._modules: a module replaces the child, anything else is unknown', () => {
  const replaced = analyze(
    net(
      "self.body = nn.Sequential(nn.Linear(4, 4), nn.ReLU6())\nself.body._modules['1'] = nn.ReLU()",
    ),
  ).models[0];
  assert.deepEqual(
    replaced.layers.map((l) => l.type),
    ['Linear', 'ReLU'],
  );
  const lost = analyze(
    net("self.body = nn.Sequential(nn.Linear(4, 4), nn.ReLU6())\nself.body._modules['1'] = LAYER"),
  ).models[0];
  assert.equal(lost.params, null);
  assert.equal(lost.output, null);
  const popped = analyze(
    net("self.body = nn.Sequential(nn.Linear(4, 4), nn.ReLU6())\nself.body._modules.pop('1')"),
  ).models[0];
  assert.equal(popped.output, null);
});

test('del of a dict key the analyser cannot match leaves the dict unknown', () => {
  const m = analyze(
    net(
      "d = {'a': nn.Linear(4, 4), 'b': nn.Linear(4, 6)}\ndel d[LAYER]\nself.body = nn.Sequential(*d.values())",
    ),
  ).models[0];
  assert.equal(m.params, null);
  assert.equal(m.output, null);
});
