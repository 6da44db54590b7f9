// Tests for FHIRPath Patch failures: malformed documents (400) and patches that cannot apply (422).
// https://hl7.org/fhir/R4/fhirpatch.html
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Observation, Patient } from 'fhir/r4.js';
import { assertFails, op, patchOf } from './test-support.js';

const patient = (): Patient => ({
  resourceType: 'Patient',
  active: true,
  birthDate: '1920-01-01',
  name: [{ given: ['Peter', 'James'] }, { given: ['Jim'] }],
  identifier: [{ value: '1' }, { value: '2' }],
});
const fails422 = (pattern: RegExp, ...ops: ReturnType<typeof op>[]) => assertFails(422, pattern, patient(), patchOf(...ops));
const fails400 = (pattern: RegExp, body: unknown) => assertFails(400, pattern, patient(), body);

test('replace of a path matching several nodes is a 422 naming operation and path', () => {
  const err = fails422(
    /^FHIRPath Patch operation 0 \(replace Patient\.name\.given\): path matches 3 elements; it must match exactly one$/,
    op('replace', 'Patient.name.given', { value: { valueString: 'x' } }),
  );
  assert.deepEqual(err.outcome.issue[0].expression, ['Parameters.parameter[0]']);
  assert.equal(err.outcome.issue[0].code, 'processing');
});

test('replace, add and move of a path matching nothing are 422', () => {
  fails422(
    /operation 0 \(replace Patient\.gender\): path does not exist/,
    op('replace', 'Patient.gender', { value: { valueCode: 'male' } }),
  );
  fails422(
    /operation 0 \(add Patient\.contact\): path does not exist/,
    op('add', 'Patient.contact', { name: 'gender', value: { valueCode: 'male' } }),
  );
  fails422(/operation 0 \(move Patient\.telecom\): path does not exist/, op('move', 'Patient.telecom', { source: 0, destination: 0 }));
});

test('delete and add of a path matching several nodes are 422', () => {
  fails422(/path matches 2 elements; delete removes exactly one/, op('delete', 'Patient.identifier'));
  fails422(
    /operation 0 \(add Patient\.name\): path matches 2 elements/,
    op('add', 'Patient.name', { name: 'family', value: { valueString: 'X' } }),
  );
});

test('insert or move over entries of different lists is a 422', () => {
  fails422(/in different lists/, op('insert', 'Patient.name.given', { index: 0, value: { valueString: 'x' } }));
});

test('invalid index, source and destination are 422', () => {
  const value = { valueIdentifier: { value: '3' } };
  fails422(
    /operation 0 \(insert Patient\.identifier\): index 3 is out of range: the list has 2 element\(s\), so index must be 0\.\.2/,
    op('insert', 'Patient.identifier', { index: 3, value }),
  );
  fails422(/index -1 is out of range/, op('insert', 'Patient.identifier', { index: -1, value }));
  fails422(/source index 2 is out of range/, op('move', 'Patient.identifier', { source: 2, destination: 0 }));
  fails422(/destination index 5 is out of range/, op('move', 'Patient.identifier', { source: 0, destination: 5 }));
});

test('insert or move on something that is not a list is a 422', () => {
  fails422(/birthDate is not a list/, op('move', 'Patient.birthDate', { source: 0, destination: 0 }));
  fails422(/Patient\.gender is not a list/, op('insert', 'Patient.gender', { index: 0, value: { valueCode: 'male' } }));
});

test('add of an element the type does not have, or one already present, is a 422', () => {
  fails422(/Patient has no element 'colour'/, op('add', 'Patient', { name: 'colour', value: { valueString: 'x' } }));
  fails422(
    /'birthDate' already has a value and does not repeat; use replace/,
    op('add', 'Patient', { name: 'birthDate', value: { valueDate: '1930-01-01' } }),
  );
  fails422(
    /HumanName has no element 'nope'/,
    op('add', 'Patient', { name: 'name', value: { part: [{ name: 'nope', valueString: 'x' }] } }),
  );
});

test('values of the wrong type are a 422', () => {
  fails422(
    /Patient\.maritalStatus is a CodeableConcept, not a HumanName/,
    op('add', 'Patient', { name: 'maritalStatus', value: { valueHumanName: { text: 'x' } } }),
  );
  const err = fails422(
    /Patient\.active is a boolean, not a Coding/,
    op('replace', 'Patient.active', { value: { valueCoding: { code: 'x' } } }),
  );
  assert.deepEqual(err.outcome.issue[0].expression, ['Parameters.parameter[0]']);
});

