// The inlay-hint provider formats only the lines VS Code asks for (lineHintsIn, definitionHintsIn):
// for any range, in any order of requests, it must give exactly the hints of the whole-file functions
// on those lines, on real analyses (every example and shape fixture, and one file holding them all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../../src/shapes';
import type { AnalysisResult } from '../../../src/shapes/types';
import { definitionHints, definitionHintsIn } from '../../../src/editor/definitions';
import { lineHints, lineHintsIn, linesWithin, type LineHint } from '../../../src/editor/format';
import { ROOT } from './examples';

function pyFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => join(ROOT, dir, f));
}

const files = [...pyFiles('examples'), ...pyFiles('test/fixtures/shapes')];

function within(hints: LineHint[], first: number, last: number): LineHint[] {
  return hints.filter((h) => h.line >= first && h.line <= last);
}

/** Windows as an editor asks for them: scrolling down in screens, then a jump back, then all. */
function windows(lineCount: number): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 1; a <= lineCount; a += 37) out.push([a, a + 45]);
  out.push([Math.floor(lineCount / 3), Math.floor(lineCount / 2)], [1, lineCount], [0, 0]);
  return out;
}

function checkSlices(result: AnalysisResult, lineCount: number, where: string): void {
  // Sliced first, so each line's hint is computed by the sliced path before the whole-file one.
  const sliced = windows(lineCount).map(([a, b]) => ({
    a,
    b,
    calls: lineHintsIn(result, a, b),
    defs: definitionHintsIn(result, a, b),
  }));
  const calls = lineHints(result);
  const defs = definitionHints(result);
  for (const s of sliced) {
    assert.deepEqual(s.calls, within(calls, s.a, s.b), `${where}: call hints ${s.a}–${s.b}`);
    assert.deepEqual(s.defs, within(defs, s.a, s.b), `${where}: definition hints ${s.a}–${s.b}`);
  }
}

test('linesWithin bisects ascending lines, both ends included', () => {
  const lines = [2, 5, 9, 14];
  assert.deepEqual(linesWithin(lines, 1, 1), []);
  assert.deepEqual(linesWithin(lines, 2, 9), [2, 5, 9]);
  assert.deepEqual(linesWithin(lines, 3, 13), [5, 9]);
  assert.deepEqual(linesWithin(lines, 14, 99), [14]);
  assert.deepEqual(linesWithin(lines, 15, 99), []);
  assert.deepEqual(linesWithin([], 1, 9), []);
});

test('hints of a range are the whole-file hints on its lines, on every corpus file', () => {
  assert.ok(files.length >= 20);
  let withDefs = 0;
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    const result = analyze(source, { file });
    if (definitionHints(analyze(source, { file })).length > 0) withDefs++;
    checkSlices(result, source.split('\n').length, file);
  }
  // Definition hints are exercised, not only call hints.
  assert.ok(withDefs >= 10, `${withDefs} files with definition hints`);
});

test('hints of a range on one long file holding the whole corpus', () => {
  const source = files.map((f) => readFileSync(f, 'utf8')).join('\n\n');
  const result = analyze(source, { file: 'all.py', budget: { timeMs: 60_000 } });
  const lineCount = source.split('\n').length;
  assert.ok(lineCount > 3000, `${lineCount} lines`);
  assert.ok(lineHints(result).length > 500);
  checkSlices(result, lineCount, 'all.py');
});
