// Windows line endings. Python reads "\r\n" as "\n" (universal newlines), so a CRLF file must give
// exactly the analysis of the same file with LF endings, and through the fast parser: lezer's
// fallback is ten times slower on a long file.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from './strictAnalyze';
import { parseStats } from '../../../src/shapes/syntax/lezer';
import { bigFile } from '../../../bench/shapes.bench';

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'shapes');
const corpus = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.py'))
  .map((f) => ({ name: f, src: readFileSync(join(FIXTURES, f), 'utf8') }));

describe('CRLF line endings', () => {
  test('every corpus file gives the same result with CRLF as with LF endings', () => {
    assert.ok(corpus.length >= 40);
    for (const { name, src } of corpus) {
      const crlf = src.replace(/\n/g, '\r\n');
      assert.deepEqual(analyze(crlf, { file: name }), analyze(src, { file: name }), name);
    }
  });

  test('a long CRLF file is parsed by the fast parser, not lezer', () => {
    const big = bigFile(5000).replace(/\n/g, '\r\n');
    const before = { ...parseStats };
    const r = analyze(big);
    assert.ok(r.models.length > 100);
    assert.equal(parseStats.lezer, before.lezer, 'no piece fell back to lezer');
    assert.ok(parseStats.fast > before.fast);
  });

  test('mixed endings and a lone carriage return still give the LF result where Python reads them alike', () => {
    const src = corpus.find((c) => c.name === 'mnist_net.py')?.src ?? corpus[0].src;
    const lines = src.split('\n');
    const mixed = lines
      .map((l, i) => l + (i % 2 ? '\r\n' : '\n'))
      .join('')
      .slice(0, -1);
    assert.deepEqual(analyze(mixed).models, analyze(src).models);
    // A lone \r is a line end to Python too; it is left to lezer, and must not throw.
    const old = analyze(src.replace(/\n/g, '\r'));
    assert.ok(Array.isArray(old.models));
  });
});
