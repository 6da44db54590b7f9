// Tests of ValueSet expansion from the guide's own code systems and value sets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeSystem, ValueSet } from 'fhir/r4.js';
import { expandValueSet } from './expand-valueset.js';

const cs: CodeSystem = {
  resourceType: 'CodeSystem', url: 'https://x/cs', status: 'active', content: 'complete',
  concept: [{ code: 'a', display: 'A', concept: [{ code: 'a1', display: 'A one' }] }, { code: 'b', display: 'B' }],
};
const vs = (compose: ValueSet['compose'], url = 'https://x/vs'): ValueSet => ({ resourceType: 'ValueSet', url, status: 'active', compose });
const other = vs({ include: [{ system: 'https://x/cs', concept: [{ code: 'a1' }, { code: 'b' }] }] }, 'https://x/other');
const sources = {
  codeSystem: (u: string) => (u === cs.url ? cs : undefined),
  valueSet: (u: string) => (u === other.url ? other : undefined),
};
const TS = '2026-12-01T00:00:00Z';
const codes = (v: ValueSet) => v.expansion!.contains!.map((c) => `${c.system}|${c.code}|${c.display ?? ''}`);

test('a whole code system expands to all its concepts, nested ones included, with a fixed timestamp and total', () => {
  const out = expandValueSet(vs({ include: [{ system: 'https://x/cs' }] }), sources, TS);
  assert.deepEqual(codes(out), ['https://x/cs|a|A', 'https://x/cs|a1|A one', 'https://x/cs|b|B']);
  assert.equal(out.expansion!.timestamp, TS);
  assert.equal(out.expansion!.total, 3);
  assert.deepEqual(out.expansion!.parameter, [{ name: 'used-codesystem', valueUri: 'https://x/cs' }]);
  assert.deepEqual(out.compose, vs({ include: [{ system: 'https://x/cs' }] }).compose, 'the definition stays');
});

test('enumerated concepts keep their order and take the display from the code system when they have none', () => {
  const out = expandValueSet(vs({ include: [
    { system: 'http://snomed.info/sct', concept: [{ code: '45048000', display: 'Neck structure' }] },
    { system: 'https://x/cs', concept: [{ code: 'b' }] },
  ] }), sources, TS);
  assert.deepEqual(codes(out), ['http://snomed.info/sct|45048000|Neck structure', 'https://x/cs|b|B']);
});

test('included value sets and excludes', () => {
  assert.deepEqual(codes(expandValueSet(vs({ include: [{ valueSet: ['https://x/other'] }] }), sources, TS)), ['https://x/cs|a1|A one', 'https://x/cs|b|B']);
  const excluded = expandValueSet(vs({ include: [{ system: 'https://x/cs' }], exclude: [{ system: 'https://x/cs', concept: [{ code: 'a1' }] }] }), sources, TS);
  assert.deepEqual(codes(excluded), ['https://x/cs|a|A', 'https://x/cs|b|B']);
});

test('what needs a terminology server is refused, naming the value set', () => {
  assert.throws(() => expandValueSet(vs({ include: [{ system: 'http://snomed.info/sct', filter: [{ property: 'concept', op: 'is-a', value: '123037004' }] }] }), sources, TS), /https:\/\/x\/vs: filters/);
  assert.throws(() => expandValueSet(vs({ include: [{ system: 'http://loinc.org' }] }), sources, TS), /whole of http:\/\/loinc.org/);
  assert.throws(() => expandValueSet(vs({ include: [{ valueSet: ['https://x/missing'] }] }), sources, TS), /x\/missing is unknown/);
});
