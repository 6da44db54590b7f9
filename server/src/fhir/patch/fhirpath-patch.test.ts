// Tests for FHIRPath Patch operations that succeed, after the spec's examples and the FHIR patch test cases.
// https://hl7.org/fhir/R4/fhirpatch.html
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Observation, Patient } from 'fhir/r4.js';
import { op, patched } from './test-support.js';

const ids = (...values: string[]): Patient => ({
  resourceType: 'Patient',
  identifier: values.map((value) => ({ system: 'http://example.org', value })),
});
const idValues = (p: Patient) => p.identifier?.map((i) => i.value);

test('add a primitive to the resource', () => {
  const out = patched<Patient>(
    { resourceType: 'Patient' },
    op('add', 'Patient', { name: 'birthDate', value: { valueDate: '1930-01-01' } }),
  );
  assert.deepEqual(out, { resourceType: 'Patient', birthDate: '1930-01-01' });
});

test('add to a repeating element appends', () => {
  const out = patched(
    ids('value 1', 'value 2'),
    op('add', 'Patient', { name: 'identifier', value: { valueIdentifier: { system: 'http://example.org', value: 'value 3' } } }),
  );
  assert.deepEqual(idValues(out), ['value 1', 'value 2', 'value 3']);
});

test('add a nested primitive to a backbone element', () => {
  const input: Patient = { resourceType: 'Patient', contact: [{ name: { text: 'a name' } }] };
  const out = patched(input, op('add', 'Patient.contact[0]', { name: 'gender', value: { valueCode: 'male' } }));
  assert.deepEqual(out.contact, [{ name: { text: 'a name' }, gender: 'male' }]);
});

test('add a complex value built from parts (anonymous type)', () => {
  const value = {
    part: [
      { name: 'name', valueHumanName: { text: 'a name' } },
      { name: 'telecom', valueContactPoint: { system: 'phone' as const, value: '1' } },
    ],
  };
  const out = patched<Patient>({ resourceType: 'Patient' }, op('add', 'Patient', { name: 'contact', value }));
  // telecom repeats in the model, so it becomes a list even from a single part.
  assert.deepEqual(out.contact, [{ name: { text: 'a name' }, telecom: [{ system: 'phone', value: '1' }] }]);
});

test('add an identifier and a coding built from parts', () => {
  const identifier = {
    part: [
      { name: 'system', valueUri: 'urn:mrn' },
      { name: 'value', valueString: '42' },
      { name: 'type', valueCodeableConcept: { text: 'MRN' } },
    ],
  };
  const coding = {
    part: [
      { name: 'system', valueUri: 'http://loinc.org' },
      { name: 'code', valueCode: '8867-4' },
    ],
  };
  const obs: Observation = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://snomed.info/sct', code: '364075005' }] },
  };
  const out = patched(
    obs,
    op('add', 'Observation', { name: 'identifier', value: identifier }),
    op('add', 'Observation.code', { name: 'coding', value: coding }),
  );
  assert.deepEqual(out.identifier, [{ system: 'urn:mrn', value: '42', type: { text: 'MRN' } }]);
  assert.deepEqual(out.code.coding![1], { system: 'http://loinc.org', code: '8867-4' });
});

test('insert into a list at an index', () => {
  const value = { valueIdentifier: { system: 'http://example.org', value: 'value 3' } };
  assert.deepEqual(idValues(patched(ids('value 1', 'value 2'), op('insert', 'Patient.identifier', { index: 1, value }))), [
    'value 1',
    'value 3',
    'value 2',
  ]);
  assert.deepEqual(idValues(patched(ids('value 1', 'value 2'), op('insert', 'Patient.identifier', { index: 0, value }))), [
    'value 3',
    'value 1',
    'value 2',
  ]);
  assert.deepEqual(idValues(patched(ids('value 1'), op('insert', 'Patient.identifier', { index: 1, value }))), ['value 1', 'value 3']);
});

test('insert into a list that does not exist yet', () => {
  const out = patched<Patient>(
    { resourceType: 'Patient' },
    op('insert', 'Patient.identifier', { index: 0, value: { valueIdentifier: { value: 'x' } } }),
  );
  assert.deepEqual(out.identifier, [{ value: 'x' }]);
  const relative = patched<Patient>(
    { resourceType: 'Patient' },
    op('insert', 'identifier', { index: 0, value: { valueIdentifier: { value: 'y' } } }),
  );
  assert.deepEqual(relative.identifier, [{ value: 'y' }]);
});

test('delete a primitive, a list entry and a complex element', () => {
  assert.deepEqual(patched<Patient>({ resourceType: 'Patient', birthDate: '1920-01-01' }, op('delete', 'Patient.birthDate')), {
    resourceType: 'Patient',
  });
  assert.deepEqual(idValues(patched(ids('value 1', 'value 2', 'value 3'), op('delete', 'Patient.identifier[1]'))), ['value 1', 'value 3']);
  const married: Patient = { resourceType: 'Patient', maritalStatus: { text: 'married' } };
  assert.deepEqual(patched(married, op('delete', 'Patient.maritalStatus')), { resourceType: 'Patient' });
  assert.deepEqual(patched(ids('only'), op('delete', 'Patient.identifier[0]')), { resourceType: 'Patient' });
});

