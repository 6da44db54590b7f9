// Tests of the R4 JSON schema validator: one readable issue per defective element, nested resources by their own type.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createSchemaValidator } from './schema-validator.js';

const validate = createSchemaValidator();
const obs = (extra: Record<string, unknown> = {}) => ({ resourceType: 'Observation', status: 'final', code: { text: 'pain' }, ...extra });
const summary = (r: Record<string, unknown>) => validate(r).map((i) => [i.code, i.expression?.[0], i.diagnostics]);

test('valid resources give no issues', () => {
  assert.deepEqual(validate(obs({ valueQuantity: { value: 3, unit: '{score}' }, effectiveDateTime: '2026-11-22T08:00:00+01:00' })), []);
  assert.deepEqual(
    validate({ resourceType: 'Patient', name: [{ family: 'Doe', given: ['Jane', 'Q'] }], birthDate: '1980-02', active: true }),
    [],
  );
});

test('each defect is one issue that names the element and says what is wrong', () => {
  assert.deepEqual(summary(obs({ foo: 1 })), [['structure', 'Observation.foo', "Observation.foo: unknown element 'foo'"]]);
  assert.deepEqual(summary({ resourceType: 'Patient', active: 'yes' }), [
    ['structure', 'Patient.active', "Patient.active: expected a boolean (true or false), but found the string 'yes'"],
  ]);
  assert.deepEqual(summary({ resourceType: 'Patient', birthDate: '1970-13-45' }), [
    ['value', 'Patient.birthDate', "Patient.birthDate: value '1970-13-45' does not match the date format"],
  ]);
  const [status] = summary(obs({ status: 'done' }));
  assert.deepEqual(status.slice(0, 2), ['value', 'Observation.status']);
  assert.match(String(status[2]), /^Observation.status: value 'done' is not one of the allowed codes \(registered, preliminary, final,/);
  assert.deepEqual(summary({ resourceType: 'Patient', name: [{ given: ['a', 5] }] }), [
    ['structure', 'Patient.name[0].given[1]', 'Patient.name[0].given[1]: expected a string, but found the number 5'],
  ]);
  assert.deepEqual(summary({ resourceType: 'Patient', name: { family: 'Doe' } }), [
    ['structure', 'Patient.name', 'Patient.name: expected an array (this element repeats), but found an object'],
  ]);
  assert.deepEqual(summary(obs({ code: 'pain' })), [
    ['structure', 'Observation.code', "Observation.code: expected a CodeableConcept (a JSON object), but found the string 'pain'"],
  ]);
  assert.deepEqual(summary({ resourceType: 'Observation', status: 'final' }), [
    ['required', 'Observation.code', 'Observation.code: minimum required = 1, but only found 0'],
  ]);
});

test('what the published schema let through is refused', () => {
  const one = (r: Record<string, unknown>) => validate(r).map((i) => [i.code, i.expression?.[0]]);
  assert.deepEqual(one({ resourceType: 'Patient', multipleBirthInteger: 1.5 }), [['structure', 'Patient.multipleBirthInteger']]);
  assert.deepEqual(one({ resourceType: 'Patient', multipleBirthInteger: 2 ** 31 }), [['value', 'Patient.multipleBirthInteger']]);
  assert.deepEqual(one(obs({ component: [{ code: { text: 'a' }, valueInteger: 1.5 }] })), [
    ['structure', 'Observation.component[0].valueInteger'],
  ]);
  assert.deepEqual(one({ resourceType: 'Patient', text: { status: 'generated', div: 5 } }), [['structure', 'Patient.text.div']]);
  assert.deepEqual(one({ resourceType: 'Patient', name: [] }), [['structure', 'Patient.name']]);
  assert.deepEqual(one({ resourceType: 'Patient', maritalStatus: {} }), [['structure', 'Patient.maritalStatus']]);
  assert.deepEqual(one({ resourceType: 'Patient', name: [{ family: '' }] }), [['value', 'Patient.name[0].family']]);
  assert.deepEqual(
    one({ resourceType: 'Task', status: 'draft', intent: 'order', input: [{ type: { text: 't' }, valueDate: '2020-13' }] }),
    [['value', 'Task.input[0].valueDate']],
  );
});

test('what the published schema got wrong is accepted: fhirVersion 4.0.1, _canonical, no-break spaces, nulls in primitive arrays', () => {
  assert.deepEqual(
    validate({
      resourceType: 'CapabilityStatement',
      status: 'active',
      date: '2026',
      kind: 'instance',
      fhirVersion: '4.0.1',
      format: ['json'],
    }),
    [],
  );
  assert.deepEqual(
    validate({ resourceType: 'Questionnaire', status: 'draft', derivedFrom: ['http://x/q'], _derivedFrom: [{ id: 'a' }] }),
    [],
  );
  assert.deepEqual(validate({ resourceType: 'Patient', name: [{ text: 'Jane\u00a0Doe' }] }), []);
  assert.equal(validate({ resourceType: 'Patient', gender: 'fe male' }).length, 1);
  const ext = { extension: [{ url: 'http://x/e', valueString: 'x' }] };
  assert.deepEqual(validate({ resourceType: 'Patient', name: [{ given: ['A', 'B'], _given: [null, ext] }] }), []);
  assert.deepEqual(validate({ resourceType: 'Patient', name: [{ given: [null, 'B'], _given: [ext, null] }] }), []);
  assert.deepEqual(
    summary({ resourceType: 'Patient', name: [{ given: [null, '1980-01-01', 3] }] }).map((i) => i[1]),
    ['Patient.name[0].given[2]'],
  );
});

test('nested resources are validated by their own type and reported at their place', () => {
  const contained = obs({ contained: [{ resourceType: 'Patient', id: 'p', gender: 'nope' }, { resourceType: 'Nope' }, 'x'] });
  assert.deepEqual(
    validate(contained).map((i) => i.expression?.[0]),
    ['Observation.contained[0].gender', 'Observation.contained[1].resourceType', 'Observation.contained[2]'],
  );
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: { resourceType: 'Patient', contained: [{ resourceType: 'Patient', active: 1 }] } },
      { resource: obs({ bar: true }) },
    ],
  };
  assert.deepEqual(summary(bundle), [
    [
      'structure',
      'Bundle.entry[0].resource.contained[0].active',
      'Bundle.entry[0].resource.contained[0].active: expected a boolean (true or false), but found the number 1',
    ],
    ['structure', 'Bundle.entry[1].resource.bar', "Bundle.entry[1].resource.bar: unknown element 'bar'"],
  ]);
  const params = { resourceType: 'Parameters', parameter: [{ name: 'r', resource: { resourceType: 'Patient', birthDate: 'x' } }] };
  assert.deepEqual(
    validate(params).map((i) => i.expression?.[0]),
    ['Parameters.parameter[0].resource.birthDate'],
  );
});

