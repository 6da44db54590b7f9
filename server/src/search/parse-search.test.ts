import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { parseSearch } from './parse-search.js';

const defs = loadR4Definitions();
const parse = (q: string, lenient = false) => parseSearch('Observation', new URLSearchParams(q), defs, { lenient });

test('commas are OR within a criterion, repeats are AND; modifiers are kept', () => {
  const r = parse('code=a,b&code=c&subject:Patient=1&value-quantity:missing=true&_count=5&_total=accurate');
  assert.deepEqual(r.criteria.map((c) => [c.def.code, c.modifier, c.values]), [
    ['code', undefined, ['a', 'b']],
    ['code', undefined, ['c']],
    ['subject', 'Patient', ['1']],
    ['value-quantity', 'missing', ['true']],
  ]);
  assert.equal(r.count, 5);
  assert.equal(r.total, 'accurate');
});

test('an escaped comma is part of the value', () => {
  assert.deepEqual(parse('code=a\\,b').criteria[0].values, ['a,b']);
});

test('unknown parameters and modifiers, bad _count and :missing values are 400 naming the parameter', () => {
  for (const [q, name] of [['subjekt=1', 'subjekt'], ['code:exact=1', 'code:exact'], ['_count=x', '_count'], ['code:missing=maybe', 'code:missing'], ['code=', 'code']]) {
    assert.throws(() => parse(q), (err: { status: number; outcome: { issue: { expression?: string[] }[] } }) =>
      err.status === 400 && err.outcome.issue[0].expression?.[0] === name, q);
  }
});

test('lenient handling ignores unknown parameters and reports them', () => {
  const r = parse('subjekt=1&code=x', true);
  assert.deepEqual(r.ignored, ['subjekt']);
  assert.equal(r.criteria.length, 1);
});
