// Each diagnostic against PyTorch: pytorch-truth.json records, per case, that PyTorch raises with the
// `bad` value (its message verbatim) and runs with `good`. The engine must flag the bad version at the
// argument itself, offer `good` as the fix where one value fixes it, and accept the good version.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './strictAnalyze';

interface DiagCase {
  code: string;
  source: string;
  input: number[];
  bad: number;
  good: number;
  error: string;
  goodOutput: number[] | null;
}

const truth = JSON.parse(readFileSync(join(__dirname, 'pytorch-truth.json'), 'utf8')) as {
  diagnostics: DiagCase[];
};
const HEADER = 'import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n';
/** Codes where no single argument value is the fix (PyTorch's own advice differs case by case). */
const NO_FIX = new Set([
  'spatial-too-small',
  'padding-same-stride',
  'cat-mismatch',
  'broadcast-mismatch',
  'split-sizes',
]);

function program(c: DiagCase, v: number): string {
  return `${HEADER}# input: (${c.input.join(', ')})\n${c.source.replace('{v}', String(v))}`;
}

describe('diagnostics where PyTorch raises, with the fix PyTorch accepts', () => {
  for (const c of truth.diagnostics) {
    test(`${c.code}: PyTorch says "${c.error.slice(0, 70)}"`, () => {
      const src = program(c, c.bad);
      const r = analyze(src);
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      const d = errors.find((x) => x.code === c.code);
      assert.ok(
        d,
        `an error ${c.code}; got ${errors.map((x) => `${x.code}: ${x.message}`).join(' | ') || 'none'}`,
      );
      const lines = src.split('\n');
      if (!NO_FIX.has(c.code) || c.code === 'padding-same-stride') {
        // The diagnostic sits on the line holding the offending argument (for view: the view call).
        const lineOfValue =
          lines.findIndex(
            (l) => l.includes(String(c.bad)) && (l.includes('nn.') || l.includes('view')),
          ) + 1;
        assert.equal(
          d.line,
          lineOfValue,
          `reported on the line of the argument: ${lines[d.line - 1]}`,
        );
      }
      if (!NO_FIX.has(c.code)) {
        assert.ok(d.fix, `a fix for ${c.code}`);
        assert.equal(d.fix.newText, String(c.good));
        const fr = d.fix.range;
        assert.equal(
          lines[fr.line - 1].slice(fr.column - 1, fr.endColumn - 1),
          String(c.bad),
          'the fix replaces exactly the bad argument',
        );
      }
      if (c.goodOutput) {
        const ok = analyze(program(c, c.good));
        assert.deepEqual(
          ok.diagnostics.filter((x) => x.severity === 'error'),
          [],
          'the fixed program has no errors',
        );
        assert.deepEqual(ok.models[0]?.output, c.goodOutput, 'and the output PyTorch computes');
      }
    });
  }
});
