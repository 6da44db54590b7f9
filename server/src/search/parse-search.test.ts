import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { parseSearch } from './parse-search.js';

const defs = loadR4Definitions();
const parse = (q: string, lenient = false) => parseSearch('Observation', new URLSearchParams(q), defs, { lenient });

test('commas are OR within a criterion, repeats are AND; modifiers are kept', () => {
  const r = parse('code=a,b&code=c&subject:Patient=1&value-quantity:missing=true&_count=5&_total=accurate');
  assert.deepEqual(
    r.criteria.map((c) => (c.kind === 'param' ? [c.def.code, c.modifier, c.values] : c.kind)),
    [
      ['code', undefined, ['a', 'b']],
      ['code', undefined, ['c']],
      ['subject', 'Patient', ['1']],
      ['value-quantity', 'missing', ['true']],
    ],
  );
  assert.equal(r.count, 5);
  assert.equal(r.total, 'accurate');
});

test('an escaped comma is part of the value', () => {
  const [c] = parse('code=a\\,b').criteria;
  assert.ok(c.kind === 'param');
  assert.deepEqual(c.values, ['a,b']);
});

test('unknown parameters and modifiers, bad _count and :missing values are 400 naming the parameter', () => {
  for (const [q, name] of [
    ['subjekt=1', 'subjekt'],
    ['code:exact=1', 'code:exact'],
    ['_count=x', '_count'],
    ['code:missing=maybe', 'code:missing'],
    ['code=', 'code'],
  ]) {
    assert.throws(
      () => parse(q),
      (err: { status: number; outcome: { issue: { expression?: string[] }[] } }) =>
        err.status === 400 && err.outcome.issue[0].expression?.[0] === name,
      q,
    );
  }
});

test('lenient handling ignores unknown parameters and reports them', () => {
  const r = parse('subjekt=1&code=x', true);
  assert.deepEqual(r.ignored, ['subjekt']);
  assert.equal(r.criteria.length, 1);
});

test('chains parse against each possible target; _has against the referring type', () => {
  const [chain] = parse('subject.name=peter').criteria;
  assert.ok(chain.kind === 'chain');
  assert.ok(
    chain.targets.some((t) => t.type === 'Patient'),
    'Patient has name',
  );
  assert.ok(!chain.targets.some((t) => t.type === 'Device'), 'Device has no name parameter');
  const [typed] = parse('subject:Patient.organization.name=acme').criteria;
  assert.ok(typed.kind === 'chain' && typed.targets.length === 1 && typed.targets[0].criterion.kind === 'chain');
  const [has] = parseSearch('Patient', new URLSearchParams('_has:Observation:patient:code=1234'), defs).criteria;
  assert.ok(has.kind === 'has' && has.type === 'Observation' && has.param === 'patient');
});

test('broken chains and _has are 400 naming the parameter', () => {
  for (const q of [
    'status.name=x',
    'subject:Basic.name=x',
    'subject.nonsense=x',
    '_has:Observation:code:status=final',
    '_has:Nope:patient:code=x',
  ]) {
    assert.throws(
      () => parse(q),
      (err: { status: number; outcome: { issue: { expression?: string[] }[] } }) =>
        err.status === 400 && err.outcome.issue[0].expression?.[0] === q.split('=')[0],
      q,
    );
  }
});

test('_include and _revinclude parse with :iterate; bad ones are 400', () => {
  const r = parse('_include=Observation:subject:Patient&_revinclude:iterate=Provenance:target');
  assert.deepEqual(r.include, [{ sourceType: 'Observation', param: 'subject', targetType: 'Patient', iterate: false }]);
  assert.deepEqual(r.revinclude, [{ sourceType: 'Provenance', param: 'target', targetType: undefined, iterate: true }]);
  for (const q of [
    '_include=Observation',
    '_include=Observation:code',
    '_include=Observation:subject:Basic',
    '_include:deep=Observation:subject',
  ]) {
    assert.throws(
      () => parse(q),
      (err: { status: number }) => err.status === 400,
      q,
    );
  }
});

test('escapes (https://hl7.org/fhir/R4/search.html#escaping): \\, \\$ \\| \\\\ are the characters; a string value undoes them all', () => {
  const values = (type: string, q: string) => {
    const c = parseSearch(type, new URLSearchParams(q), defs).criteria[0];
    return c.kind === 'param' ? c.values : [];
  };
  assert.deepEqual(values('Patient', 'name=Doe\\,Jr,Roe'), ['Doe,Jr', 'Roe']);
  assert.deepEqual(values('Patient', 'name=a\\\\,b'), ['a\\', 'b'], 'an escaped backslash does not escape the comma');
  assert.deepEqual(values('Patient', 'name=a\\|b\\$c'), ['a|b$c']);
  assert.deepEqual(values('Patient', 'identifier=urn:x|a\\,b'), ['urn:x|a,b']);
  assert.deepEqual(values('Patient', 'identifier=a\\|b'), ['a\\|b'], 'a token keeps \\| for its own system|code parsing');
});
