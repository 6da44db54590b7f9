// Tests of ValueSet.expansion (the IG build's and $expand's): order, displays, filter, paging, and what cannot be listed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CodeSystem, ValueSet } from 'fhir/r4.js';
import { definitionSource, TerminologyError } from './expand-value-set.js';
import { ExpansionTooCostly, expansionOf } from './expansion.js';

const cs: CodeSystem = {
  resourceType: 'CodeSystem',
  url: 'https://x/cs',
  status: 'active',
  content: 'complete',
  concept: [
    { code: 'a', display: 'A', concept: [{ code: 'a1', display: 'A one' }] },
    { code: 'b', display: 'B' },
    { code: 'old', display: 'Old one', property: [{ code: 'status', valueCode: 'retired' }] },
  ],
};
const vs = (compose: ValueSet['compose'], url = 'https://x/vs'): ValueSet => ({ resourceType: 'ValueSet', url, status: 'active', compose });
const other = vs({ include: [{ system: 'https://x/cs', concept: [{ code: 'a1' }, { code: 'b' }] }] }, 'https://x/other');
const sources = definitionSource(
  (u) => (u === other.url ? other : undefined),
  (u) => (u === cs.url ? cs : undefined),
);
const timestamp = '2026-12-01T00:00:00Z';
const codes = (v: ValueSet) => v.expansion!.contains!.map((c) => `${c.system}|${c.code}|${c.display ?? ''}`);
const whole = vs({ include: [{ system: 'https://x/cs' }] });

test('a whole code system expands to all its concepts, nested ones after their parent, with a fixed timestamp and total', () => {
  const out = expansionOf(whole, sources, { timestamp });
  assert.deepEqual(codes(out), ['https://x/cs|a|A', 'https://x/cs|a1|A one', 'https://x/cs|b|B', 'https://x/cs|old|Old one']);
  assert.equal(out.expansion!.timestamp, timestamp);
  assert.equal(out.expansion!.total, 4);
  assert.deepEqual(out.expansion!.parameter, [{ name: 'used-codesystem', valueUri: 'https://x/cs' }]);
  assert.deepEqual(out.compose, whole.compose, 'the definition stays');
  assert.equal(out.expansion!.contains![3].inactive, true, 'a retired concept is marked inactive');
});

test('enumerated concepts keep their order and take the display from the code system when they have none', () => {
  const out = expansionOf(
    vs({
      include: [
        { system: 'http://snomed.info/sct', concept: [{ code: '45048000', display: 'Neck structure' }] },
        { system: 'https://x/cs', concept: [{ code: 'b' }] },
      ],
    }),
    sources,
    { timestamp },
  );
  assert.deepEqual(codes(out), ['http://snomed.info/sct|45048000|Neck structure', 'https://x/cs|b|B']);
});

test('included value sets and excludes', () => {
  assert.deepEqual(codes(expansionOf(vs({ include: [{ valueSet: ['https://x/other'] }] }), sources, { timestamp })), [
    'https://x/cs|a1|A one',
    'https://x/cs|b|B',
  ]);
  const excluded = expansionOf(
    vs({ include: [{ system: 'https://x/cs' }], exclude: [{ system: 'https://x/cs', concept: [{ code: 'a1' }] }] }),
    sources,
    { timestamp },
  );
  assert.deepEqual(codes(excluded), ['https://x/cs|a|A', 'https://x/cs|b|B', 'https://x/cs|old|Old one']);
});

test('filter, activeOnly, offset and count narrow the list; total counts what the filter kept, and the parameters are echoed', () => {
  const out = expansionOf(whole, sources, { timestamp, filter: 'ONE', offset: 1, count: 1 });
  assert.deepEqual(codes(out), ['https://x/cs|old|Old one']);
  assert.equal(out.expansion!.total, 2);
  assert.equal(out.expansion!.offset, 1);
  assert.deepEqual(
    out.expansion!.parameter!.map((p) => p.name),
    ['used-codesystem', 'filter', 'offset', 'count'],
  );
  assert.deepEqual(codes(expansionOf(whole, sources, { timestamp, filter: 'one', activeOnly: true })), ['https://x/cs|a1|A one']);
});

test('an expansion longer than maxCodes is refused as too costly, and paging brings it under', () => {
  assert.throws(
    () => expansionOf(whole, sources, { timestamp, maxCodes: 3 }),
    (e) => e instanceof ExpansionTooCostly && /4 codes, more than the 3/.test(e.message),
  );
  assert.equal(expansionOf(whole, sources, { timestamp, maxCodes: 3, count: 3 }).expansion!.contains!.length, 3);
});

test('what cannot be listed is refused, naming the value set and the code system', () => {
  assert.throws(
    () => expansionOf(vs({ include: [{ system: 'http://loinc.org' }] }), sources, { timestamp }),
    (e) => e instanceof TerminologyError && /https:\/\/x\/vs includes all of code system http:\/\/loinc.org/.test(e.message),
  );
  assert.throws(
    () =>
      expansionOf(vs({ include: [{ system: 'http://loinc.org', filter: [{ property: 'concept', op: 'is-a', value: '1' }] }] }), sources, {
        timestamp,
      }),
    /filters code system http:\/\/loinc.org/,
  );
  assert.throws(
    () => expansionOf(vs({ include: [{ valueSet: ['https://x/missing'] }] }), sources, { timestamp }),
    /imports https:\/\/x\/missing, which this server does not hold/,
  );
});
