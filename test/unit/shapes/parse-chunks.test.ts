// Long files are parsed in pieces split at top-level `class`/`def` lines; the joined tree must be the
// tree one lezer parse of the whole file gives (whether each piece went through pyparse or lezer),
// and a split inside a string or brackets must fall back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stmt } from '../../../src/shapes/syntax/ast';
import { plainTree } from '../../../src/shapes/syntax/lezer';
import { Converter, parseFile } from '../../../src/shapes/syntax/lower';
import type { SyntaxNode } from '../../../src/shapes/syntax/node';

type Dump = [string, number, number, Dump[]];
function dump(n: SyntaxNode): Dump {
  const kids: Dump[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) kids.push(dump(c));
  return [n.name, n.from, n.to, kids];
}

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'shapes');

/** The statements of one lezer parse of the whole text, converted the way parseFile converts. */
function oneParseStatements(src: string): Stmt[] {
  const conv = new Converter(src);
  const out: Stmt[] = [];
  for (let c = plainTree(src, Infinity, false).firstChild; c; c = c.nextSibling) {
    try {
      conv.stmtInto(c, out);
    } catch {
      // skipped, as parseFile skips it
    }
  }
  return out;
}

describe('chunked parse', () => {
  test('every corpus file gives the same tree in pieces as in one parse', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.py'));
    assert.ok(files.length > 0);
    const all = files.map((f) => readFileSync(join(FIXTURES, f), 'utf8'));
    for (const src of [...all, all.join('\n')]) {
      const whole = dump(plainTree(src, Infinity, false));
      for (const size of [1, 300, 2000]) assert.deepEqual(dump(plainTree(src, size)), whole);
    }
  });

  test('splits inside strings, brackets, decorators or errors keep the one-parse tree', () => {
    const cases = [
      'x = """\nclass A:\n  pass\n"""\nclass B:\n    def f(self):\n        return 1\n\ndef g():\n    pass\n',
      'y = foo(\nclass A:\n  pass\n)\nclass B:\n  pass\n',
      '@dec\nclass A:\n  pass\n@dec2\ndef f(): pass\nclass C(nn.Module):\n  def forward(self, x):\n    return x\n  \n',
      'class A:\n  def f(self):\n    x = (1,\n2)\n\n# comment\nclass B: pass\ndef h(:\n  pass\nclass D: pass',
      'x = 1 + \\\n2\nclass A: pass\ndef a():\n\n    \n  return 1\n  # trailing\n\nclass Q: pass\n',
    ];
    for (const src of cases)
      assert.deepEqual(dump(plainTree(src, 1)), dump(plainTree(src, Infinity, false)));
  });

  test('parseFile converts a long file piece by piece into the statements of one whole-file parse', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.py'));
    const src = files.map((f) => readFileSync(join(FIXTURES, f), 'utf8')).join('\n');
    assert.ok(src.length > 20000, 'long enough to be cut into pieces');
    const expected = oneParseStatements(src);
    assert.ok(expected.length > 100);
    assert.deepEqual(parseFile(src).stmts, expected);
    // A piece pyparse gives up on (a syntax error at the end) sends the file down the whole-file path.
    const broken = src + '\ndef h(:\n  pass\n';
    assert.deepEqual(parseFile(broken).stmts, oneParseStatements(broken));
  });
});
