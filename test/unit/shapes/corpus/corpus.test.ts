// The shape engine against real PyTorch: every model of every corpus fixture, layer by layer.
// The expected JSON is recorded by `/usr/bin/python3 scripts/record-shapes.py` (forward hooks in
// PyTorch); the rules it follows, and what is compared, are in test/fixtures/shapes/README.md.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../strictAnalyze';
import type { AnalysisResult, LayerResult, ModelResult, Shape } from '../../../../src/shapes/types';

const ROOT = join(__dirname, '..', '..', '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'shapes');
const EXPECTED = join(FIXTURES, 'expected');
const NEGATIVE = join(FIXTURES, 'negative');

interface ExpectedLayer {
  line: number;
  name: string;
  type: string;
  input: Shape;
  output: Shape;
  params: number;
  /** Where the module was constructed (informative, not compared). */
  defLine?: number;
}

interface ExpectedModel {
  name: string;
  line: number;
  input: Shape[];
  output: Shape;
  /** Every tensor the forward returns, when it returns a tuple. */
  outputs?: Shape[];
  params: number;
  layers: ExpectedLayer[];
}

interface ExpectedFile {
  file: string;
  models: ExpectedModel[];
}

interface ExpectedError {
  error: string;
  line: number;
  expectedValue?: number;
  callLine?: number;
}

function fixtures(dir: string): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.py'))
        .sort()
    : [];
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

const fmt = (s: Shape | undefined): string =>
  s === undefined ? 'undefined' : s === null ? 'unknown' : `[${s.join(', ')}]`;

/** One comparable line per layer; the assertion diff then points at the first layer that differs. */
function layerRow(l: ExpectedLayer | LayerResult): string {
  return `line ${l.line}  ${l.name}  ${l.type}  ${fmt(l.input)} -> ${fmt(l.output)}  params ${l.params}`;
}

function modelRow(m: ExpectedModel | ModelResult): string {
  const outputs = m.outputs ? `  outputs ${m.outputs.map(fmt).join(' ')}` : '';
  return `line ${m.line}  input ${m.input.map(fmt).join(' ')}  output ${fmt(m.output)}  params ${m.params}${outputs}`;
}

function analyzeFile(path: string, rel: string): AnalysisResult {
  return analyze(readFileSync(path, 'utf8'), { file: rel });
}

describe('shape corpus: every layer of every model agrees with PyTorch', () => {
  const files = fixtures(FIXTURES);
  test('the corpus holds at least 40 model files, each with recorded expectations', () => {
    assert.ok(files.length >= 40, `${files.length} fixtures`);
    for (const f of files)
      assert.ok(
        existsSync(join(EXPECTED, f.replace(/\.py$/, '.json'))),
        `expected/${f} is recorded`,
      );
  });

  for (const f of files) {
    test(f, () => {
      const expected = readJson<ExpectedFile>(join(EXPECTED, f.replace(/\.py$/, '.json')));
      const result = analyzeFile(join(FIXTURES, f), expected.file);
      for (const em of expected.models) {
        const found = result.models.filter((m) => m.name === em.name);
        assert.equal(
          found.length,
          1,
          `${f}: one model named ${em.name} (engine has: ${result.models.map((m) => m.name).join(', ') || 'none'})`,
        );
        const am = found[0];
        const want = { model: modelRow(em), layers: em.layers.map(layerRow) };
        const got = {
          // `outputs` is compared only where PyTorch's forward returned a tuple.
          model: modelRow(em.outputs ? am : { ...am, outputs: undefined }),
          layers: am.layers.filter((l) => !l.functional).map(layerRow),
        };
        assert.deepEqual(got, want, `${f}: model ${em.name}`);
      }
      // PyTorch runs every model here without an exception, so an error diagnostic is a false alarm.
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      assert.deepEqual(
        errors.map((d) => `line ${d.line}: ${d.code}: ${d.message}`),
        [],
        `${f}: no error diagnostics on code PyTorch runs`,
      );
    });
  }
});

describe('shape corpus: a half-typed model at the end leaves the models above it intact', () => {
  // The file is cut just above its last model's `# input:` comment and a class typed halfway is
  // appended; every model above the cut must still come out exactly as PyTorch has it.
  const HALF_TYPED = [
    '# input: (1, 3, 32, 32)',
    'class HalfTyped(nn.Module):',
    '    def __init__(self):',
    '        super().__init__()',
    '        self.conv = nn.Conv2d(3, 16, kernel_size=3, padd',
  ].join('\n');
  for (const f of fixtures(FIXTURES)) {
    const expected = readJson<ExpectedFile>(join(EXPECTED, f.replace(/\.py$/, '.json')));
    const source = readFileSync(join(FIXTURES, f), 'utf8');
    const last = expected.models[expected.models.length - 1];
    const lines = source.split('\n');
    const commentLine = last.line - 1;
    const above = expected.models.filter((m) => m.line < commentLine);
    if (above.length === 0 || !/^\s*#\s*input:/.test(lines[commentLine - 1] ?? '')) continue;
    test(f, () => {
      const cut = lines.slice(0, commentLine - 1).join('\n') + '\n\n' + HALF_TYPED;
      const result = analyze(cut, { file: expected.file });
      for (const em of above) {
        const found = result.models.filter((m) => m.name === em.name);
        assert.equal(found.length, 1, `${f}: one model named ${em.name}`);
        const am = found[0];
        const want = { model: modelRow(em), layers: em.layers.map(layerRow) };
        const got = {
          model: modelRow(em.outputs ? am : { ...am, outputs: undefined }),
          layers: am.layers.filter((l) => !l.functional).map(layerRow),
        };
        assert.deepEqual(got, want, `${f}: model ${em.name} above the half-typed one`);
      }
    });
  }
});

describe('shape corpus: negative fixtures get an error where PyTorch raises', () => {
  for (const f of fixtures(NEGATIVE)) {
    test(f, () => {
      const expected = readJson<ExpectedError>(
        join(EXPECTED, 'negative', f.replace(/\.py$/, '.json')),
      );
      const result = analyzeFile(join(NEGATIVE, f), `test/fixtures/shapes/negative/${f}`);
      const all = result.diagnostics.map(
        (d) =>
          `${d.severity} line ${d.line}: ${d.code}: ${d.message}${d.fix ? ` [fix: ${d.fix.newText}]` : ''}`,
      );
      const here = result.diagnostics.filter(
        (d) => d.severity === 'error' && d.line === expected.line,
      );
      assert.ok(
        here.length > 0,
        `${f}: an error on line ${expected.line} (PyTorch: "${expected.error}"); the engine reported:\n  ${all.join('\n  ') || 'nothing'}`,
      );
      if (expected.expectedValue !== undefined) {
        const value = String(expected.expectedValue);
        const token = new RegExp(`(^|[^0-9.])${value}([^0-9.]|$)`);
        const fixed = here.filter((d) => d.fix !== undefined && token.test(d.fix.newText));
        assert.ok(
          fixed.length > 0,
          `${f}: the error on line ${expected.line} carries a fix with ${value}; the engine reported:\n  ${all.join('\n  ')}`,
        );
      }
    });
  }
});
