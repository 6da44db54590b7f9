import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { createResourceIndexer } from './resource-indexer.js';

const indexer = createResourceIndexer(loadR4Definitions(), 'http://localhost:8080/fhir');
const index = (r: unknown) => indexer.index(r as Resource);
const of = <T extends { param: string }>(rows: T[], param: string) => rows.filter((r) => r.param === param).map(({ param: _p, ...rest }) => rest);

test('Observation: code, subject/patient, month-precision date, quantity, category', () => {
  const rows = index({
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '72514-3', display: 'Pain severity' }], text: 'Pain' },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2021-03',
    valueQuantity: { value: 8, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
  });
  assert.deepEqual(of(rows.token, 'code'), [
    { system: 'http://loinc.org', code: '72514-3', display: 'Pain severity' },
    { system: null, code: null, display: 'Pain' },
  ]);
  assert.deepEqual(of(rows.token, 'status'), [{ system: null, code: 'final', display: null }]);
  assert.deepEqual(of(rows.reference, 'patient'), [{ targetType: 'Patient', targetId: 'p1', url: null }]);
  assert.deepEqual(of(rows.reference, 'subject'), [{ targetType: 'Patient', targetId: 'p1', url: null }]);
  assert.deepEqual(of(rows.date, 'date'), [{ start: Date.UTC(2021, 2, 1), end: Date.UTC(2021, 3, 1) - 1 }]);
  assert.deepEqual(of(rows.quantity, 'value-quantity'), [{ value: 8, system: 'http://unitsofmeasure.org', code: '{score}', unit: '{score}' }]);
  assert.deepEqual(of(rows.quantity, 'combo-value-quantity'), of(rows.quantity, 'value-quantity'));
});

test('patient param only for references to a Patient; component quantities all indexed', () => {
  const rows = index({
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'bp' },
    subject: { reference: 'Group/g1' },
    component: [
      { code: { text: 'sys' }, valueQuantity: { value: 120, code: 'mm[Hg]' } },
      { code: { text: 'dia' }, valueQuantity: { value: 80, code: 'mm[Hg]' } },
    ],
  });
  assert.deepEqual(of(rows.reference, 'patient'), []);
  assert.deepEqual(of(rows.reference, 'subject'), [{ targetType: 'Group', targetId: 'g1', url: null }]);
  assert.deepEqual(of(rows.quantity, 'component-value-quantity').map((q) => q.value), [120, 80]);
});

test('Patient: accent-free names, birthdate, identifier, telecom, address', () => {
  const rows = index({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:mrn', value: '42' }],
    name: [{ family: 'Éluard', given: ['Zoë', 'Anne'] }],
    telecom: [{ system: 'phone', value: '555-1234' }],
    address: [{ city: 'Zürich', postalCode: '8001' }],
    birthDate: '1980-02-29',
  });
  assert.deepEqual(of(rows.string, 'family'), [{ normalized: 'eluard', exact: 'Éluard' }]);
  assert.deepEqual(of(rows.string, 'given').map((g) => g.normalized), ['zoe', 'anne']);
  assert.ok(of(rows.string, 'name').some((n) => n.normalized === 'eluard'));
  assert.deepEqual(of(rows.string, 'address-city'), [{ normalized: 'zurich', exact: 'Zürich' }]);
  assert.deepEqual(of(rows.token, 'identifier'), [{ system: 'urn:mrn', code: '42', display: null }]);
  assert.deepEqual(of(rows.token, 'phone'), [{ system: null, code: '555-1234', display: null }]);
  assert.deepEqual(of(rows.date, 'birthdate'), [{ start: Date.UTC(1980, 1, 29), end: Date.UTC(1980, 2, 1) - 1 }]);
});

test('references: absolute on our base, elsewhere, versioned, contained; Period with an open end', () => {
  const rows = index({
    resourceType: 'MedicationStatement',
    status: 'active',
    medicationReference: { reference: '#med1' },
    subject: { reference: 'http://localhost:8080/fhir/Patient/p2/_history/3' },
    informationSource: { reference: 'http://other.example/fhir/Practitioner/x' },
    effectivePeriod: { start: '2026-01-01' },
  });
  assert.deepEqual(of(rows.reference, 'medication'), []);
  assert.deepEqual(of(rows.reference, 'subject'), [{ targetType: 'Patient', targetId: 'p2', url: null }]);
  assert.deepEqual(of(rows.reference, 'source'), [{ targetType: 'Practitioner', targetId: 'x', url: 'http://other.example/fhir/Practitioner/x' }]);
  assert.deepEqual(of(rows.date, 'effective'), [{ start: Date.UTC(2026, 0, 1), end: 253402300799999 }]);
});

test('canonical and uri values drop their version; meta tags and profiles are indexed', () => {
  const rows = index({
    resourceType: 'PlanDefinition',
    status: 'active',
    url: 'http://example.org/q',
    relatedArtifact: [{ type: 'derived-from', resource: 'http://example.org/base|2.0' }, { type: 'citation', resource: 'http://example.org/c' }],
    meta: { profile: ['http://example.org/StructureDefinition/p|1'], tag: [{ system: 'urn:t', code: 'x' }] },
  });
  assert.deepEqual(of(rows.uri, 'url'), [{ uri: 'http://example.org/q' }]);
  assert.deepEqual(of(rows.reference, 'derived-from'), [{ targetType: null, targetId: null, url: 'http://example.org/base' }]);
  assert.deepEqual(of(rows.uri, '_profile'), [{ uri: 'http://example.org/StructureDefinition/p' }]);
  assert.deepEqual(of(rows.token, '_tag'), [{ system: 'urn:t', code: 'x', display: null }]);
});
