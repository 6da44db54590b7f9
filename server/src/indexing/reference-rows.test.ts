// Tests of reference, canonical and urn index values. https://hl7.org/fhir/R4/search.html#reference
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { canonicalTarget, parseReference } from './reference-rows.js';

const isResourceType = (t: string) => ['Patient', 'Practitioner', 'StructureDefinition'].includes(t);
const parse = (ref: string, base?: string) => parseReference(ref, isResourceType, base);

test('relative references give type and id, without a version', () => {
  assert.deepEqual(parse('Patient/123'), { targetType: 'Patient', targetId: '123', url: null });
  assert.deepEqual(parse('Patient/123/_history/2'), { targetType: 'Patient', targetId: '123', url: null });
});

test('absolute references keep the url (without version) and give type and id', () => {
  assert.deepEqual(parse('http://x/fhir/Patient/1'), { targetType: 'Patient', targetId: '1', url: 'http://x/fhir/Patient/1' });
  assert.deepEqual(parse('https://x/fhir/Patient/1/_history/9'), { targetType: 'Patient', targetId: '1', url: 'https://x/fhir/Patient/1' });
});

test("references on this server's base are local", () => {
  assert.deepEqual(parse('http://x/fhir/Patient/1', 'http://x/fhir'), { targetType: 'Patient', targetId: '1', url: null });
  assert.deepEqual(parse('http://x/fhir2/Patient/1', 'http://x/fhir'), {
    targetType: 'Patient',
    targetId: '1',
    url: 'http://x/fhir2/Patient/1',
  });
});

test('urns, unknown types and odd ids are urls only; contained references are not indexed', () => {
  const urn = 'urn:uuid:53fefa32-fcbb-4ff8-8a92-55ee120877b7';
  assert.deepEqual(parse(urn), { targetType: null, targetId: null, url: urn });
  assert.deepEqual(parse('urn:oid:1.2.3'), { targetType: null, targetId: null, url: 'urn:oid:1.2.3' });
  assert.deepEqual(parse('http://x/Thing/1'), { targetType: null, targetId: null, url: 'http://x/Thing/1' });
  assert.deepEqual(parse('Patient/a_b'), { targetType: null, targetId: null, url: 'Patient/a_b' });
  assert.equal(parse('#p1'), undefined);
  assert.equal(parse(''), undefined);
});

test('canonicals: url without version, never a type/id', () => {
  assert.deepEqual(canonicalTarget('http://x/StructureDefinition/y|1.0'), {
    targetType: null,
    targetId: null,
    url: 'http://x/StructureDefinition/y',
  });
  assert.deepEqual(canonicalTarget('http://x/StructureDefinition/y'), {
    targetType: null,
    targetId: null,
    url: 'http://x/StructureDefinition/y',
  });
});
