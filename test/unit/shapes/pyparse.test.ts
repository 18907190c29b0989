// The fast parser (src/shapes/syntax/pyparse.ts) must give exactly lezer's tree or give up: checked on every
// corpus file, the bench's generated 5,000-line file, hand-picked constructs, and seeded random
// truncations and mutations of the corpus. It must also actually be used: the corpus has to take the
// fast path, or the speed-up would silently disappear behind the lezer fallback.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStats, plainTree } from '../../../src/shapes/syntax/lezer';
import type { SyntaxNode } from '../../../src/shapes/syntax/node';
import { fastParseStrict } from '../../../src/shapes/syntax/pyparse';
import { bigFile } from '../../../bench/shapes.bench';
import { uniformStream as rng } from '../../../src/training/rng';

type Dump = [string, number, number, Dump[]];
function dump(n: SyntaxNode): Dump {
  const kids: Dump[] = [];
  for (let c = n.firstChild; c; c = c.nextSibling) kids.push(dump(c));
  return [n.name, n.from, n.to, kids];
}

/** lezer's tree, as one parse of the whole text. */
function lezer(src: string): Dump {
  return dump(plainTree(src, Infinity, false));
}

const ROOT = join(__dirname, '..', '..', '..');
const DIRS = ['test/fixtures/shapes', 'test/fixtures/shapes/negative', 'examples'];
const corpus: { name: string; src: string }[] = DIRS.flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.py'))
    .map((f) => ({ name: `${d}/${f}`, src: readFileSync(join(ROOT, d, f), 'utf8') })),
);

/** Equal to lezer or null; returns whether the fast path answered. */
function check(src: string, label: string): boolean {
  const fast = fastParseStrict(src);
  if (!fast) return false;
  assert.deepEqual(dump(fast), lezer(src), label);
  return true;
}

