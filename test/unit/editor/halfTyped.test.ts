// What the editor sees while the user types: every prefix of the examples, and lines with a
// character deleted. The adapter logic must never throw and must keep every position inside the
// text it was computed for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/shapes';
import type { AnalysisResult } from '../../../src/shapes/types';
import {
  layerHoverMarkdown,
  lineHints,
  modelLensTitle,
  statusText,
} from '../../../src/editor/format';
import { quickFixes } from '../../../src/editor/fixes';
import { layersAt, modelAtLine, modelExtent, variableAt } from '../../../src/editor/positions';
import { readExample } from './examples';

function exercise(source: string): void {
  const lines = source.split('\n');
  const result: AnalysisResult = analyze(source, { file: 'typing.py' });
  for (const h of lineHints(result))
    assert.ok(h.line >= 1 && h.line <= lines.length, `hint at ${h.line} of ${lines.length}`);
  statusText(result);
  for (const m of result.models) {
    modelLensTitle(m);
    const ext = modelExtent(lines, m);
    assert.ok(ext.end <= Math.max(lines.length, ext.start));
    for (const l of m.layers) layerHoverMarkdown(layersAt(result, l.range.line, l.range.column));
  }
  for (let ln = 1; ln <= lines.length; ln++) {
    modelAtLine(result, lines, ln);
    variableAt(result, lines, 'x', ln, 9);
  }
  quickFixes(result, lines, { line: 1, endLine: lines.length });
}

for (const name of ['mnist_cnn.py', 'shape_bug.py', 'sequential.py', 'mlp.py']) {
  test(`every prefix of ${name}, as it is typed line by line`, () => {
    const lines = readExample(name).split('\n');
    for (let n = 0; n <= lines.length; n++) {
      exercise(lines.slice(0, n).join('\n'));
      // Half of the next line typed.
      if (n < lines.length)
        exercise(
          [...lines.slice(0, n), lines[n].slice(0, Math.ceil(lines[n].length / 2))].join('\n'),
        );
    }
  });

  test(`${name} with one character deleted at a time in the model`, () => {
    const source = readExample(name);
    // Every 7th character keeps the test fast while hitting brackets, commas, digits and names.
    for (let i = source.indexOf('nn.'); i >= 0 && i < source.length; i += 7)
      exercise(source.slice(0, i) + source.slice(i + 1));
  });
}
