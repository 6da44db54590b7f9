// Set algebra over code sets, including whole code systems that are never listed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codesOf, hasCode, intersect, subtract, union, wholeSystem } from './code-set.js';

const A = 'http://a';
const B = 'http://b';

test('union keeps every code of both sides, and a whole system swallows listed codes', () => {
  const u = union(codesOf(A, ['1', '2']), codesOf(B, ['x']));
  assert.ok(hasCode(u, A, '1') && hasCode(u, A, '2') && hasCode(u, B, 'x'));
  assert.ok(!hasCode(u, A, '3'));
  const whole = union(subtract(wholeSystem(A), codesOf(A, ['1', '2'])), codesOf(A, ['1']));
  assert.ok(hasCode(whole, A, '1'), 'a code one side lists is back in');
  assert.ok(!hasCode(whole, A, '2'), 'a code excluded by one side and absent from the other stays out');
  assert.ok(hasCode(whole, A, 'anything'));
});

test('intersection of a whole system with a list is the list; systems not on both sides vanish', () => {
  const i = intersect(wholeSystem(A), codesOf(A, ['1', '2']));
  assert.ok(hasCode(i, A, '1') && !hasCode(i, A, '9'));
  assert.equal(intersect(codesOf(A, ['1']), codesOf(B, ['1'])).size, 0);
});

test('subtraction from a whole system excludes, from a list removes', () => {
  const s = subtract(wholeSystem(A), codesOf(A, ['1']));
  assert.ok(!hasCode(s, A, '1') && hasCode(s, A, '2'));
  assert.deepEqual([...subtract(codesOf(A, ['1', '2']), codesOf(A, ['2'])).get(A)!.codes], ['1']);
  const left = subtract(subtract(wholeSystem(A), codesOf(A, ['1'])), subtract(wholeSystem(A), codesOf(A, ['1', '2'])));
  assert.ok(hasCode(left, A, '2') && !hasCode(left, A, '1') && !hasCode(left, A, '3'));
});
