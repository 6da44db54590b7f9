// Tests for _summary=true|text|data|false|count on one resource. https://hl7.org/fhir/R4/search.html#summary
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Resource } from 'fhir/r4.js';
import { OutcomeError } from '../../core/outcomes.js';
import { applySummary } from './summary.js';
import { defs, example, keys, observation, patient, tagCodes, type Obj } from './test-fixtures.js';

test('_summary=true on Patient keeps summary elements and drops text, photo, contact, maritalStatus, extension', () => {
  const s = applySummary(patient(), 'true', defs) as unknown as Obj;
  assert.deepEqual(keys(s), ['_birthDate', 'active', 'birthDate', 'id', 'link', 'meta', 'modifierExtension', 'name', 'resourceType']);
  assert.equal(Object.keys(s)[0], 'resourceType', 'key order of the input is kept');
  assert.deepEqual(s._birthDate, (patient() as unknown as Obj)._birthDate, 'primitive extensions follow their element');
  assert.deepEqual(s.modifierExtension, [{ url: 'urn:example:mod', valueBoolean: true }]);
});

test('_summary=true looks inside datatypes and drops emptied ones', () => {
  const s = applySummary(patient(), 'true', defs) as unknown as Obj;
  // HumanName.extension is not summary; the second name held nothing else, so it goes.
  assert.deepEqual(s.name, [{ family: 'Doe', given: ['Jane'] }]);
  assert.deepEqual(s.link, [{ other: { reference: 'Patient/p2' }, type: 'seealso' }]);
  const doc = {
    resourceType: 'DocumentReference',
    status: 'current',
    content: [{ attachment: { contentType: 'application/pdf', data: 'JVBERi0=', url: 'http://x/doc.pdf' } }],
  } as Resource;
  const d = applySummary(doc, 'true', defs) as unknown as { content: Obj[] };
  assert.deepEqual(d.content, [{ attachment: { contentType: 'application/pdf', url: 'http://x/doc.pdf' } }]);
});

test('_summary=true on Observation keeps code, subject, value and mandatory status; backbone children too', () => {
  const s = applySummary(observation(), 'true', defs) as unknown as Obj;
  assert.deepEqual(keys(s), [
    '_status',
    'code',
    'component',
    'effectiveDateTime',
    'id',
    'meta',
    'resourceType',
    'status',
    'subject',
    'valueQuantity',
  ]);
  assert.deepEqual(s.code, (observation() as unknown as Obj).code);
  assert.deepEqual(s.subject, { reference: 'Patient/p1', display: 'Jane' });
  assert.deepEqual(s.valueQuantity, { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' });
  assert.deepEqual(s.component, [
    { code: { text: 'systolic' }, valueQuantity: { value: 120 }, modifierExtension: [{ url: 'urn:example:cmod', valueBoolean: false }] },
  ]);
});

test('_summary=true keeps a mandatory element even when nothing in it is summary', () => {
  const obs = { resourceType: 'Observation', status: 'final', code: { extension: [{ url: 'urn:x', valueString: 'v' }] } } as Resource;
  assert.deepEqual((applySummary(obs, 'true', defs) as unknown as Obj).code, { extension: [{ url: 'urn:x', valueString: 'v' }] });
});

test('_summary=true on the official Patient example', () => {
  const s = applySummary(example('Patient-example.json'), 'true', defs);
  assert.deepEqual(keys(s), [
    '_birthDate',
    'active',
    'address',
    'birthDate',
    'deceasedBoolean',
    'gender',
    'id',
    'identifier',
    'managingOrganization',
    'meta',
    'name',
    'resourceType',
    'telecom',
  ]);
});

test('_summary=text keeps text, id, meta and top-level mandatory elements', () => {
  assert.deepEqual(keys(applySummary(patient(), 'text', defs)), ['id', 'meta', 'resourceType', 'text']);
  assert.deepEqual(keys(applySummary(observation(), 'text', defs)), ['_status', 'code', 'id', 'meta', 'resourceType', 'status']);
});

test('_summary=data removes text only', () => {
  const input = patient();
  const d = applySummary(input, 'data', defs) as unknown as Obj;
  const { text: _text, meta: _meta, ...rest } = input as unknown as Obj;
  assert.equal(d.text, undefined);
  for (const [k, v] of Object.entries(rest)) assert.deepEqual(d[k], v, k);
  assert.deepEqual(tagCodes(d as unknown as Resource), ['keep-me', 'SUBSETTED']);
});

test('_summary=false returns the resource unchanged and untagged', () => {
  const input = patient();
  assert.equal(applySummary(input, 'false', defs), input);
  assert.deepEqual(tagCodes(input), ['keep-me']);
});

test('_summary=count on a single resource is a 400 on _summary', () => {
  assert.throws(
    () => applySummary(patient(), 'count', defs),
    (err: unknown) => err instanceof OutcomeError && err.status === 400 && err.outcome.issue[0].expression?.[0] === '_summary',
  );
});

test('results carry SUBSETTED after existing tags, once, and keep the rest of meta', () => {
  for (const mode of ['true', 'text', 'data'] as const) {
    const s = applySummary(patient(), mode, defs);
    assert.deepEqual(
      s.meta?.tag,
      [
        { system: 'urn:example:tags', code: 'keep-me' },
        { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'SUBSETTED', display: 'subsetted' },
      ],
      mode,
    );
    assert.equal(s.meta?.versionId, '3');
    assert.deepEqual(tagCodes(applySummary(s, mode, defs)), ['keep-me', 'SUBSETTED'], 'not tagged twice');
  }
  assert.deepEqual(tagCodes(applySummary(observation(), 'true', defs)), ['SUBSETTED'], 'meta is created when absent');
});

test('the input is never mutated', () => {
  for (const make of [patient, observation]) {
    for (const mode of ['true', 'text', 'data'] as const) {
      const input = make();
      const before = structuredClone(input);
      applySummary(input, mode, defs);
      assert.deepEqual(input, before, `${input.resourceType} ${mode}`);
    }
  }
});
