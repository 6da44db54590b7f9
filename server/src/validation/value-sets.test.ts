// Value set expansion for bindings: what can be enumerated is, what cannot (filters, systems we lack) is null.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeSystem, ValueSet } from 'fhir/r4.js';
import { createCodeSets } from './value-sets.js';

const cs: CodeSystem = {
  resourceType: 'CodeSystem', url: 'urn:cs', status: 'active', content: 'complete',
  concept: [{ code: 'a', concept: [{ code: 'a1' }] }, { code: 'b' }],
};
const sets: ValueSet[] = [
  { resourceType: 'ValueSet', url: 'urn:listed', status: 'active', compose: { include: [{ system: 'urn:x', concept: [{ code: '1' }, { code: '2' }] }] } },
  { resourceType: 'ValueSet', url: 'urn:whole', status: 'active', compose: { include: [{ system: 'urn:cs' }], exclude: [{ system: 'urn:cs', concept: [{ code: 'b' }] }] } },
  { resourceType: 'ValueSet', url: 'urn:filtered', status: 'active', compose: { include: [{ system: 'urn:cs', filter: [{ property: 'concept', op: 'is-a', value: 'a' }] }] } },
  { resourceType: 'ValueSet', url: 'urn:unknown-system', status: 'active', compose: { include: [{ system: 'http://loinc.org' }] } },
  { resourceType: 'ValueSet', url: 'urn:nested', status: 'active', compose: { include: [{ valueSet: ['urn:listed'] }, { valueSet: ['urn:whole'] }] } },
  { resourceType: 'ValueSet', url: 'urn:expanded', status: 'active', expansion: { timestamp: '2026-01-01', contains: [{ system: 'urn:y', code: 'z', contains: [{ system: 'urn:y', code: 'z1' }] }] } },
];
const codeSet = createCodeSets({ valueSet: (url) => sets.find((v) => v.url === url), codeSystem: (url) => (url === cs.url ? cs : undefined) });

test('listed concepts, whole code systems (with their nested concepts) minus exclusions, nested value sets, expansions', () => {
  assert.deepEqual([...codeSet('urn:listed')!.pairs], ['urn:x|1', 'urn:x|2']);
  assert.deepEqual([...codeSet('urn:whole')!.pairs].sort(), ['urn:cs|a', 'urn:cs|a1']);
  assert.deepEqual([...codeSet('urn:whole')!.codes].sort(), ['a', 'a1']);
  assert.deepEqual([...codeSet('urn:nested')!.pairs].sort(), ['urn:cs|a', 'urn:cs|a1', 'urn:x|1', 'urn:x|2']);
  assert.deepEqual([...codeSet('urn:expanded')!.pairs], ['urn:y|z', 'urn:y|z1']);
});

test('what cannot be enumerated is null, so the binding is not checked', () => {
  assert.equal(codeSet('urn:filtered'), null);
  assert.equal(codeSet('urn:unknown-system'), null);
  assert.equal(codeSet('urn:no-such-value-set'), null);
});
