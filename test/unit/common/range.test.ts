// The panel and the CLI read a typed range with one parser, so text one accepts the other accepts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isRangePair, parseRange } from '../../../src/common/range';

test('ranges the user types in either front end', () => {
  assert.deepEqual(parseRange('0, inf'), [0, Infinity]);
  assert.deepEqual(parseRange('-inf,0'), [-Infinity, 0]);
  assert.deepEqual(parseRange('[-3, 3]'), [-3, 3]);
  assert.deepEqual(parseRange('(-1..1)'), [-1, 1]);
  assert.deepEqual(parseRange('0 1e-3'), [0, 0.001]);
  assert.deepEqual(parseRange('-Infinity, +Infinity'), [-Infinity, Infinity]);
});

test('empty is no range; anything else malformed is rejected, never guessed', () => {
  assert.equal(parseRange('   '), null);
  for (const bad of [
    '1',
    '1,2,3',
    '2, 1',
    '1, 1',
    'a, b',
    'inf, inf',
    '0x1, 2',
    '1e, 2',
    'nan, 1',
  ]) {
    assert.equal(parseRange(bad), undefined, bad);
  }
});

test('a request range may be a half-line, but never NaN or reversed', () => {
  assert.ok(isRangePair([0, Infinity]));
  assert.ok(!isRangePair([NaN, 1]));
  assert.ok(!isRangePair([1, 0]));
  assert.ok(!isRangePair([0]));
});
