// Data flow between layer calls (LayerResult.producers): which earlier calls feed each call, so the
// training translator can tell a plain chain from a residual graph without reading the source.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelResult } from '../../../src/shapes';
import { analyze } from './strictAnalyze';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'shapes');
const model = (file: string, name: string): ModelResult => {
  const m = analyze(readFileSync(join(FIXTURES, file), 'utf8')).models.find((x) => x.name === name);
  assert.ok(m, `${name} in ${file}`);
  return m;
};

describe('layer producers', () => {
  test('a Sequential is a chain: each layer is fed by the one before, the first by the input', () => {
    const m = model('sequential_models.py', 'cnn');
    assert.ok(m.layers.length > 3);
    m.layers.forEach((l, i) => assert.deepEqual(l.producers, [i - 1], `${i} ${l.name}`));
  });

  test('ResNet-18: the relu after `out += self.shortcut(x)` has the block input and bn2 as producers', () => {
    const m = model('resnet18.py', 'ResNet18');
    const at = (name: string): number => m.layers.findIndex((l) => l.name === name);
    assert.deepEqual(m.layers[at('conv1')].producers, [-1]);
    // Identity shortcut (layer1.0): the sum joins the stem's relu with the block's bn2.
    const bn2 = at('layer1.0.bn2');
    const blockInput = m.layers[at('layer1.0.conv1')].producers;
    assert.equal(blockInput?.length, 1);
    const add = m.layers[bn2 + 1];
    assert.equal(add.type, 'F.relu');
    assert.deepEqual(
      add.producers,
      [...(blockInput as number[]), bn2].sort((a, b) => a - b),
    );
    // Projection shortcut (layer2.0): the sum joins bn2 with the shortcut's BatchNorm.
    const proj = at('layer2.0.shortcut.1');
    const bn2b = at('layer2.0.bn2');
    const relu = m.layers.findIndex((l, i) => i > Math.max(proj, bn2b) && l.type === 'F.relu');
    assert.deepEqual(
      m.layers[relu].producers,
      [bn2b, proj].sort((a, b) => a - b),
    );
    // The shortcut conv reads the block input, not the main branch.
    assert.deepEqual(
      m.layers[at('layer2.0.shortcut.0')].producers,
      m.layers[at('layer2.0.conv1')].producers,
    );
    // Every producer is an earlier call or the input.
    m.layers.forEach((l, i) => {
      assert.ok(l.producers, l.name);
      for (const p of l.producers) assert.ok(p === -1 || (p >= 0 && p < i), `${l.name}: ${p}`);
    });
  });

  test('U-Net: the concatenation joins the skip connection and the upsampled path', () => {
    const m = model('unet.py', 'UNet');
    const cat = m.layers.findIndex((l) => l.type === 'torch.cat');
    assert.ok(cat > 0);
    const producers = m.layers[cat].producers ?? [];
    assert.equal(producers.length, 2);
    // One operand is down2's output (x3, the skip), the other the padded upsampling of down3's.
    assert.ok(
      producers.some((p) => m.layers[p].name === 'down2.maxpool_conv.1.double_conv.5'),
      JSON.stringify(producers.map((p) => m.layers[p].name)),
    );
    assert.ok(
      producers.some((p) => m.layers[p].type === 'F.pad'),
      JSON.stringify(producers.map((p) => m.layers[p].type)),
    );
  });

  test('two forward arguments are -1 and -2; a tensor made in forward adds no producer', () => {
    const src = `import torch
import torch.nn as nn

# input: (2, 8), (2, 8)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(8, 4)
        self.b = nn.Linear(8, 4)
        self.c = nn.Linear(4, 4)

    def forward(self, x, y):
        h = self.a(x) * self.b(y)
        z = torch.zeros(2, 4)
        return self.c(h + z)
`;
    const m = analyze(src).models.find((x) => x.name === 'Net');
    assert.ok(m);
    assert.deepEqual(
      m.layers.map((l) => [l.name, l.producers]),
      [
        ['a', [-1]],
        ['b', [-2]],
        ['c', [0, 1]],
      ],
    );
  });
});
