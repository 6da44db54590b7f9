import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { createResourceValidator } from './resource-validator.js';

const validator = createResourceValidator(loadR4Definitions());
const errors = (r: unknown, type?: string) => validator.validate(r, type).filter((i) => i.severity === 'error');
const obs = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] }, ...extra,
});

test('a valid Observation and Patient pass', () => {
  assert.deepEqual(errors(obs({ valueQuantity: { value: 3 }, effectiveDateTime: '2026-11-22T08:00:00+01:00' })), []);
  assert.deepEqual(errors({ resourceType: 'Patient', name: [{ family: 'Doe', given: ['Jane'] }], birthDate: '1980', gender: 'female' }), []);
});

test('each defect yields one issue naming the element', () => {
  const cases: [unknown, string, string][] = [
    [obs({ foo: 1 }), 'Observation.foo', 'structure'],
    [{ resourceType: 'Patient', active: 'yes' }, 'Patient.active', 'structure'],
    [{ resourceType: 'Patient', birthDate: '1980-13-45' }, 'Patient.birthDate', 'value'],
    [obs({ status: 'done' }), 'Observation.status', 'code-invalid'],
    [{ resourceType: 'Observation', status: 'final' }, 'Observation.code', 'required'],
    [{ resourceType: 'Observation', code: { text: 'x' } }, 'Observation.status', 'required'],
    [obs({ component: [{ code: { text: 'a' } }, { valueString: 'no code' }] }), 'Observation.component[1].code', 'required'],
    [{ resourceType: 'Patient', text: { div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } }, 'Patient.text.status', 'required'],
    [{ resourceType: 'Patient', id: 'has space' }, 'Patient.id', 'value'],
    [{ resourceType: 'Patient', extension: [{ valueString: 'no url' }] }, 'Patient.extension[0].url', 'required'],
  ];
  for (const [resource, expression, code] of cases) {
    const found = errors(resource);
    assert.ok(found.length >= 1, `${expression}: an error is reported`);
    assert.ok(found.some((i) => i.expression?.[0] === expression && i.code === code), `${expression}/${code} in ${JSON.stringify(found)}`);
  }
});

test('unknown or mismatched resource types are refused', () => {
  assert.match(errors({ resourceType: 'Patientz' })[0].diagnostics!, /not an R4 resource type/);
  assert.match(errors({ resourceType: 'Patient' }, 'Observation')[0].diagnostics!, /Expected a Observation/);
  assert.equal(errors('not an object')[0].code, 'structure');
});

test('nested resources are validated by their own type and reported at their place', () => {
  const bundle = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Patient' } }, { resource: { resourceType: 'Observation', status: 'final' } }] };
  assert.deepEqual(errors(bundle).map((i) => i.expression?.[0]), ['Bundle.entry[1].resource.code']);
  const contained = obs({ contained: [{ resourceType: 'Patient', id: 'p', gender: 'nope' }], subject: { reference: '#p' } });
  assert.deepEqual(errors(contained).map((i) => i.expression?.[0]), ['Observation.contained[0].gender']);
});

test('what the published schema got wrong is accepted: fhirVersion 4.0.1, _canonical, no-break spaces', () => {
  assert.deepEqual(errors({ resourceType: 'CapabilityStatement', status: 'active', date: '2026', kind: 'instance', fhirVersion: '4.0.1', format: ['json'] }), []);
  assert.deepEqual(errors({ resourceType: 'Questionnaire', status: 'draft', derivedFrom: ['http://x/q'], _derivedFrom: [{ id: 'a' }] }), []);
  assert.deepEqual(errors({ resourceType: 'Patient', name: [{ text: 'Jane\u00a0Doe' }] }), []);
  assert.equal(errors({ resourceType: 'Patient', gender: 'fe male' }).length, 1);
});
