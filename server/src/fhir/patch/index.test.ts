// Tests for choosing the patch format from the Content-Type of a PATCH request.
// https://hl7.org/fhir/R4/http.html#patch
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Patient } from 'fhir/r4.js';
import { OutcomeError } from '../../core/outcomes.js';
import { applyPatch } from './index.js';
import { op, patchOf } from './test-support.js';

const patient = (): Patient => ({ resourceType: 'Patient', id: 'p1', active: true });
const fhirPathPatch = patchOf(op('replace', 'Patient.active', { value: { valueBoolean: false } }));
const jsonPatch = [{ op: 'replace', path: '/active', value: false }];

test('application/json-patch+json applies a JSON Patch', () => {
  assert.equal((applyPatch(patient(), 'application/json-patch+json', jsonPatch) as Patient).active, false);
});

test('application/fhir+json and application/json with a Parameters body apply a FHIRPath Patch', () => {
  for (const type of ['application/fhir+json', 'application/json', 'Application/FHIR+JSON; charset=utf-8']) {
    const input = patient();
    assert.equal((applyPatch(input, type, fhirPathPatch) as Patient).active, false, type);
    assert.equal(input.active, true);
  }
});

test('media type parameters do not change the format', () => {
  assert.equal((applyPatch(patient(), 'application/json-patch+json; charset=utf-8', jsonPatch) as Patient).active, false);
});

test('anything else is a 415 not-supported', () => {
  const cases: [string, unknown][] = [
    ['text/plain', jsonPatch],
    ['application/xml', fhirPathPatch],
    ['', fhirPathPatch],
    ['application/fhir+json', jsonPatch],
    ['application/json', { resourceType: 'Patient' }],
  ];
  for (const [type, body] of cases) {
    assert.throws(
      () => applyPatch(patient(), type, body),
      (err: unknown) => {
        assert.ok(err instanceof OutcomeError, type);
        assert.equal(err.status, 415, type);
        assert.equal(err.outcome.issue[0].code, 'not-supported');
        return true;
      },
    );
  }
});

test('errors of the chosen format pass through', () => {
  assert.throws(
    () => applyPatch(patient(), 'application/json-patch+json', {}),
    (err: unknown) => err instanceof OutcomeError && err.status === 400,
  );
  const bad = patchOf(op('replace', 'Patient.gender', { value: { valueCode: 'male' } }));
  assert.throws(
    () => applyPatch(patient(), 'application/fhir+json', bad),
    (err: unknown) => err instanceof OutcomeError && err.status === 422,
  );
});
