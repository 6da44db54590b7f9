// Exact decimal texts: which tokens keep their text, that they survive copies, and that a changed value drops it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findExactNumbers } from './exact-number-scan.js';
import { cloneExact, copyExact, parseExact, stringifyExact } from './exact-numbers.js';

test('only numbers JSON.stringify would alter are found, with their paths; numbers inside strings are not', () => {
  const text = '{"a":[1,1.50,{"b\\"c":-0}],"d":"x: 1.50, y","e":1e2,"f":0.0000001,"g":7.2,"h":13.698770017429103}';
  assert.deepEqual(findExactNumbers(text), [
    { path: ['a', 1], text: '1.50' },
    { path: ['a', 2, 'b"c'], text: '-0' },
    { path: ['e'], text: '1e2' },
    { path: ['f'], text: '0.0000001' },
  ]);
});

test('parse then stringify gives the text back; plain JSON.stringify and a changed value give plain numbers', () => {
  const text = '{"q":{"value":1.50,"unit":"mg"},"list":[0.000001230,12345678901234567890.123]}';
  const value = parseExact<{ q: { value: number }; list: number[] }>(text);
  assert.equal(stringifyExact(value), text);
  assert.equal(stringifyExact(cloneExact(value)), text);
  assert.equal(JSON.stringify(value), '{"q":{"value":1.5,"unit":"mg"},"list":[0.00000123,12345678901234567000]}');
  assert.equal(stringifyExact(copyExact(value.q, { ...value.q })), '{"value":1.50,"unit":"mg"}');
  value.q.value = 2;
  assert.equal(stringifyExact(value.q), '{"value":2,"unit":"mg"}');
  assert.equal(stringifyExact(value, 2).includes('0.000001230'), true);
});
