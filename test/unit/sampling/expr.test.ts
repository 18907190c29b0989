// The density compiler: whitelist, one-line errors with columns, precedence, gradients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileDensity, ExprError } from '../../../src/sampling/expr';
import { checkExpression } from '../../../src/sampling';

test('the whitelist rejects code, member access, definitions, matrices, strings and assignment', () => {
  const bad: [string, RegExp][] = [
    ['constructor', /unknown name 'constructor'/],
    ['x.constructor', /property access/],
    ['import(x)', /function 'import' is not allowed/],
    ['import("fs")', /function 'import' is not allowed/],
    ['f(x)=x', /assignments and definitions/],
    ['[1,2]', /matrices/],
    ['evaluate("1")', /function 'evaluate' is not allowed/],
    ['parse("x")', /function 'parse' is not allowed/],
    ['"abc"', /strings are not allowed/],
    ['x + "1"', /strings are not allowed/],
    ['a = 1', /assignments/],
    ['x = 2', /assignments/],
    ['x ? 1 : 2', /conditionals/],
    ['x!', /operator '!'/],
    ['exp(x).foo', /property access/],
    ['{a: 1}', /objects/],
    ['x; 1', /one expression/],
    ['createUnit("foo")', /not allowed/],
    ['z * x', /unknown name 'z'/],
  ];
  for (const [text, re] of bad) {
    assert.throws(
      () => compileDensity(text),
      (e: unknown) => e instanceof ExprError && re.test(e.message) && !e.message.includes('\n'),
      text,
    );
    const c = checkExpression(text);
    assert.equal(c.ok, false, text);
  }
});

test('errors carry the 1-based column of the offending text', () => {
  assert.equal(checkExpression('x.constructor').column, 2);
  assert.equal(checkExpression('exp(-x^2) * foo(x)').column, 13);
  assert.equal(checkExpression('2*x + ').column, 7);
  assert.match(checkExpression('exp(-x').error ?? '', /column 7/);
});

test('dims: x alone is 1-D, x and y is 2-D, y alone or a constant is an error', () => {
  assert.deepEqual(checkExpression('exp(-x^2/2) * (1 + sin(3x)^2)'), { ok: true, dims: 1 });
  assert.deepEqual(checkExpression('exp(-(x^2/2 + (y - x^2)^2))'), { ok: true, dims: 2 });
  assert.equal(checkExpression('exp(-y^2)').ok, false);
  assert.equal(checkExpression('3').ok, false);
  assert.equal(checkExpression('').ok, false);
});

test('mathematical precedence: -x^2 is -(x^2), 3x is 3*x, pi and e are constants', () => {
  const d = compileDensity('exp(-x^2/2)');
  assert.equal(d.f(2, 0), Math.exp(-2));
  const k = compileDensity('3x + 2 pi + e');
  assert.equal(k.f(1, 0), 3 + 2 * Math.PI + Math.E);
  const p = compileDensity('2^3^2 * x');
  assert.equal(p.f(1, 0), 512);
});

test('the compiled closure, log-density and symbolic gradient agree with hand-written versions', () => {
  const d = compileDensity('exp(-x^2/2) * (1 + sin(3x)^2)');
  assert.equal(d.symbolicGradient, true);
  for (const x of [-3.1, -0.7, 0, 0.4, 2.5]) {
    const s = Math.sin(3 * x);
    const f = Math.exp((-x * x) / 2) * (1 + s * s);
    assert.ok(Math.abs(d.f(x, 0) - f) < 1e-15 * Math.max(1, f));
    assert.ok(Math.abs(d.logf(x, 0) - Math.log(f)) < 1e-13);
    // d/dx log f = −x + 6 sin(3x) cos(3x) / (1 + sin²(3x))
    const g = -x + (6 * s * Math.cos(3 * x)) / (1 + s * s);
    assert.ok(Math.abs(d.dlogfdx(x, 0) - g) < 1e-12, `gradient at ${x}`);
  }
  // Far tails: log f is built symbolically, so it does not underflow where f does.
  assert.equal(d.f(60, 0), 0);
  assert.ok(Math.abs(d.logf(60, 0) - (-1800 + Math.log(1 + Math.sin(180) ** 2))) < 1e-9);
});

test('log-density input and 2-D gradients', () => {
  const d = compileDensity('-(x^2/2 + (y - x^2)^2)', true);
  assert.equal(d.dims, 2);
  const [x, y] = [0.7, -0.3];
  assert.ok(Math.abs(d.f(x, y) - Math.exp(-((x * x) / 2 + (y - x * x) ** 2))) < 1e-15);
  assert.ok(Math.abs(d.dlogfdx(x, y) - (-x + 4 * x * (y - x * x))) < 1e-12);
  assert.ok(Math.abs(d.dlogfdy(x, y) - -2 * (y - x * x)) < 1e-12);
});

test('functions mathjs cannot differentiate fall back to central differences', () => {
  const d = compileDensity('exp(-x^2) * (1 + erf(x))');
  assert.equal(d.symbolicGradient, false);
  // d/dx log f = −2x + (2/√π)e^{−x²}/(1 + erf x); erf(0.37) = 0.399205984 (scipy.special.erf).
  const x = 0.37;
  const g = -2 * x + ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x)) / (1 + 0.399205984043);
  assert.ok(Math.abs(d.dlogfdx(x, 0) - g) < 1e-6, `${d.dlogfdx(x, 0)} vs ${g}`);
});
