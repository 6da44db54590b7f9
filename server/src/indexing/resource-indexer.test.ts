// Tests of the index rows of hand-made resources, through both evaluators. https://hl7.org/fhir/R4/search.html#ptypes
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { createResourceIndexer } from './resource-indexer.js';

const defs = loadR4Definitions();
const BASE = 'http://localhost:8080/fhir';
const indexers = { fast: createResourceIndexer(defs, BASE), fhirpath: createResourceIndexer(defs, BASE, false) };
const of = <T extends { param: string }>(rows: T[], param: string) =>
  rows.filter((r) => r.param === param).map(({ param: _p, ...rest }) => rest);

// Every expectation holds for both evaluators, so each hand-made case also checks the fast path against fhirpath.js.
for (const [name, indexer] of Object.entries(indexers)) {
  const index = (r: unknown) => indexer.index(r as Resource);

  test(`${name}: Observation code, subject and patient, month-precision date, quantity`, () => {
    const rows = index({
      resourceType: 'Observation',
      id: 'o1',
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: '72514-3', display: 'Pain severity' }], text: 'Pain' },
      subject: { reference: 'Patient/1' },
      effectiveDateTime: '2021-03',
      valueQuantity: { value: 8, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
    });
    assert.deepEqual(of(rows.token, 'code'), [
      { system: 'http://loinc.org', code: '72514-3', display: 'Pain severity' },
      { system: null, code: null, display: 'Pain' },
    ]);
    assert.deepEqual(of(rows.token, 'status'), [{ system: null, code: 'final', display: null }]);
    assert.deepEqual(of(rows.token, 'category'), [
      { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: null },
    ]);
    assert.deepEqual(of(rows.reference, 'patient'), [{ targetType: 'Patient', targetId: '1', url: null }]);
    assert.deepEqual(of(rows.reference, 'subject'), [{ targetType: 'Patient', targetId: '1', url: null }]);
    assert.deepEqual(of(rows.date, 'date'), [
      { start: Date.parse('2021-03-01T00:00:00.000Z'), end: Date.parse('2021-03-31T23:59:59.999Z') },
    ]);
    const score = [{ value: 8, system: 'http://unitsofmeasure.org', code: '{score}', unit: '{score}' }];
    assert.deepEqual(of(rows.quantity, 'value-quantity'), score);
    assert.deepEqual(of(rows.quantity, 'combo-value-quantity'), score);
    // _id and _lastUpdated are answered from the resource row; composites are not indexed here
    assert.deepEqual(of(rows.token, '_id'), []);
    assert.deepEqual(of(rows.token, 'code-value-quantity'), []);
  });

  test(`${name}: CodeableConcept.text gets a row of its own only when no coding displays it already`, () => {
    const code = (text: string) =>
      of(
        index({
          resourceType: 'Observation',
          status: 'final',
          subject: { reference: 'Patient/1' },
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }, { code: 'hr' }], text },
        }).token,
        'code',
      );
    const codings = [
      { system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' },
      { system: null, code: 'hr', display: null },
    ];
    assert.deepEqual(code('Heart rate'), codings);
    assert.deepEqual(code('Heart rate, resting'), [...codings, { system: null, code: null, display: 'Heart rate, resting' }]);
    assert.deepEqual(code('heart rate'), [...codings, { system: null, code: null, display: 'heart rate' }]);
  });

  test(`${name}: patient only for references to a Patient, whatever their form`, () => {
    const obs = (subject: object) => index({ resourceType: 'Observation', status: 'final', code: { text: 'x' }, subject });
    assert.deepEqual(of(obs({ reference: 'Group/g1' }).reference, 'patient'), []);
    assert.deepEqual(of(obs({ reference: 'Group/g1' }).reference, 'subject'), [{ targetType: 'Group', targetId: 'g1', url: null }]);
    assert.deepEqual(of(obs({ reference: 'http://elsewhere.org/fhir/Patient/7/_history/2' }).reference, 'patient'), [
      { targetType: 'Patient', targetId: '7', url: 'http://elsewhere.org/fhir/Patient/7' },
    ]);
    const urn = 'urn:uuid:2b9a9e4a-3f43-4d0c-9a4e-5b7a4bce1a11';
    assert.deepEqual(of(obs({ reference: urn, type: 'Patient' }).reference, 'patient'), [{ targetType: null, targetId: null, url: urn }]);
    assert.deepEqual(of(obs({ reference: urn }).reference, 'patient'), []);
    assert.deepEqual(of(obs({ reference: urn }).reference, 'subject'), [{ targetType: null, targetId: null, url: urn }]);
  });

  test(`${name}: Observation components and a CodeableConcept value's text`, () => {
    const rows = index({
      resourceType: 'Observation',
      status: 'final',
      code: {
        coding: [
          { system: 'http://loinc.org', code: '85354-9' },
          { system: 'http://loinc.org', code: '85354-9' },
        ],
      },
      valueCodeableConcept: { text: 'Moderate' },
      component: [
        { code: { text: 'sys' }, valueQuantity: { value: 120, code: 'mm[Hg]' } },
        { code: { text: 'dia' }, valueQuantity: { value: 80, code: 'mm[Hg]' } },
      ],
    });
    assert.deepEqual(of(rows.token, 'code'), [{ system: 'http://loinc.org', code: '85354-9', display: null }], 'deduplicated');
    assert.deepEqual(
      of(rows.quantity, 'component-value-quantity').map((q) => q.value),
      [120, 80],
    );
    assert.deepEqual(of(rows.string, 'value-string'), [{ normalized: 'moderate', exact: 'Moderate' }]);
  });

  test(`${name}: code-value-date pairs the code with the value whether a dateTime or a Period`, () => {
    const dates = (value: object) =>
      index({ resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8665-2' }] }, ...value })
        .composite.filter((c) => c.param === 'code-value-date')
        .map((c) => ({ code: c.parts[0].code, start: c.parts[1].start, end: c.parts[1].end }));
    assert.deepEqual(dates({ valueDateTime: '2024-05-02' }), [
      { code: '8665-2', start: Date.parse('2024-05-02T00:00:00.000Z'), end: Date.parse('2024-05-02T23:59:59.999Z') },
    ]);
    // The second member of `value.as(DateTime) | value.as(Period)` is a path from the Observation too.
    assert.deepEqual(dates({ valuePeriod: { start: '2024-05-01', end: '2024-05-03' } }), [
      { code: '8665-2', start: Date.parse('2024-05-01T00:00:00.000Z'), end: Date.parse('2024-05-03T23:59:59.999Z') },
    ]);
    assert.deepEqual(dates({ valueQuantity: { value: 1 } }), []);
  });

  test(`${name}: Patient names without accents, birthDate, identifier, telecom, address, booleans`, () => {
    const rows = index({
      resourceType: 'Patient',
      active: true,
      identifier: [{ system: 'urn:oid:1.2.36.146.595.217.0.1', value: '12345', type: { text: 'Medical record number' } }],
      name: [{ family: 'Zola', given: ['Émile', 'Édouard'], prefix: ['M.'], text: 'Émile  Zola' }],
      telecom: [
        { system: 'phone', value: '555-1234' },
        { system: 'email', value: 'emile@example.org' },
      ],
      address: [{ line: ['21 rue de Bruxelles'], city: 'Paris', postalCode: '75009', country: 'FR' }],
      birthDate: '1840-04-02',
    });
    assert.deepEqual(of(rows.string, 'given'), [
      { normalized: 'emile', exact: 'Émile' },
      { normalized: 'edouard', exact: 'Édouard' },
    ]);
    assert.deepEqual(of(rows.string, 'family'), [{ normalized: 'zola', exact: 'Zola' }]);
    assert.deepEqual(of(rows.string, 'name'), [
      { normalized: 'zola', exact: 'Zola' },
      { normalized: 'emile', exact: 'Émile' },
      { normalized: 'edouard', exact: 'Édouard' },
      { normalized: 'm.', exact: 'M.' },
      { normalized: 'emile zola', exact: 'Émile  Zola' },
    ]);
    assert.deepEqual(of(rows.string, 'address-city'), [{ normalized: 'paris', exact: 'Paris' }]);
    assert.deepEqual(
      of(rows.string, 'address').map((a) => a.normalized),
      ['21 rue de bruxelles', 'paris', '75009', 'fr'],
    );
    assert.deepEqual(of(rows.token, 'identifier'), [
      { system: 'urn:oid:1.2.36.146.595.217.0.1', code: '12345', display: 'Medical record number' },
    ]);
    assert.deepEqual(of(rows.token, 'telecom'), [
      { system: null, code: '555-1234', display: null },
      { system: null, code: 'emile@example.org', display: null },
    ]);
    assert.deepEqual(of(rows.token, 'phone'), [{ system: null, code: '555-1234', display: null }]);
    assert.deepEqual(of(rows.token, 'email'), [{ system: null, code: 'emile@example.org', display: null }]);
    assert.deepEqual(of(rows.date, 'birthdate'), [{ start: Date.UTC(1840, 3, 2), end: Date.UTC(1840, 3, 3) - 1 }]);
    assert.deepEqual(of(rows.token, 'active'), [{ system: null, code: 'true', display: null }]);
    assert.deepEqual(of(rows.token, 'deceased'), [{ system: null, code: 'false', display: null }]);
    const dead = index({ resourceType: 'Patient', deceasedDateTime: '2020' });
    assert.deepEqual(of(dead.token, 'deceased'), [{ system: null, code: 'true', display: null }]);
    assert.deepEqual(of(dead.date, 'death-date'), [{ start: Date.UTC(2020, 0, 1), end: Date.parse('2020-12-31T23:59:59.999Z') }]);
  });

  test(`${name}: MedicationStatement references (contained skipped, own base local) and an open Period`, () => {
    const rows = index({
      resourceType: 'MedicationStatement',
      status: 'active',
      medicationReference: { reference: 'Medication/med-1/_history/4', display: 'Pregabalin 75mg' },
      subject: { reference: `${BASE}/Patient/p2` },
      informationSource: { reference: 'http://other.example/fhir/Practitioner/x' },
      derivedFrom: [{ reference: '#obs1' }, { identifier: { system: 'urn:x', value: 'y' } }],
      effectivePeriod: { start: '2026-01-01' },
    });
    assert.deepEqual(of(rows.reference, 'medication'), [{ targetType: 'Medication', targetId: 'med-1', url: null }]);
    assert.deepEqual(of(rows.reference, 'subject'), [{ targetType: 'Patient', targetId: 'p2', url: null }]);
    assert.deepEqual(of(rows.reference, 'patient'), [{ targetType: 'Patient', targetId: 'p2', url: null }]);
    assert.deepEqual(of(rows.reference, 'source'), [
      { targetType: 'Practitioner', targetId: 'x', url: 'http://other.example/fhir/Practitioner/x' },
    ]);
    assert.deepEqual(of(rows.reference, 'part-of'), []);
    assert.deepEqual(of(rows.date, 'effective'), [{ start: Date.UTC(2026, 0, 1), end: 253402300799999 }]);
    const codeable = index({ resourceType: 'MedicationStatement', status: 'active', medicationCodeableConcept: { text: 'ibuprofen' } });
    assert.deepEqual(of(codeable.reference, 'medication'), []);
    assert.deepEqual(of(codeable.token, 'code'), [{ system: null, code: null, display: 'ibuprofen' }]);
  });

  test(`${name}: canonicals drop their version and never carry a type/id; uris and meta`, () => {
    const rows = index({
      resourceType: 'PlanDefinition',
      status: 'active',
      url: 'http://example.org/PlanDefinition/pain',
      relatedArtifact: [
        { type: 'derived-from', resource: 'http://example.org/fhir/PlanDefinition/base|2.0' },
        { type: 'citation', resource: 'http://example.org/c' },
      ],
      action: [{ definitionCanonical: 'http://example.org/fhir/ActivityDefinition/a1' }],
      meta: { profile: ['http://example.org/StructureDefinition/p|1'], tag: [{ system: 'urn:t', code: 'x' }] },
    });
    assert.deepEqual(of(rows.uri, 'url'), [{ uri: 'http://example.org/PlanDefinition/pain' }]);
    assert.deepEqual(of(rows.reference, 'derived-from'), [
      { targetType: null, targetId: null, url: 'http://example.org/fhir/PlanDefinition/base' },
    ]);
    assert.deepEqual(of(rows.reference, 'definition'), [
      { targetType: null, targetId: null, url: 'http://example.org/fhir/ActivityDefinition/a1' },
    ]);
    assert.deepEqual(of(rows.uri, '_profile'), [{ uri: 'http://example.org/StructureDefinition/p' }]);
    assert.deepEqual(of(rows.token, '_tag'), [{ system: 'urn:t', code: 'x', display: null }]);
  });

  test(`${name}: Timing events, Money, numbers`, () => {
    const plan = index({
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      subject: { reference: 'Patient/1' },
      activity: [{ detail: { status: 'scheduled', scheduledTiming: { event: ['2024-05-02T10:00:00+02:00', '2024-05-01'] } } }],
    });
    assert.deepEqual(of(plan.date, 'activity-date'), [{ start: Date.UTC(2024, 4, 1), end: Date.UTC(2024, 4, 2, 8, 0, 0, 999) }]);
    const text = index({
      resourceType: 'CarePlan',
      status: 'active',
      intent: 'plan',
      subject: { reference: 'Patient/1' },
      activity: [{ detail: { status: 'scheduled', scheduledString: '2020' } }],
    });
    assert.deepEqual(of(text.date, 'activity-date'), [], 'a string is not a date');
    const charge = index({
      resourceType: 'ChargeItem',
      status: 'billable',
      code: { text: 'x' },
      subject: { reference: 'Patient/1' },
      priceOverride: { value: 12.5, currency: 'EUR' },
      factorOverride: 0.8,
    });
    assert.deepEqual(of(charge.quantity, 'price-override'), [{ value: 12.5, system: 'urn:iso:std:iso:4217', code: 'EUR', unit: null }]);
    assert.deepEqual(of(charge.number, 'factor-override'), [{ value: 0.8 }]);
  });
}

test('a resource type without search parameters, or unknown, gives no rows', () => {
  const rows = indexers.fast.index({ resourceType: 'Nonsense' });
  assert.deepEqual(rows, { token: [], string: [], date: [], number: [], quantity: [], reference: [], uri: [], composite: [], display: [] });
});

test('without a base URL every absolute reference keeps its url', () => {
  const rows = createResourceIndexer(defs).index({
    resourceType: 'Observation',
    status: 'final',
    code: {},
    subject: { reference: `${BASE}/Patient/p2` },
  } as Resource);
  assert.deepEqual(of(rows.reference, 'subject'), [{ targetType: 'Patient', targetId: 'p2', url: `${BASE}/Patient/p2` }]);
});

test('patientsOf (compartment parameters alone) gives the compartments of the stored rows, for every official R4 example', () => {
  const dir = fileURLToPath(new URL('../../../node_modules/hl7.fhir.r4.examples/', import.meta.url));
  const indexer = createResourceIndexer(defs, BASE);
  let inSome = 0;
  for (const file of readdirSync(dir).filter((f) => /^[A-Z][A-Za-z]+-.+\.json$/.test(f))) {
    const resource = JSON.parse(readFileSync(`${dir}${file}`, 'utf8')) as Resource;
    if (!defs.isResourceType(resource.resourceType)) continue;
    const expected = indexer.compartments(resource.resourceType, indexer.storedRows(resource).reference);
    assert.deepEqual(indexer.patientsOf(resource), expected, file);
    if (expected.length > 0) inSome++;
  }
  assert.ok(inSome > 300, `examples in some Patient compartment: ${inSome}`);
});
