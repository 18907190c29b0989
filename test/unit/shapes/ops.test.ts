// Functional and tensor operations in forward, against the shapes PyTorch 1.13 produced
// (pytorch-truth.json "ops": each body ran as `def forward(self, x): <body>` on that input).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './strictAnalyze';

interface OpCase {
  id: string;
  body: string;
  input: number[];
  output: number[];
}

const truth = JSON.parse(readFileSync(join(__dirname, 'pytorch-truth.json'), 'utf8')) as {
  ops: OpCase[];
};

describe('tensor and functional operations agree with PyTorch', () => {
  for (const c of truth.ops) {
    test(`${c.id}: ${c.body.split('\n').pop()?.trim()}`, () => {
      const src = [
        'import torch',
        'import torch.nn as nn',
        'import torch.nn.functional as F',
        `# input: (${c.input.join(', ')})`,
        'class Net(nn.Module):',
        '    def forward(self, x):',
        `        ${c.body}`,
        '',
      ].join('\n');
      const r = analyze(src);
      const m = r.models.find((x) => x.name === 'Net');
      assert.ok(m);
      assert.deepEqual(
        m.output,
        c.output,
        m.layers.map((l) => `${l.type}: ${l.unknownReason ?? JSON.stringify(l.output)}`).join('; '),
      );
      assert.deepEqual(r.diagnostics, []);
    });
  }
  test('functional entries are marked, so the JSON can keep to leaf-module calls', () => {
    const r = analyze(
      'import torch\nimport torch.nn.functional as F\n# input: (1, 4, 8, 8)\nclass Net(torch.nn.Module):\n    def forward(self, x):\n        return F.relu(torch.flatten(x, 1))\n',
    );
    const layers = r.models[0].layers;
    assert.deepEqual(
      layers.map((l) => [l.type, l.functional]),
      [
        ['torch.flatten', true],
        ['F.relu', true],
      ],
    );
  });
});
