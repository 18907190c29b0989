// The editor's adapter logic over every example and shape fixture, against the real engine:
// positions stay inside the document, every layer call is found under its own range, texts hold
// no undefined/NaN, engine fixes and `# input:` comments edit the right text (re-analysing the
// edited file shows the diagnostic gone / the comment read back).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/shapes';
import {
  layerHoverMarkdown,
  lineHints,
  modelHoverMarkdown,
  modelLensTitle,
  statusText,
} from '../../../src/editor/format';
import { quickFixes } from '../../../src/editor/fixes';
import type { TextEdit1 } from '../../../src/editor/inputComment';
import {
  layersAt,
  modelAtLine,
  modelExtent,
  toRange0,
  variableAt,
} from '../../../src/editor/positions';
import { ROOT } from './examples';

function pyFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => join(dir, f));
}

const files = [
  ...pyFiles('examples'),
  ...pyFiles('test/fixtures/shapes'),
  ...pyFiles('test/fixtures/shapes/negative'),
];

function applyEdit(source: string, e: TextEdit1): string {
  const lines = source.split('\n');
  const offset = (line: number, column: number) =>
    lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  return (
    source.slice(0, offset(e.range.line, e.range.column)) +
    e.newText +
    source.slice(offset(e.range.endLine, e.range.endColumn))
  );
}

test('corpus is there', () => {
  assert.ok(files.length >= 20, files.join(', '));
});

for (const file of files) {
  test(`editor texts and positions on ${file}`, () => {
    const source = readFileSync(join(ROOT, file), 'utf8');
    const lines = source.split('\n');
    const result = analyze(source, { file });
    for (const h of lineHints(result)) {
      assert.ok(h.line >= 1 && h.line <= lines.length, `hint line ${h.line}`);
      assert.match(h.label, /^→ /);
      assert.doesNotMatch(h.label + h.tooltip, /undefined|NaN/);
    }
    for (const model of result.models) {
      assert.doesNotMatch(modelLensTitle(model) + modelHoverMarkdown(model), /undefined|NaN/);
      const ext = modelExtent(lines, model);
      assert.ok(
        ext.start <= ext.end && ext.end <= lines.length,
        `${model.name} extent ${ext.start}-${ext.end}`,
      );
      assert.equal(
        modelAtLine(result, lines, model.line),
        model,
        `${model.name} under its own first line`,
      );
      for (const layer of model.layers) {
        const r0 = toRange0(layer.range);
        assert.ok(
          r0.start.line < lines.length && r0.end.line < lines.length,
          `${layer.name} range`,
        );
        const hits = layersAt(result, layer.range.line, layer.range.column);
        assert.ok(hits.length > 0, `${layer.name} at ${layer.range.line}:${layer.range.column}`);
        const md = layerHoverMarkdown(hits);
        assert.ok(md.length > 0);
        assert.doesNotMatch(md, /undefined|NaN/);
      }
      for (const v of model.variables) {
        const found = variableAt(result, lines, v.name, v.line, v.column);
        assert.ok(found.length > 0, `${v.name} at ${v.line}:${v.column}`);
      }
    }
    assert.doesNotMatch(JSON.stringify(statusText(result)), /undefined|NaN/);
  });
}

for (const file of files) {
  test(`quick fixes on ${file} edit the right text`, () => {
    const source = readFileSync(join(ROOT, file), 'utf8');
    const lines = source.split('\n');
    const result = analyze(source, { file });
    for (const d of result.diagnostics) {
      if (!d.fix) continue;
      const fixes = quickFixes(result, lines, {
        line: d.range.line,
        endLine: d.range.endLine,
      }).filter((f) => f.diagnostic === d);
      assert.equal(fixes.length, 1);
      const after = analyze(applyEdit(source, fixes[0].edit), { file });
      assert.ok(
        !after.diagnostics.some((x) => x.code === d.code && x.line === d.line),
        `${d.code} on line ${d.line} still there after "${fixes[0].title}"`,
      );
    }
    for (const model of result.models) {
      const fixes = quickFixes(result, lines, { line: model.line, endLine: model.line }).filter(
        (f) => f.title.startsWith('Add "# input:'),
      );
      if (fixes.length === 0) continue;
      const edited = applyEdit(source, fixes[0].edit);
      const after = analyze(edited, { file }).models.find((m) => m.name === model.name);
      assert.equal(after?.inputSource, 'comment', `${model.name}: ${fixes[0].title}`);
      if (model.inputSource !== 'symbolic') assert.deepEqual(after?.input, model.input);
    }
  });
}