test('choice elements: wrong type, second type, or no type are 422', () => {
  const obs: Observation = { resourceType: 'Observation', status: 'final', code: { text: 'pain' }, valueString: 'mild' };
  assertFails(
    422,
    /Observation\.value cannot be a HumanName/,
    obs,
    patchOf(op('replace', 'Observation.value', { value: { valueHumanName: { text: 'x' } } })),
  );
  assertFails(
    422,
    /'value' already has a value \(valueString\); use replace/,
    obs,
    patchOf(op('add', 'Observation', { name: 'value', value: { valueInteger: 5 } })),
  );
  assertFails(
    422,
    /choice element, so its value needs a type/,
    obs,
    patchOf(op('replace', 'Observation.value', { value: { part: [{ name: 'value', valueDecimal: 1 }] } })),
  );
});

test('paths that compute values or cannot be evaluated are a 422', () => {
  fails422(/must select elements of the resource, not computed values/, op('delete', 'Patient.name.count()'));
  fails422(/cannot delete the resource itself/, op('delete', 'Patient'));
  fails422(/path cannot be evaluated/, op('delete', "Patient.birthDate + 1 'kg'"));
});

test('a failing later operation leaves the resource unchanged (atomic)', () => {
  fails422(
    /^FHIRPath Patch operation 1 \(replace Patient\.name\.given\)/,
    op('replace', 'Patient.active', { value: { valueBoolean: false } }),
    op('replace', 'Patient.name.given', { value: { valueString: 'x' } }),
  );
});

test('malformed patch documents are a 400', () => {
  const doc = (parameter: object) => ({ resourceType: 'Parameters', parameter: [parameter] });
  const add = (extra: object[] = []) => ({
    name: 'operation',
    part: [{ name: 'type', valueCode: 'add' }, { name: 'path', valueString: 'Patient' }, ...extra],
  });
  fails400(/must be a Parameters resource/, [{ op: 'add' }]);
  fails400(/Parameters\.parameter must be an array/, { resourceType: 'Parameters', parameter: {} });
  fails400(/operation 0: parameter name must be 'operation'/, { resourceType: 'Parameters', parameter: [{ name: 'op', part: [] }] });
  fails400(/operation 0: type must be one of add, insert, delete, replace, move/, patchOf(op('upsert', 'Patient')));
  fails400(/path \(valueString\) is required/, {
    resourceType: 'Parameters',
    parameter: [{ name: 'operation', part: [{ name: 'type', valueCode: 'delete' }] }],
  });
  fails400(/operation 0 \(add Patient\): part 'name' is required/, doc(add([{ name: 'value', valueString: 'x' }])));
  fails400(
    /operation 0 \(insert Patient\.identifier\): part 'index' is required/,
    patchOf(op('insert', 'Patient.identifier', { value: { valueString: 'x' } })),
  );
  fails400(/index must be an integer/, patchOf(op('insert', 'Patient.identifier', { index: 1.5, value: { valueString: 'x' } })));
  fails400(
    /part 'index' does not apply to add/,
    patchOf(op('add', 'Patient', { name: 'active', index: 0, value: { valueBoolean: true } })),
  );
  fails400(/path is not valid FHIRPath/, patchOf(op('delete', 'Patient.name.where(')));
  fails400(
    /value must have exactly one of value\[x\], resource or part/,
    doc(
      add([
        { name: 'name', valueString: 'x' },
        { name: 'value', valueString: 'x', part: [] },
      ]),
    ),
  );
  fails400(/unknown part 'colour'/, doc(add([{ name: 'colour', valueString: 'x' }])));
  fails400(/part 'type' is repeated/, doc(add([{ name: 'type', valueCode: 'add' }])));
});

test('a malformed later operation rejects the patch before anything applies', () => {
  const err = fails400(/^FHIRPath Patch operation 1/, patchOf(op('delete', 'Patient.active'), op('nope', 'Patient')));
  assert.deepEqual(err.outcome.issue[0].expression, ['Parameters.parameter[1]']);
});
