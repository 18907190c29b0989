// Forwards that are graphs: the shape engine records every tensor operation with its operands
// (src/shapes/eval/flow.ts), graphTranslate.ts turns that into a tfjs graph, and the result must
// compute what PyTorch 1.13 computes — outputs and gradients with PyTorch's weights
// (scripts/training-fixtures.py --graph) — and refuse, with the line, what it cannot reproduce.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/shapes';
import { loadBackend } from '../../../src/training/backend';
import { translateGraph } from '../../../src/training/graphTranslate';
import { resolveModel, TranslateError } from '../../../src/training';
import { buildNet } from '../../../src/training/net';
import { countParams } from '../../../src/training/spec';
import {
  assertGraphMatchesTorch,
  graphModel,
  readTorchFixtures,
  type GraphCase,
} from './torchFixtures';

const fixtures = readTorchFixtures<GraphCase>('torch-graph.json');

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';

for (const backend of ['cpu', 'wasm'] as const) {
  for (const c of fixtures.cases) {
    test(`${c.name} on ${backend}: graph output and gradients equal PyTorch's`, async () => {
      const { tf } = await loadBackend(backend);
      const spec = translateGraph(graphModel(c.source, c.name));
      assert.ok(spec.graph, 'translated as a graph');
      const params = Object.entries(c.state)
        .filter(([k]) => !/running_(mean|var)$/.test(k))
        .reduce((n, [, t]) => n + t.data.length, 0);
      assert.equal(countParams(spec), params, "parameter count equals PyTorch's");
      const net = buildNet(tf, spec, 1);
      try {
        assertGraphMatchesTorch(tf, spec, net, c);
      } finally {
        net.dispose();
      }
    });
  }
}

const RESIDUAL = `${HEADER}# input: (1, 1, 28, 28)
class Res(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 1, 3, padding=1)
        self.conv2 = nn.Conv2d(1, 1, 3, padding=1)
        self.fc = nn.Linear(784, 10)

    def forward(self, x):
        x = F.relu(x + self.conv2(F.relu(self.conv1(x))))
        return self.fc(x.flatten(1))
`;

test('a residual add is a node with both operands, and the model is not trained as a chain', () => {
  const m = graphModel(RESIDUAL, 'Res');
  const g = m.graph;
  assert.ok(g);
  const add = g.nodes.findIndex((n) => n.op === 'tensor.__binop__');
  assert.ok(add >= 0, 'the add is recorded');
  const [l, r, sym] = g.nodes[add].args;
  assert.deepEqual(sym, { k: 'str', v: '+' });
  assert.equal(l.k === 'tensor' && g.nodes[l.node].kind, 'input', 'one operand is the input');
  assert.equal(r.k === 'tensor' && g.nodes[r.node].op, 'Conv2d', 'the other is conv2');
  // The same layers in the same order, joined by cat instead of +, are a different graph.
  const cat = graphModel(
    RESIDUAL.replace('x + self.conv2', 'torch.cat([x, self.conv2')
      .replace('(x))))', '(x)))], 1))')
      .replace('784', '1568'),
    'Res',
  );
  assert.ok(cat.graph?.nodes.some((n) => n.call?.op === 'torch.cat'));
  assert.ok(!cat.graph?.nodes.some((n) => n.op === 'tensor.__binop__'));

  const spec = resolveModel(
    { kind: 'source', source: RESIDUAL, file: 'res.py' },
    (s, f) => analyze(s, { file: f, flow: true }).models,
  );
  assert.ok(spec.graph, 'resolved as a graph');
  const adds = spec.graph.nodes.filter((n) => n?.op === 'binary');
  assert.equal(adds.length, 1);
  assert.deepEqual(adds[0], {
    op: 'binary',
    fn: 'add',
    a: { node: 0, out: 0 },
    b: { node: 3, out: 0 },
  });
});

test('a residual model trains: its loss falls on a fixed batch', async () => {
  const { tf } = await loadBackend('cpu');
  const spec = translateGraph(graphModel(RESIDUAL, 'Res'));
  const net = buildNet(tf, spec, 7);
  const x = tf.randomNormal([8, 28, 28, 1], 0, 1, 'float32', 3);
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
  const opt = tf.train.adam(0.01);
  const loss = (): number =>
    tf.tidy(() => tf.losses.softmaxCrossEntropy(labels, net.forward(x, true)).dataSync()[0] ?? NaN);
  const first = loss();
  for (let i = 0; i < 30; i++)
    opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, net.forward(x, true)) as never);
  const last = loss();
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  opt.dispose();
  net.dispose();
  tf.dispose([x, labels]);
});

function refusal(body: string, name = 'M'): TranslateError {
  const m = graphModel(`${HEADER}${body}`, name);
  try {
    translateGraph(m);
  } catch (e) {
    assert.ok(e instanceof TranslateError, String(e));
    return e;
  }
  assert.fail('translated, but should have been refused');
}

test('what the graph cannot reproduce is refused with its line and why', () => {
  const cases: [string, RegExp][] = [
    [
      `# input: (2, 8)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(8, 4)
        self.b = nn.Linear(8, 4)

    def forward(self, x):
        if x.sum() > 0:
            return self.a(x)
        return self.b(x)
`,
      /^line 13: an if whose condition is only known at run time/,
    ],
    [
      `# input: (2, 8)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(8, 8)

    def forward(self, x):
        y = x
        x += self.a(x)
        return x + y
`,
      /^line 13: an augmented assignment .* writes into a tensor that is used again afterwards/,
    ],
    [
      `# input: (2, 8)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(8, 8)

    def forward(self, x):
        x[:, 0] = 0
        return self.a(x)
`,
      /^line 12: an assignment into part of a tensor/,
    ],
    [
      `# input: (2, 4, 8)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True)
        self.mask = None

    def forward(self, x):
        return self.enc(x, src_key_padding_mask=self.mask).mean(1)
`,
      /line 13: .*called with more than its input/,
    ],
    [
      `# input: (2, 8)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(8, 8)

    def forward(self, x):
        return self.a(x) ** 2
`,
      /^line 12: .*the operator \*\* on tensors is not supported/,
    ],
    [
      `# input: (2, 3, 8, 8)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(4, 3, 3, 3))

    def forward(self, x):
        return F.conv2d(x, self.w, None, 1, 1).flatten(1)
`,
      /^F\.conv2d at line 12: a functional layer with explicit weight tensors cannot be trained here/,
    ],
  ];
  for (const [body, re] of cases) assert.match(refusal(body).message, re);
});

test('the trace runs on a symbolic batch: x.size(0) stays the batch size at any batch', async () => {
  const { tf } = await loadBackend('cpu');
  const spec = translateGraph(
    graphModel(
      `${HEADER}# input: (1, 3, 4)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(12, 2)

    def forward(self, x):
        return self.fc(x.view(x.size(0), -1)) + x[:, :1, 0] - x.mT[:, 0, :1]
`,
      'M',
    ),
  );
  const net = buildNet(tf, spec, 1);
  const y = tf.tidy(() => net.forward(tf.ones([5, 3, 4]), false));
  assert.deepEqual(y.shape, [5, 2]);
  assert.ok(
    spec.graph?.nodes.some((n) => n?.op === 'transpose'),
    'x.mT is a node',
  );
  y.dispose();
  net.dispose();
});