test('delete of something that is not there is a no-op', () => {
  const input: Patient = { resourceType: 'Patient', active: true };
  assert.deepEqual(patched(input, op('delete', 'Patient.birthDate'), op('delete', "Patient.identifier.where(system = 'x')")), input);
});

test('delete leaves no empty parent behind', () => {
  const input: Patient = { resourceType: 'Patient', contact: [{ name: { text: 'a name' }, gender: 'male' }] };
  assert.deepEqual(patched(input, op('delete', 'Patient.contact[0].name.text')).contact, [{ gender: 'male' }]);
});

test('replace a primitive, a nested primitive and a complex element', () => {
  const p: Patient = {
    resourceType: 'Patient',
    birthDate: '1920-01-01',
    maritalStatus: { id: '1', text: 'married' },
    contact: [{ gender: 'male' }],
  };
  const out = patched(
    p,
    op('replace', 'Patient.birthDate', { value: { valueDate: '1930-01-01' } }),
    op('replace', 'Patient.contact[0].gender', { value: { valueCode: 'female' } }),
    op('replace', 'Patient.maritalStatus', { value: { valueCodeableConcept: { id: '2', text: 'not married' } } }),
  );
  assert.deepEqual(out, {
    resourceType: 'Patient',
    birthDate: '1930-01-01',
    maritalStatus: { id: '2', text: 'not married' },
    contact: [{ gender: 'female' }],
  });
});

test('replace selected by a filter', () => {
  const out = patched(ids('a', 'b'), op('replace', "Patient.identifier.where(value = 'b').value", { value: { valueString: 'B' } }));
  assert.deepEqual(idValues(out), ['a', 'B']);
});

test('move reorders within a list', () => {
  const four = () => ids('1', '2', '3', '4');
  assert.deepEqual(idValues(patched(four(), op('move', 'Patient.identifier', { source: 3, destination: 1 }))), ['1', '4', '2', '3']);
  assert.deepEqual(idValues(patched(four(), op('move', 'Patient.identifier', { source: 0, destination: 3 }))), ['2', '3', '4', '1']);
  assert.deepEqual(idValues(patched(four(), op('move', 'Patient.identifier', { source: 2, destination: 2 }))), ['1', '2', '3', '4']);
});

test('choice type: a valueQuantity added under name value becomes valueQuantity', () => {
  const obs: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'pain' } };
  const out = patched(obs, op('add', 'Observation', { name: 'value', value: { valueQuantity: { value: 7, unit: '{score}' } } }));
  assert.deepEqual(out.valueQuantity, { value: 7, unit: '{score}' });
  assert.equal('value' in out, false);
});

test('choice type: replace may change the type, and the old key goes', () => {
  const obs: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'pain' }, valueQuantity: { value: 7 } };
  const out = patched(obs, op('replace', 'Observation.value', { value: { valueString: 'severe' } }));
  assert.equal(out.valueString, 'severe');
  assert.equal('valueQuantity' in out, false);
});

test('choice type inside a complex value built from parts', () => {
  const obs: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'pain' } };
  const component = {
    part: [
      { name: 'code', valueCodeableConcept: { text: 'intensity' } },
      { name: 'value', valueInteger: 6 },
    ],
  };
  const out = patched(obs, op('add', 'Observation', { name: 'component', value: component }));
  assert.deepEqual(out.component, [{ code: { text: 'intensity' }, valueInteger: 6 }]);
});

test('primitive extensions live in the _ sibling and follow the value', () => {
  // R4 Parameters cannot carry a valueExtension, so an extension is built from parts.
  const ext = {
    part: [
      { name: 'url', valueUri: 'http://example.org/birthTime' },
      { name: 'value', valueDateTime: '1974-12-25T14:35:45-05:00' },
    ],
  };
  const out = patched<Patient>(
    { resourceType: 'Patient', birthDate: '1974-12-25' },
    op('add', 'Patient.birthDate', { name: 'extension', value: ext }),
  );
  assert.deepEqual(out._birthDate, { extension: [{ url: 'http://example.org/birthTime', valueDateTime: '1974-12-25T14:35:45-05:00' }] });
  assert.deepEqual(patched(out, op('delete', 'Patient.birthDate')), { resourceType: 'Patient' });
  const named: Patient = { resourceType: 'Patient', name: [{ given: ['A', 'B', 'C'], _given: [null, { id: 'b' }, null] as never }] };
  const moved = patched(named, op('delete', 'Patient.name.given[0]'), op('move', 'Patient.name.given', { source: 0, destination: 1 }));
  assert.deepEqual(moved.name, [{ given: ['C', 'B'], _given: [null, { id: 'b' }] }]);
});

test('consecutive operations see the effect of earlier ones', () => {
  const input: Patient = { resourceType: 'Patient', id: 'example', contact: [{ name: { given: ['Bénédicte'] } }] };
  const out = patched(
    input,
    op('add', 'Patient.contact[0]', { name: 'gender', value: { valueCode: 'male' } }),
    op('add', 'Patient', { name: 'contact', value: { part: [{ name: 'gender', valueCode: 'male' }] } }),
    op('replace', 'Patient.contact[1].gender', { value: { valueCode: 'female' } }),
  );
  assert.deepEqual(out.contact, [{ name: { given: ['Bénédicte'] }, gender: 'male' }, { gender: 'female' }]);
});

test('an empty patch returns an equal copy', () => {
  const input = ids('a');
  const out = patched(input);
  assert.deepEqual(out, input);
  assert.notEqual(out, input);
});