test('an unknown type is one issue on resourceType; types compiled ahead of use validate as on first use', () => {
  assert.deepEqual(
    validate({ resourceType: 'Patientz' }).map((i) => i.expression?.[0]),
    ['resourceType'],
  );
  // How long compiling takes is measured by bench/validate, not here.
  const fresh = createSchemaValidator();
  fresh.compile(['Observation', 'Patient']);
  assert.deepEqual(
    fresh({ resourceType: 'Patient', active: 1 }).map((i) => i.expression?.[0]),
    ['Patient.active'],
  );
  assert.deepEqual(fresh({ resourceType: 'Observation', status: 'final', code: { text: 'pain' } }), []);
});

test('dates name real days and numbers are finite', () => {
  assert.deepEqual(summary({ resourceType: 'Patient', birthDate: '2026-02-30' }), [
    [
      'value',
      'Patient.birthDate',
      "Patient.birthDate: value '2026-02-30' is not a real date: it has day 30, but February 2026 has 28 days",
    ],
  ]);
  assert.deepEqual(summary(obs({ issued: '2023-02-29T10:00:00Z' })), [
    [
      'value',
      'Observation.issued',
      "Observation.issued: value '2023-02-29T10:00:00Z' is not a real instant: it has day 29, but February 2023 has 28 days",
    ],
  ]);
  assert.deepEqual(validate({ resourceType: 'Patient', birthDate: '2024-02-29' }), []);
  assert.deepEqual(summary(obs({ valueQuantity: { value: Infinity } })), [
    [
      'structure',
      'Observation.valueQuantity.value',
      'Observation.valueQuantity.value: expected a number (decimal), but found the number Infinity',
    ],
  ]);
});
