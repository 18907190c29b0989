// torch.meshgrid against PyTorch 1.13: each expected shape is what
// `/usr/bin/python3 -c "import torch; a, b, c = torch.arange(3), torch.arange(5), torch.arange(2); print(<expr>.shape)"`
// printed for the same expression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from './strictAnalyze';

const CASES: [string, number[] | null][] = [
  ["torch.stack(torch.meshgrid([a, b], indexing='ij'))", [2, 3, 5]],
  ["torch.stack(torch.meshgrid(a, b, indexing='xy'))", [2, 5, 3]],
  ["torch.meshgrid(a, b, c, indexing='xy')[2]", [5, 3, 2]],
  ['torch.meshgrid(a, b)[0]', [3, 5]],
  ['torch.meshgrid(a, torch.tensor(4))[1]', [3, 1]],
  // Not evaluated: the indexing is not a constant, so neither order is assumed.
  ['torch.meshgrid(a, b, indexing=self.ix)[0]', null],
];

for (const [expr, shape] of CASES)
  test(expr, () => {
    const src = [
      'import torch',
      'import torch.nn as nn',
      '# input: (2, 3)',
      'class Net(nn.Module):',
      '    def __init__(self, ix):',
      '        super().__init__()',
      '        self.ix = ix',
      '    def forward(self, x):',
      '        a, b, c = torch.arange(3), torch.arange(5), torch.arange(2)',
      `        return ${expr}`,
      '',
    ].join('\n');
    const m = analyze(src).models.find((x) => x.name === 'Net');
    assert.ok(m);
    assert.deepEqual(m.output, shape);
  });
