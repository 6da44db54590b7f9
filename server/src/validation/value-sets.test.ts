// Value set expansion for bindings: listed, filtered, whole systems (held or not), nested, expanded; null only
// for what cannot be expanded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeSystem, ValueSet } from 'fhir/r4.js';
import { createCodeSets, inCodeSet } from './value-sets.js';

const cs: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'urn:cs',
  status: 'active',
  content: 'complete',
  concept: [{ code: 'a', concept: [{ code: 'a1' }] }, { code: 'b' }],
};
const sets: ValueSet[] = [
  {
    resourceType: 'ValueSet',
    url: 'urn:listed',
    status: 'active',
    compose: { include: [{ system: 'urn:x', concept: [{ code: '1' }, { code: '2' }] }] },
  },
  {
    resourceType: 'ValueSet',
    url: 'urn:whole',
    status: 'active',
    compose: { include: [{ system: 'urn:cs' }], exclude: [{ system: 'urn:cs', concept: [{ code: 'b' }] }] },
  },
  {
    resourceType: 'ValueSet',
    url: 'urn:filtered',
    status: 'active',
    compose: { include: [{ system: 'urn:cs', filter: [{ property: 'concept', op: 'is-a', value: 'a' }] }] },
  },
  { resourceType: 'ValueSet', url: 'urn:unknown-system', status: 'active', compose: { include: [{ system: 'http://loinc.org' }] } },
  {
    resourceType: 'ValueSet',
    url: 'urn:filter-unknown',
    status: 'active',
    compose: { include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '1' }] }] },
  },
  {
    resourceType: 'ValueSet',
    url: 'urn:nested',
    status: 'active',
    compose: { include: [{ valueSet: ['urn:listed'] }, { valueSet: ['urn:whole|1.0'] }] },
  },
  {
    resourceType: 'ValueSet',
    url: 'urn:expanded',
    status: 'active',
    expansion: { timestamp: '2026-01-01', contains: [{ system: 'urn:y', code: 'z', contains: [{ system: 'urn:y', code: 'z1' }] }] },
  },
];
const codeSet = createCodeSets({
  valueSet: (url) => sets.find((v) => v.url === url),
  codeSystem: (url) => (url === cs.url ? cs : undefined),
});
const holds = (url: string, ...pairs: string[]) => pairs.every((p) => inCodeSet(codeSet(url)!, p));
const lacks = (url: string, ...pairs: string[]) => pairs.every((p) => !inCodeSet(codeSet(url)!, p));

test('listed concepts, whole code systems (with nested concepts) minus exclusions, nested value sets, expansions', () => {
  assert.ok(holds('urn:listed', 'urn:x|1', 'urn:x|2') && lacks('urn:listed', 'urn:x|3', 'urn:y|1'));
  assert.ok(holds('urn:whole', 'urn:cs|a', 'urn:cs|a1') && lacks('urn:whole', 'urn:cs|b', 'urn:cs|zz'));
  assert.ok(holds('urn:nested', 'urn:cs|a', 'urn:cs|a1', 'urn:x|1', 'urn:x|2') && lacks('urn:nested', 'urn:cs|b'));
  assert.ok(holds('urn:expanded', 'urn:y|z', 'urn:y|z1') && lacks('urn:expanded', 'urn:y|q'));
});

test('filters over a code system held in full, and whole systems we do not hold', () => {
  assert.ok(holds('urn:filtered', 'urn:cs|a', 'urn:cs|a1') && lacks('urn:filtered', 'urn:cs|b'));
  assert.ok(holds('urn:unknown-system', 'http://loinc.org|72514-3') && lacks('urn:unknown-system', 'http://snomed.info/sct|1'));
});

test('a bare code (a code element) matches a code of any system in the set', () => {
  assert.ok(holds('urn:listed', '|1') && lacks('urn:listed', '|3'));
});

test('what cannot be expanded is null, so the binding is not checked', () => {
  assert.equal(codeSet('urn:filter-unknown'), null);
  assert.equal(codeSet('urn:no-such-value-set'), null);
});
