// Tests of the base-cardinality walk: required elements at every level, in datatypes, choices and nested resources.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { createCardinalityValidator } from './cardinality-validator.js';

const check = createCardinalityValidator(loadR4Definitions());
const found = (r: Record<string, unknown>) => check(r).map((i) => [i.code, i.expression?.[0], i.diagnostics]);
const where = (r: Record<string, unknown>) => check(r).map((i) => i.expression?.[0]);
const obs = (extra: Record<string, unknown> = {}) => ({ resourceType: 'Observation', status: 'final', code: { text: 'pain' }, ...extra });

test('a complete resource has nothing missing', () => {
  assert.deepEqual(check(obs({ component: [{ code: { text: 'a' }, valueInteger: 3 }], text: { status: 'generated', div: '<div/>' } })), []);
});

test('required elements of the resource and of its backbone elements', () => {
  assert.deepEqual(found({ resourceType: 'Observation', status: 'final' }), [
    ['required', 'Observation.code', 'Observation.code: minimum required = 1, but only found 0'],
  ]);
  assert.deepEqual(found({ resourceType: 'Observation', code: { text: 'x' } }), [
    ['required', 'Observation.status', 'Observation.status: minimum required = 1, but only found 0'],
  ]);
  assert.deepEqual(where(obs({ component: [{ code: { text: 'a' } }, { valueString: 'no code' }] })), ['Observation.component[1].code']);
  // A primitive with only extensions (`_status`) is present.
  assert.deepEqual(where({ resourceType: 'Observation', _status: { extension: [{ url: 'http://x/e', valueCode: 'x' }] }, code: { text: 'x' } }), []);
});

test('required elements of datatypes: Narrative, Extension, extensions of primitives', () => {
  assert.deepEqual(where({ resourceType: 'Patient', text: { div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } }), ['Patient.text.status']);
  assert.deepEqual(where({ resourceType: 'Patient', extension: [{ valueString: 'no url' }] }), ['Patient.extension[0].url']);
  assert.deepEqual(where({ resourceType: 'Patient', extension: [{ url: 'http://x/a', extension: [{ valueString: 'inner' }] }] }), ['Patient.extension[0].extension[0].url']);
  assert.deepEqual(where({ resourceType: 'Patient', name: [{ _family: { extension: [{ valueBoolean: true }] } }] }), ['Patient.name[0].family.extension[0].url']);
  assert.deepEqual(where({ resourceType: 'Patient', name: [{ family: 'x' }], managingOrganization: { display: 'x' }, maritalStatus: { coding: [{ code: 'M' }] } }), []);
});

test('choice elements: any type satisfies a required [x], two types break max 1', () => {
  assert.deepEqual(found({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: { reference: 'Patient/1' } }), [
    [
      'required',
      'MedicationRequest.medication',
      'MedicationRequest.medication[x]: minimum required = 1, but only found 0 (as one of medicationCodeableConcept, medicationReference)',
    ],
  ]);
  assert.deepEqual(where({ resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject: {}, medicationReference: { reference: 'Medication/1' } }), []);
  assert.deepEqual(found(obs({ valueString: 'a', _valueString: { id: 'v' }, valueQuantity: { value: 1 } })), [
    ['structure', 'Observation.value', 'Observation.value[x]: maximum allowed = 1, but found 2 (valueString and valueQuantity)'],
  ]);
});

test('contentReference elements (Questionnaire.item.item, ClaimResponse adjudication) carry their target rules', () => {
  assert.deepEqual(where({ resourceType: 'Questionnaire', status: 'draft', item: [{ linkId: 'a', type: 'group', item: [{ type: 'string' }] }] }), [
    'Questionnaire.item[0].item[0].linkId',
  ]);
  const claim = {
    resourceType: 'ClaimResponse', status: 'active', type: { text: 't' }, use: 'claim', patient: {}, created: '2020', insurer: {}, outcome: 'complete',
    item: [{ itemSequence: 1, adjudication: [{ category: { text: 'c' } }], detail: [{ detailSequence: 1 }] }],
  };
  assert.deepEqual(where(claim), ['ClaimResponse.item[0].detail[0].adjudication']);
});

test('nested resources are walked by their own type', () => {
  const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient', contained: [{ resourceType: 'Observation', status: 'final' }] } }, {}] };
  assert.deepEqual(where(bundle), ['Bundle.entry[0].resource.contained[0].code']);
  assert.deepEqual(where({ resourceType: 'Bundle' }), ['Bundle.type']);
  assert.deepEqual(check({ resourceType: 'Observation', status: 'final' }, 'Observation', 'Bundle.entry[2].resource').map((i) => i.expression?.[0]), [
    'Bundle.entry[2].resource.code',
  ]);
});
