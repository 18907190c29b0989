// The layers of src/training/graphOps/ beyond what torch-graph.json compares with PyTorch: a
// TransformerEncoder's copies start equal and train apart (PyTorch deep-copies one layer), a cell
// called in a loop is one set of weights, and what tfjs cannot reproduce is refused with the
// construct, its line and why — never trained as another model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/shapes';
import type { ModelResult } from '../../../src/shapes/types';
import { loadBackend } from '../../../src/training/backend';
import { translateGraph } from '../../../src/training/graphTranslate';
import { TranslateError } from '../../../src/training/translate';
import { torchKey } from '../../../src/training/layers';
import { buildNet } from '../../../src/training/net';

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n\n';

function model(input: string, init: string, forward: string): ModelResult {
  const src = `${HEADER}# input: ${input}
class M(nn.Module):
    def __init__(self):
        super().__init__()
        ${init}

    def forward(self, x):
        ${forward}
`;
  const m = analyze(src, { file: 'm.py', flow: true, strict: true }).models[0];
  assert.ok(m);
  return m;
}

test("a TransformerEncoder's layers start as copies of one layer and keep their own weights", async () => {
  const { tf } = await loadBackend('cpu');
  const spec = translateGraph(
    model(
      '(2, 5, 8)',
      'self.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 3)',
      'return self.enc(x).mean(1)',
    ),
  );
  assert.deepEqual(
    spec.layers.map((l) => [l.name, l.initFrom]),
    [
      ['enc.layers.0', undefined],
      ['enc.layers.1', 'enc.layers.0'],
      ['enc.layers.2', 'enc.layers.0'],
    ],
  );
  const net = buildNet(tf, spec, 4);
  const byKey = new Map(net.variables.map((v) => [torchKey(v), v]));
  const w0 = byKey.get('enc.layers.0.linear1.weight');
  const w2 = byKey.get('enc.layers.2.linear1.weight');
  assert.ok(w0 && w2 && w0 !== w2, 'each copy has its own variable');
  assert.deepEqual(Array.from(w2.dataSync()), Array.from(w0.dataSync()), 'equal at the start');
  const x = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 1);
  const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(net.forward(x, true))) as never);
  assert.notDeepEqual(
    Array.from(grads[w0.name].dataSync()),
    Array.from(grads[w2.name].dataSync()),
    'and different gradients, so they train apart',
  );
  tf.dispose([x, value, ...Object.values(grads)]);
  net.dispose();
});

test('a cell called at every step of a loop is one module: one set of weights, counted once', async () => {
  const { tf } = await loadBackend('cpu');
  const spec = translateGraph(
    model(
      '(2, 6, 3)',
      'self.cell = nn.GRUCell(3, 4)',
      `h = torch.zeros(x.size(0), 4)
        for t in range(6):
            h = self.cell(x[:, t], h)
        return h`,
    ),
  );
  assert.equal(spec.layers.filter((l) => l.name === 'cell').length, 6, 'six calls');
  const net = buildNet(tf, spec, 1);
  assert.equal(net.variables.length, 4, 'weight_ih, weight_hh, bias_ih, bias_hh once');
  assert.equal(net.params, 3 * 4 * (3 + 4) + 2 * 3 * 4);
  const y = tf.tidy(() => net.forward(tf.ones([7, 6, 3]), false));
  assert.deepEqual(y.shape, [7, 4], 'the batch is symbolic: zeros follow it');
  y.dispose();
  net.dispose();
});

function refusal(input: string, init: string, forward: string): string {
  try {
    translateGraph(model(input, init, forward));
  } catch (e) {
    assert.ok(e instanceof TranslateError, String(e));
    return e.message;
  }
  return assert.fail(`translated, but should have been refused: ${init} / ${forward}`);
}