describe('pyparse', () => {
  test('every corpus file: the fast path answers with lezer’s tree', () => {
    assert.ok(corpus.length >= 60, `corpus has ${corpus.length} files`);
    let hits = 0;
    for (const f of corpus) if (check(f.src, f.name)) hits++;
    // All corpus files are valid Python the parser mirrors; a drop means the fast path stopped working.
    assert.ok(
      hits >= corpus.length * 0.98,
      `fast path on ${hits} of ${corpus.length} corpus files`,
    );
  });

  test('the bench’s 5,000-line file: same tree as lezer, every chunk on the fast path', () => {
    const big = bigFile(5000);
    const before = { ...parseStats };
    const tree = dump(plainTree(big));
    const fast = parseStats.fast - before.fast;
    const slow = parseStats.lezer - before.lezer;
    assert.deepEqual(tree, dump(plainTree(big, undefined, false)));
    assert.ok(fast >= 20 && slow === 0, `chunks: ${fast} fast, ${slow} lezer`);
    check(big, 'bigFile whole');
  });

  test('constructs: the same tree as lezer, or a give-up where noted', () => {
    const same = [
      'import torch.nn as nn\nfrom . import x\nfrom ..a.b import (c, d as e,)\nfrom ... import y\nimport a.b, c\n',
      '@dec.a(1)  # c\nclass A(nn.Module):  # c\n    """doc"""\n    def __init__(self, a: int = 3, *args, **kw) -> None:\n        super().__init__()\n',
      'x = f"a{b!r:>{w}}\\n" "s"\ny += 1; z: int = 2\na, b = c[1:2, ::3], -d ** 2\n',
      "s = f'{a}{{b}}{c!r}{d=}{e:>10}{f:{g}.{h}}' b'\\x00\\n' r'\\d' rb'\\'' u'a' F'' Rf'{x}'\n",
      "t = '''a\\'''' + '\\N{DASH}\\u00e9\\o17\\1' + f'{a, b}' + f'{*a}' + f'{ a }' + f'{a:}'\n",
      'x = a*b@c/d%e//f**g + (a|b^c&d<<e>>f) + (a|b|c)\n',
      'y = not a and b\nz = a and not b or c\nw = a not in b is not c\nv = a < b <= c != d == e > f >= g\n',
      'f = lambda: 0\ng = lambda x, *a, y=2, **k: x\nh(lambda : 0, lambda  :0)\n',
      'f(x for x in y)\nf(a=1, *b, **c, d:=2)\ndef f(a, /, b, *, c): pass\n',
      'x = a if b else c if d else e\nx = [a for a in b if c if d]\nx = (x for x in y if z if w for a in b)\n',
      'x = {a: b, **c}\nx = {a, *b}\nx = {}\nx = {a: b for a in c}\nx = {a for a in c}\nx = [*a]\nx = ()\nx = (a,)\nx = (*a, b)\n',
      'a, *b = c\nfor a, b in c, d: pass\nwith a as b, c: pass\nx[()] = x[...]\nx = ...\nx: int\n',
      'try:\n  pass\nexcept E as e:\n  pass\nexcept (A, B):\n  pass\nexcept:\n  pass\nelse:\n  pass\nfinally:\n  pass\n',
      'if a:\n    x = 1\n# c\nelif b: pass\nelse:\n    y\nwhile x:\n    break\nelse:\n    continue\n',
      'def f():\n    # c0\n    x = 1  # c1\n\n    # c2\n  # c3\n# c4\n\nz = 1\n',
      'x = [\n  1,  # a\n  # b\n  2 # c\n  ] # d\n@a\n# c\ndef f(): pass\n',
      'del a, b[1]\nglobal a, b\nassert a, "m"\nraise A from b\nraise\nreturn\nreturn *a, b\n',
      'x = 0x1F + 1e-5 + .5 + 1_0j + 0o7 + 0b1 + 1.5e3\na.b.c = d\nx @= y\nx //= 2\nx **= 2\n',
      'if (a := 1): pass\nx = a is b\nx = a in b\nx = (1 +\n\n  # c\n 2)\n',
      'class A:\n\tx = 1\n        y = 2\n',
      'def f():\n    yield 1\n    yield from g()\n    x = yield a, *b\n    y = (yield c)\n',
      'x = 1 + \\\n    2\nprint(x)\nprint (x)\ntype(x)\ntype = 3\n',
      'def f():\n    x = 1',
      'def f():\n    x = 1\n    ',
      'x = 1  # c',
      '# only a comment\n\n',
      '',
      'x = """\nmulti\nline\n"""\n',
      'class A:\n    def f(self):\n        return 1\n    # trailing\n\n\n# after\n',
    ];
    for (const src of same)
      assert.ok(check(src, src), `fast path gave up on ${JSON.stringify(src)}`);
    // lezer parses these in ways the fast path does not mirror (or they are errors): it must give up.
    const giveUp = [
      'print x\n',
      'x = yield\n',
      'a := 1\n',
      'x = 1.\n',
      'x = "abc\n',
      'async def f(): await x\n',
      'match x:\n    case 1: pass\n',
      '  x = 1\n',
      'def f():\n    x = 1\n      ',
      'def f():\n    x = 1\n  ',
      'match = 1\n',
      'x = 1\r\ny = 2\r\n',
      'x = a <> b\n',
      'def f(:\n  pass\n',
      'x = (1,\n',
      'x = ×\n',
    ];
    for (const src of giveUp) assert.equal(fastParseStrict(src), null, JSON.stringify(src));
  });

  test('seeded truncations and mutations: lezer’s tree or a give-up, never another tree, never a throw', () => {
    const pieces = [
      '(',
      ')',
      '[',
      ']',
      '{',
      '}',
      ':',
      ',',
      '=',
      '"',
      "'",
      '"""',
      "f'{",
      '}',
      '\n',
      '\n    ',
      '    ',
      '\t',
      '#',
      '\\',
      '\\\n',
      'lambda',
      'if',
      'else',
      'not',
      'in',
      '.',
      '1.',
      '0x',
      '*',
      '**',
      '@',
      'yield',
      ';',
      ' ',
      'x',
      'é',
    ];
    const next = rng(20240611);
    let tried = 0;
    let answered = 0;
    for (const f of corpus) {
      const src = f.src;
      for (let k = 0; k < 12; k++) {
        const at = Math.floor(next() * (src.length + 1));
        let m: string;
        switch (k % 4) {
          case 0:
            m = src.slice(0, at);
            break;
          case 1: {
            const len = 1 + Math.floor(next() * 12);
            m = src.slice(0, at) + src.slice(at + len);
            break;
          }
          case 2:
            m = src.slice(0, at) + pieces[Math.floor(next() * pieces.length)] + src.slice(at);
            break;
          default: {
            // Move a line elsewhere (indentation and block structure change).
            const lines = src.split('\n');
            const i = Math.floor(next() * lines.length);
            const j = Math.floor(next() * lines.length);
            const [line] = lines.splice(i, 1);
            lines.splice(j, 0, line);
            m = lines.join('\n');
          }
        }
        tried++;
        if (check(m, `${f.name} mutation ${k} at ${at}`)) answered++;
      }
    }
    // Truncations at line ends and many moved lines stay valid; the fast path should take a fair share.
    assert.ok(answered > tried * 0.2, `fast path answered ${answered} of ${tried} mutations`);
  });
});
