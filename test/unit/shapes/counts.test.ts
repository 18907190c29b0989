// Honest counts: parameters and multiply-adds against what real PyTorch 1.13 counts
// (test/fixtures/shapes/counts/, recorded by scripts/record-counts.py), worked formulas for what torch
// 1.13 cannot run, what is not counted listed, and the memory estimate.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { ModelResult } from '../../../src/shapes/types';
import { analyze } from './strictAnalyze';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'shapes');
const COUNTS = join(FIXTURES, 'counts');

interface Recorded {
  models: { name: string; params: number; macs: number }[];
}

function model(src: string, name: string): ModelResult {
  const m = analyze(src).models.find((x) => x.name === name);
  assert.ok(m, `model ${name} found`);
  return m;
}

for (const file of readdirSync(COUNTS).filter((f) => f.endsWith('.json'))) {
  test(`${file}: parameters and multiply-adds as PyTorch counts them`, () => {
    const recorded = JSON.parse(readFileSync(join(COUNTS, file), 'utf8')) as Recorded;
    const src = readFileSync(join(FIXTURES, file.replace(/\.json$/, '.py')), 'utf8');
    const models = analyze(src).models;
    assert.ok(recorded.models.length > 0);
    for (const e of recorded.models) {
      const m = models.find((x) => x.name === e.name);
      assert.ok(m, `${e.name} analysed`);
      assert.equal(m.params, e.params, `${e.name} params`);
      assert.equal(m.macs, e.macs, `${e.name} multiply-adds`);
      assert.equal(m.macsUncounted, undefined, `${e.name}: nothing left uncounted`);
    }
  });
}

const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';

test('Linear on a rank-3 input: every position multiplies (worked: 2·10·32·64)', () => {
  const m = model(
    HEADER +
      `# input: (2, 10, 32)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(32, 64)
    def forward(self, x):
        return self.fc(x)
`,
    'M',
  );
  assert.equal(m.macs, 2 * 10 * 32 * 64);
});

test('a grouped convolution: output elements · in_channels/groups · kernel (worked)', () => {
  const m = model(
    HEADER +
      `# input: (1, 8, 10, 10)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(8, 16, 3, groups=4)
    def forward(self, x):
        return self.c(x)
`,
    'M',
  );
  assert.equal(m.macs, 16 * 8 * 8 * (8 / 4) * 9);
});

test('F.scaled_dot_product_attention: QKᵀ and AV (worked; torch 1.13 has no such function)', () => {
  const m = model(
    HEADER +
      `# input: (2, 4, 6, 8), (2, 4, 5, 8), (2, 4, 5, 16)
class M(nn.Module):
    def forward(self, q, k, v):
        return F.scaled_dot_product_attention(q, k, v)
`,
    'M',
  );
  assert.deepEqual(m.output, [2, 4, 6, 16]);
  assert.equal(m.macs, 2 * 4 * 6 * 5 * 8 + 2 * 4 * 6 * 5 * 16);
});

test('what is not counted is listed, and the total is not given', () => {
  const m = model(
    HEADER +
      `# input: (3, 7, 10)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 20, batch_first=True)
        self.fc = nn.Linear(20, 2)
    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])
`,
    'M',
  );
  assert.equal(m.macs, undefined);
  assert.equal(m.macsKnown, 3 * 20 * 2);
  assert.deepEqual(m.macsUncounted, ['lstm (LSTM)']);
});

test('a tied weight whose shape the rule does not know makes the total unknown, never double', () => {
  const m = model(
    HEADER +
      `# input: (2, 8)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.LayerNorm(8)
        self.b = nn.LayerNorm(8)
        self.b.weight = self.a.weight
    def forward(self, x):
        return self.b(self.a(x))
`,
    'M',
  );
  // PyTorch counts 8 + 8 + 8 = 24; the engine cannot tell what b lost, so it says unknown.
  assert.equal(m.params, null);
});

test('memory: outputs ×2 for backward, parameters and Adam state, float32 (worked)', () => {
  const m = model(
    HEADER +
      `# input: (4, 10)
net = nn.Sequential(nn.Linear(10, 20), nn.ReLU(), nn.Linear(20, 5))
`,
    'net',
  );
  const params = 10 * 20 + 20 + 20 * 5 + 5;
  assert.equal(m.params, params);
  assert.deepEqual(m.memory, {
    activationBytes: 2 * 4 * (4 * 20 + 4 * 20 + 4 * 5),
    paramBytes: 4 * params,
    adamBytes: 8 * params,
  });
});

test('memory is unknown where a size is', () => {
  const m = model(
    HEADER +
      `# input: (B, 10)
net = nn.Sequential(nn.Linear(10, 20))
`,
    'net',
  );
  assert.equal(m.memory?.activationBytes, null);
  assert.equal(m.memory?.paramBytes, 4 * 220);
});

test('the CLI table and the panel Summary show the uncounted part and the memory', async () => {
  const { summaryTable } = await import('../../../src/common/summaryTable');
  const { isModelResult } = await import('../../../src/common/guards');
  const m = model(
    HEADER +
      `# input: (3, 7, 10)
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(10, 20, batch_first=True)
        self.fc = nn.Linear(20, 2)
    def forward(self, x):
        out, _ = self.lstm(x)
        return self.fc(out[:, -1])
`,
    'M',
  );
  assert.ok(isModelResult(m));
  assert.equal(isModelResult({ ...m, memory: { activationBytes: 'x' } }), false);
  const t = summaryTable(m);
  assert.equal(t.totalMacs, '? (120 counted; not counted: lstm (LSTM))');
  assert.match(t.memory, /^activations \d+\.\d KB · params 10\.2 KB · Adam state 20\.3 KB$/);
});
