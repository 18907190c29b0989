// Graph values are held channels-last (NHWC) between layers and turned to PyTorch's order only where an
// op needs it (src/training/graph.ts). What that must not change: outputs and gradients equal PyTorch
// 1.13's (scripts/training-fixtures.py --layout) on graphs that mix channel ops, reductions, indexing,
// permutes and views with values in either layout. What it must change: a residual network's forward
// turns no tensor around at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBackend } from '../../../src/training/backend';
import { channelsLastNode, type GRef, type OpNode } from '../../../src/training/graph';
import { translateGraph } from '../../../src/training/graphTranslate';
import { buildNet } from '../../../src/training/net';
import {
  assertGraphMatchesTorch,
  graphModel,
  readTorchFixtures,
  type GraphCase,
} from './torchFixtures';

const fixtures = readTorchFixtures<GraphCase>('torch-layout.json');

for (const backend of ['cpu', 'wasm'] as const) {
  for (const c of fixtures.cases) {
    test(`${c.name} on ${backend}: output and gradients equal PyTorch's`, async () => {
      const { tf } = await loadBackend(backend);
      const spec = translateGraph(graphModel(c.source, c.name));
      assert.ok(spec.graph, 'translated as a graph');
      const net = buildNet(tf, spec, 1);
      try {
        assertGraphMatchesTorch(tf, spec, net, c);
      } finally {
        net.dispose();
      }
    });
  }
}

const RESNET = `import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = out + self.shortcut(x)
        return F.relu(out)


# input: (1, 3, 16, 16)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.b1 = Block(8, 8, 1)
        self.b2 = Block(8, 16, 2)
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.b2(self.b1(F.relu(self.stem(x))))
        return self.fc(x.mean((2, 3)))
`;

test('a residual network turns no tensor between layouts, forward or backward', async () => {
  const { tf } = await loadBackend('cpu');
  const spec = translateGraph(graphModel(RESNET, 'Net'));
  const net = buildNet(tf, spec, 1);
  try {
    const x = tf.randomNormal([4, 16, 16, 3]);
    const trainable = net.variables.filter((v) => v.trainable);
    const info = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(net.forward(x, true)), trainable);
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    });
    const turned = info.kernels.filter((k) => k.name === 'Transpose').length;
    assert.equal(turned, 0, `Transpose kernels in one training step: ${turned}`);
    x.dispose();
  } finally {
    net.dispose();
  }
});

test('ops whose meaning depends on the memory order are run in PyTorch order', () => {
  const r = (node: number): GRef => ({ node, out: 0 });
  const nhwc4 = (): number => 4;
  const orderBound: OpNode[] = [
    {
      op: 'reshape',
      x: r(0),
      shape: [
        { v: 0, perBatch: 1 },
        { v: -1, perBatch: 0 },
      ],
    },
    { op: 'flatten', x: r(0), start: 1, end: -1 },
    { op: 'permute', x: r(0), dims: [0, 2, 3, 1] },
    { op: 'transpose', x: r(0), a: 1, b: 2 },
    { op: 'index', x: r(0), items: [{ t: 'slice', lo: null, hi: null, step: 1 }] },
    { op: 'unsqueeze', x: r(0), dim: 1 },
    { op: 'squeeze', x: r(0), dim: null },
    { op: 'stack', xs: [r(0), r(1)], dim: 1 },
    { op: 'matmul', a: r(0), b: r(1) },
    { op: 'mean', x: r(0), dims: [0], keep: false },
  ];
  for (const n of orderBound) assert.equal(channelsLastNode(n, nhwc4), null, n.op);
  // Mixed layouts, or ranks that broadcast differently, go to PyTorch's order too.
  const mixed = (g: GRef): number | null => (g.node === 0 ? 4 : null);
  assert.equal(channelsLastNode({ op: 'binary', fn: 'add', a: r(0), b: r(1) }, mixed), null);
  assert.equal(channelsLastNode({ op: 'cat', xs: [r(0), r(1)], dim: 1 }, mixed), null);
  const ranks = (g: GRef): number => (g.node === 0 ? 4 : 3);
  assert.equal(channelsLastNode({ op: 'binary', fn: 'mul', a: r(0), b: r(1) }, ranks), null);
});

test('channel ops move their dims to where channels-last holds them', () => {
  const x = { node: 0, out: 0 };
  const nhwc4 = (): number => 4;
  assert.deepEqual(channelsLastNode({ op: 'cat', xs: [x, x], dim: 1 }, nhwc4), {
    node: { op: 'cat', xs: [x, x], dim: 3 },
    layout: 'nhwc',
  });
  assert.deepEqual(channelsLastNode({ op: 'cat', xs: [x, x], dim: -1 }, nhwc4)?.node, {
    op: 'cat',
    xs: [x, x],
    dim: 2,
  });
  assert.deepEqual(channelsLastNode({ op: 'split', x, sizes: [2, 2], dim: 1 }, nhwc4)?.node, {
    op: 'split',
    x,
    sizes: [2, 2],
    dim: 3,
  });
  // mean over H, W: [B, C] is PyTorch's order; over C: [B, H, W] is too; over H alone: [B, W, C].
  const mean = (dims: number[], keep: boolean) =>
    channelsLastNode({ op: 'mean', x, dims, keep }, nhwc4);
  assert.deepEqual(mean([2, 3], false), {
    node: { op: 'mean', x, dims: [1, 2], keep: false },
    layout: 'plain',
  });
  assert.equal(mean([1], false)?.layout, 'plain');
  assert.equal(mean([2], false)?.layout, 'nhwc');
  assert.deepEqual(mean([-1, -2], true), {
    node: { op: 'mean', x, dims: [2, 1], keep: true },
    layout: 'nhwc',
  });
});