test('what graphOps cannot reproduce is refused with the construct, its line and why', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      '(2, 5, 8)',
      'self.a = nn.MultiheadAttention(8, 2, batch_first=True)',
      'y, _ = self.a(x, x, x, attn_mask=torch.zeros(5, 5))\n        return y',
      /^line 12: MultiheadAttention: attn_mask is given; masks are not reproduced/,
    ],
    [
      '(2, 5, 8)',
      'self.a = nn.MultiheadAttention(8, 2, batch_first=True)\n        self.m = torch.zeros(2, 5)',
      'y, _ = self.a(x, x, x, self.m)\n        return y',
      /^line 13: MultiheadAttention: key_padding_mask is given/,
    ],
    [
      '(2, 5, 8)',
      'self.a = nn.MultiheadAttention(8, 2, batch_first=True, kdim=4, vdim=4)\n        self.k = nn.Linear(8, 4)',
      'k = self.k(x)\n        y, _ = self.a(x, k, k)\n        return y',
      /^line 14: MultiheadAttention: kdim=4 differs from embed_dim/,
    ],
    [
      '(2, 5, 8)',
      'self.a = nn.MultiheadAttention(8, 2, batch_first=True)',
      'y, w = self.a(x, x, x, average_attn_weights=False)\n        return w',
      /^line 12: MultiheadAttention: average_attn_weights=False/,
    ],
    [
      '(2, 5, 8)',
      'self.a = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2)\n        self.m = torch.zeros(2, 5, dtype=torch.bool)',
      'return self.a(x, src_key_padding_mask=self.m)',
      /^TransformerEncoderLayer at line 9: it is called with more than its input \(a mask/,
    ],
    [
      '(2, 2, 6, 6, 6)',
      'self.a = nn.Conv3d(2, 3, 3, dilation=2)',
      'return self.a(x)',
      /^line 12: Conv3d: dilation > 1 is not supported \(tfjs's conv3d has no gradient for it\)/,
    ],
    [
      '(2, 2, 6, 6, 6)',
      'self.a = nn.Conv3d(2, 4, 3, groups=2)',
      'return self.a(x)',
      /^line 12: Conv3d: groups > 1 is not supported/,
    ],
    [
      '(2, 2, 6, 6, 6)',
      "self.a = nn.Conv3d(2, 3, 3, padding=1, padding_mode='reflect')",
      'return self.a(x)',
      /^line 12: Conv3d: padding_mode='reflect' is not supported \(tfjs pads with zeros only\)/,
    ],
    [
      '(2, 2, 6, 6, 6)',
      "self.a = nn.Conv3d(2, 3, 2, padding='same')",
      'return self.a(x)',
      /^line 12: Conv3d: padding='same' with an even kernel is not supported/,
    ],
    [
      '(2, 2, 6, 6, 6)',
      'self.a = nn.MaxPool3d(2, dilation=2)',
      'return self.a(x)',
      /^line 12: MaxPool3d: dilation > 1 is not supported/,
    ],
    [
      '(2, 2, 6, 6, 6)',
      'self.a = nn.AdaptiveAvgPool3d(4)',
      'return self.a(x)',
      /^line 12: AdaptiveAvgPool3d: pooling from 6×6×6 to 4×4×4 is not supported/,
    ],
    [
      '(2, 3)',
      'self.a = nn.LSTMCell(3, 4)',
      'h, c = self.a(x, torch.zeros(2, 4))\n        return h',
      /^line 12: LSTMCell: its state is not an \(h, c\) pair/,
    ],
    [
      '(2, 3)',
      'self.a = nn.GRUCell(3, 4)',
      'return self.a(x, torch.zeros(2, 4, dtype=torch.float64))',
      /^line 12: torch.zeros: argument dtype= is not supported/,
    ],
    [
      '(3,)',
      'self.a = nn.GRUCell(3, 4)',
      'return self.a(x)',
      /^line 12: GRUCell: it receives a 1-D input; only batched/,
    ],
  ];
  for (const [input, init, forward, re] of cases) assert.match(refusal(input, init, forward), re);
});

test('two functional 3-D poolings of different sizes are two layers, not one shared', async () => {
  const { tf } = await loadBackend('cpu');
  const spec = translateGraph(
    model('(2, 1, 8, 8, 8)', 'pass', 'return F.avg_pool3d(F.max_pool3d(x, 2), 4).flatten(1)'),
  );
  const net = buildNet(tf, spec, 1);
  const x = tf.tidy(() => tf.reshape(tf.range(0, 2 * 512), [2, 1, 8, 8, 8]));
  const y = tf.tidy(() => net.forward(x, false));
  assert.deepEqual(y.shape, [2, 1]);
  // The max of each 2-cube is its far corner (odd coordinates); their mean over the 4×4×4 output of
  // the first pooling is the mean of the odd coordinates: 512·b + 64·4 + 8·4 + 4 = 512·b + 292.
  assert.deepEqual(Array.from(y.dataSync()), [292, 804]);
  tf.dispose([x, y]);
  net.dispose();
});
