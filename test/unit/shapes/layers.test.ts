// Every layer family against real PyTorch: pytorch-truth.json holds the output shapes and parameter
// counts that torch 1.13 produced for the same constructor text (regenerate with
// `/usr/bin/python3 test/unit/shapes/pytorch-truth.py > test/unit/shapes/pytorch-truth.json`).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './strictAnalyze';

interface TruthCase {
  expr: string;
  input: number[][];
  outputs: number[][];
  params: number;
}

const truth = JSON.parse(readFileSync(join(__dirname, 'pytorch-truth.json'), 'utf8')) as {
  cases: Record<string, TruthCase>;
};

/** The constructor inside a one-layer model whose input comes from the `# input:` comment. */
export function oneLayerModel(expr: string, inputs: number[][]): string {
  const args = inputs.map((_, i) => `x${i}`);
  return [
    'import torch',
    'import torch.nn as nn',
    '',
    `# input: ${inputs.map((s) => `(${s.join(', ')})`).join(', ')}`,
    'class M(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    `        self.layer = ${expr}`,
    '',
    `    def forward(self, ${args.join(', ')}):`,
    `        return self.layer(${args.join(', ')})`,
    '',
  ].join('\n');
}

describe('layer rules agree with PyTorch 1.13', () => {
  for (const [id, c] of Object.entries(truth.cases)) {
    test(`${id}: ${c.expr} on ${c.input.map((s) => `[${s.join(',')}]`).join(' ')}`, () => {
      const r = analyze(oneLayerModel(c.expr, c.input));
      const m = r.models.find((x) => x.name === 'M');
      assert.ok(m, 'model M found');
      assert.equal(
        m.layers.length,
        1,
        `one layer entry, got ${m.layers.map((l) => l.type).join(', ')}`,
      );
      const l = m.layers[0];
      assert.deepEqual(
        l.outputs ?? [l.output],
        c.outputs,
        `outputs (engine says ${l.unknownReason ?? 'known'})`,
      );
      assert.equal(l.params, c.params, 'layer params');
      assert.equal(m.params, c.params, 'model params');
      assert.deepEqual(
        r.diagnostics.filter((d) => d.severity === 'error'),
        [],
        'no error diagnostics',
      );
    });
  }
});
