// Layers whose weights are the file's own tensors (F.conv2d given an nn.Parameter) or are
// re-parametrised (nn.utils.weight_norm), against what PyTorch 1.13 did with the same source
// (weights-truth.json, recorded by `/usr/bin/python3 test/unit/shapes/weights-truth.py`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './strictAnalyze';

interface WeightCase {
  id: string;
  source: string;
  input: number[];
  output: number[];
  params: number;
}

const truth = JSON.parse(readFileSync(join(__dirname, 'weights-truth.json'), 'utf8')) as {
  cases: WeightCase[];
};

describe('layers with given or re-parametrised weights agree with PyTorch', () => {
  for (const c of truth.cases) {
    test(c.id, () => {
      const src = [
        'import torch',
        'import torch.nn as nn',
        'import torch.nn.functional as F',
        c.source.replace('class Net(', `# input: (${c.input.join(', ')})\nclass Net(`),
      ].join('\n');
      const r = analyze(src);
      const m = r.models.find((x) => x.name === 'Net');
      assert.ok(m, 'a model named Net');
      assert.deepEqual(
        m.output,
        c.output,
        m.layers.map((l) => `${l.type}: ${l.unknownReason ?? JSON.stringify(l.output)}`).join('; '),
      );
      assert.equal(m.params, c.params, 'sum(p.numel() for p in set(model.parameters()))');
      assert.deepEqual(r.diagnostics, []);
    });
  }
});

describe('what the weight does not say stays unknown', () => {
  const net = (ctor: string, call: string): string =>
    [
      'import torch',
      'import torch.nn as nn',
      'import torch.nn.functional as F',
      '# input: (2, 4, 9, 9)',
      'class Net(nn.Module):',
      '    def __init__(self, w):',
      '        super().__init__()',
      `        self.w = ${ctor}`,
      '    def forward(self, x):',
      `        return ${call}`,
      '',
    ].join('\n');
  const cases: [string, string, string][] = [
    ['a weight of unknown shape', 'w', 'F.conv2d(x, self.w)'],
    [
      'groups unknown',
      'nn.Parameter(torch.rand(4, 2, 3, 3))',
      'F.conv2d(x, self.w, groups=len(w))',
    ],
    ['stride unknown', 'nn.Parameter(torch.rand(4, 4, 3, 3))', 'F.conv2d(x, self.w, None, w)'],
    ['a weight of the wrong rank', 'nn.Parameter(torch.rand(4, 4, 3))', 'F.conv2d(x, self.w)'],
  ];
  for (const [what, ctor, call] of cases)
    test(what, () => {
      const m = analyze(net(ctor, call)).models.find((x) => x.name === 'Net');
      assert.ok(m);
      assert.equal(m.output, null, JSON.stringify(m.output));
    });
});

test("weight_norm of a layer's bias replaces it with bias_g and bias_v", () => {
  // PyTorch 1.13: weight (4, 5), bias_g (4,), bias_v (4,): 28 parameters.
  const r = analyze(
    [
      'import torch.nn as nn',
      '# input: (2, 5)',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      "        self.b = nn.utils.weight_norm(nn.Linear(5, 4), name='bias')",
      '    def forward(self, x):',
      '        return self.b(x)',
      '',
    ].join('\n'),
  );
  const m = r.models.find((x) => x.name === 'Net');
  assert.ok(m);
  assert.deepEqual(m.output, [2, 4]);
  assert.equal(m.params, 28);
});
