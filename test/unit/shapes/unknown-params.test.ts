// An unknown part makes a parameter total unknown everywhere it is shown: null in JSON, "?" in the
// CLI table, the CodeLens, the hovers and the summary panel; never 0, never the known part alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';
import { shapesCommand, toJson } from '../../../src/cli/shapes';
import { modelHoverMarkdown, modelLensTitle, modelLensTooltip } from '../../../src/editor/format';
import { summaryTable } from '../../../src/common/summaryTable';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const SRC = `import torch.nn as nn
from blocks import ImportedBlock

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = ImportedBlock(3, 64)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(self.block(x))
`;

test('a model holding an imported block: total null, the known part apart, the block unknown', () => {
  const r = analyze(SRC, { defaultInput: [[2, 3]] });
  const m = r.models[0];
  assert.equal(m.params, null);
  assert.equal(m.paramsKnown, 650);
  assert.deepEqual(
    m.layers.map((l) => [l.name, l.params, l.output]),
    [
      ['block', null, null],
      ['fc', 650, null],
    ],
  );
  assert.deepEqual(r.diagnostics, []);
  const json = toJson(r) as {
    models: { params: number | null; paramsKnown?: number; layers: { params: number | null }[] }[];
  };
  assert.equal(json.models[0].params, null);
  assert.equal(json.models[0].paramsKnown, 650);
  assert.equal(json.models[0].layers[0].params, null);
  assert.match(modelLensTitle(m), /· \? \(650 known\) params$/);
  assert.match(modelLensTooltip(m), /\? \(650 known\) parameters/);
  assert.match(modelHoverMarkdown(m), /\? \(650 known\) params/);
  const t = summaryTable(m);
  assert.equal(t.rows[0].params, '?');
  assert.match(t.totalParams, /^\? \(650 known\)$/);
});

test('the CLI table prints ? for an unknown count and the known part of the total', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tl-params-'));
  const file = join(dir, 'net.py');
  writeFileSync(file, SRC);
  let out = '';
  const code = await shapesCommand([file, '--input', '2,3'], {
    out: (s) => (out += s + '\n'),
    err: () => undefined,
    interrupted: new AbortController().signal,
  });
  assert.equal(code, 0);
  assert.match(out, /^block \(unknown\)\s+\? .*\s\?(\s+\d+)?$/m);
  assert.match(out, /^Total params: \? \(650 known\)$/m);
});

test('a layer PyTorch refuses to build counts as unknown, never negative', () => {
  const r = analyze('import torch.nn as nn\nmodel = nn.Sequential(nn.Linear(8, -2))\n', {
    defaultInput: [[1, 8]],
  });
  assert.equal(r.models[0].params, null);
  assert.ok(r.models[0].layers.every((l) => l.params === null || l.params >= 0));
  assert.ok(r.diagnostics.some((d) => d.severity === 'error'));
});

// Counts from PyTorch 1.13: MultiheadAttention(16, 4) 1088; (16, 4, kdim=8, vdim=12, bias=False,
// add_bias_kv=True) 864; LayerNorm(8) 16; LSTM(4, 8, proj_size=3) 312.
test('a layer argument given but not evaluated makes the count unknown, never its default', () => {
  const layer = (ctor: string): number | null => {
    const src = `import torch.nn as nn\nfrom cfg import K\n\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.m = ${ctor}\n\n    def forward(self, x):\n        return self.m(x)\n`;
    const m = analyze(src).models.find((x) => x.name === 'Net');
    assert.ok(m, ctor);
    return m.params;
  };
  assert.equal(layer('nn.MultiheadAttention(16, 4, kdim=None, vdim=None)'), 1088);
  assert.equal(
    layer('nn.MultiheadAttention(16, 4, kdim=8, vdim=12, bias=False, add_bias_kv=True)'),
    864,
  );
  assert.equal(layer('nn.LayerNorm(8)'), 16);
  assert.equal(layer('nn.LSTM(4, 8, proj_size=3)'), 312);
  for (const ctor of [
    'nn.MultiheadAttention(16, 4, kdim=K)',
    'nn.MultiheadAttention(16, 4, vdim=K)',
    'nn.MultiheadAttention(16, 4, bias=K)',
    'nn.MultiheadAttention(16, 4, add_bias_kv=K)',
    'nn.LayerNorm(8, elementwise_affine=K)',
    'nn.LSTM(4, 8, proj_size=K)',
  ])
    assert.equal(layer(ctor), null, ctor);
});

test('a layer argument given but not evaluated is never read as its default in forward', () => {
  const out = (ctor: string, input: string): ReturnType<typeof analyze>['models'][number] => {
    const src = `import torch.nn as nn\nfrom cfg import K\n\n# input: ${input}\nclass Net(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.m = ${ctor}\n\n    def forward(self, x):\n        return self.m(x)\n`;
    const m = analyze(src).models.find((x) => x.name === 'Net');
    assert.ok(m, ctor);
    return m;
  };
  assert.equal(out('nn.GLU(dim=K)', '(2, 4, 6)').output, null);
  assert.equal(out('nn.MaxPool2d(2, ceil_mode=K)', '(1, 1, 5, 5)').output, null);
  assert.equal(out('nn.LSTM(4, 8, bidirectional=K)', '(5, 2, 4)').output, null);
  // The output's shape does not depend on groups; its multiply-adds do.
  const conv = out('nn.Conv2d(4, 4, 3, groups=K)', '(1, 4, 8, 8)');
  assert.deepEqual(conv.output, [1, 4, 6, 6]);
  assert.equal(conv.macs, undefined);
});
