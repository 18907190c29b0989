// An unknown part makes a parameter total unknown everywhere it is shown: null in JSON, "?" in the
// CLI table, the CodeLens, the hovers and the summary panel; never 0, never the known part alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';
import { shapesCommand, toJson } from '../../../src/cli/shapes';
import { modelHoverMarkdown, modelLensTitle, modelLensTooltip } from '../../../src/editor/format';
import { summaryTable } from '../../../webview/summaryData';
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
