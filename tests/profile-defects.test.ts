// Each FibroTrack example is valid against its profile; each resource broken one defect at a time yields exactly
// the expected error (code and FHIRPath location). Also the R4 vital-signs heart rate profile (slices by value and type).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { readConformanceFiles } from '../server/src/conformance/conformance-files.js';
import { loadR4Definitions } from '../server/src/definitions/r4-definitions.js';
import { createConformanceRegistry } from '../server/src/validation/conformance-registry.js';
import { createResourceValidator } from '../server/src/validation/resource-validator.js';
import { readExample } from './support/official-examples.js';

const GENERATED = new URL('../profiles/generated/', import.meta.url);
const EXAMPLES = new URL('examples/', GENERATED);
const FT = 'https://fhir.fibrotrack.org/StructureDefinition/';

const defs = loadR4Definitions();
const registry = createConformanceRegistry(defs);
registry.add(readConformanceFiles(GENERATED.pathname).resources);
const validator = createResourceValidator(defs, registry);

type Json = Record<string, any>;
const example = (name: string): Json => JSON.parse(readFileSync(new URL(`${name}.json`, EXAMPLES), 'utf8'));
const errorsOf = (r: unknown, profiles: string[] = []) =>
  validator.validate(r, undefined, { claimed: true, profiles }).filter((i) => i.severity === 'error');
/** A copy with `changes` applied; a value of undefined removes the element. */
const broken = (r: Json, changes: Json): Json => {
  const copy: Json = structuredClone(r);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete copy[k];
    else copy[k] = v;
  }
  return copy;
};

test('the FibroTrack profiles are loaded with their snapshots', () => {
  for (const id of [
    'pain-severity',
    'medication-statement',
    'heart-rate',
    'resting-heart-rate',
    'hrv',
    'oxygen-saturation',
    'steps',
    'daily-steps',
    'sleep-duration',
    'sleep-stage',
    'body-weight',
    'wearable-device',
  ]) {
    assert.ok(registry.structure(`${FT}fibrotrack-${id}`), `fibrotrack-${id}`);
  }
});

test('every FibroTrack example is valid against the profile it claims, with no errors', () => {
  const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 12);
  for (const file of files) {
    const r = JSON.parse(readFileSync(new URL(file, EXAMPLES), 'utf8')) as Json;
    assert.deepEqual(errorsOf(r), [], file);
    for (const p of r.meta?.profile ?? []) assert.ok(registry.structure(p), `${file} claims a profile we hold: ${p}`);
  }
});

const pain = example('Observation-example-pain-severity');
/** The pain example with another score (a UCUM {score} Quantity, 0 to 10 by invariant ft-pain-1). */
const painScored = (value: unknown): Json => broken(pain, { valueQuantity: { ...pain.valueQuantity, value } });
const category = (code: string) => [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code }] }];

test('each broken resource yields exactly the expected error', () => {
  const steps = example('Observation-example-daily-steps');
  const weight = example('Observation-example-body-weight');
  const heart = example('Observation-example-heart-rate');
  const medication = example('MedicationStatement-example-medication-statement');
  const device = example('Device-example-fitbit-charge');
  const cases: [string, Json, string, string][] = [
    ['missing required element (pain without subject)', broken(pain, { subject: undefined }), 'required', 'Observation.subject'],
    [
      'wrong code (not LOINC 72514-3)',
      broken(pain, { code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] } }),
      'value',
      'Observation.code',
    ],
    ['pain 11', painScored(11), 'invariant', 'Observation'],
    ['pain -1', painScored(-1), 'invariant', 'Observation'],
    ['pain 6.5', painScored(6.5), 'invariant', 'Observation'],
    ['pain as a string', broken(pain, { valueQuantity: undefined, valueString: '6' }), 'structure', 'Observation.valueString'],
    [
      'wrong unit (pain in mg)',
      broken(pain, { valueQuantity: { ...pain.valueQuantity, code: 'mg' } }),
      'value',
      'Observation.valueQuantity.code',
    ],
    [
      'wrong unit (body weight in pounds)',
      broken(weight, { valueQuantity: { ...weight.valueQuantity, unit: 'lb', code: '[lb_av]' } }),
      'value',
      'Observation.valueQuantity.code',
    ],
    [
      'too many repeats (two interference components)',
      broken(pain, { component: [...pain.component, pain.component[1]] }),
      'structure',
      'Observation.component',
    ],
    [
      'failing invariant (obs-6: value and dataAbsentReason)',
      broken(pain, { dataAbsentReason: { text: 'asked' } }),
      'invariant',
      'Observation',
    ],
    [
      'failing profile invariant (ft-day-1: two days of steps)',
      broken(steps, { effectivePeriod: { start: '2026-11-28T00:00:00+01:00', end: '2026-11-30T00:00:00+01:00' } }),
      'invariant',
      'Observation',
    ],
    [
      'failing profile invariant (ft-device-1: device without model)',
      broken(device, { modelNumber: undefined, deviceName: undefined }),
      'invariant',
      'Device',
    ],
    [
      'wrong reference type (pain of a Practitioner)',
      broken(pain, { subject: { reference: 'Practitioner/p1' } }),
      'structure',
      'Observation.subject.reference',
    ],
    [
      'wrong reference type (steps from a Patient as device)',
      broken(steps, { device: { reference: 'Patient/p1' } }),
      'structure',
      'Observation.device.reference',
    ],
    [
      'failing invariant on a primitive (vs-1: a heart rate dated to the month)',
      broken(heart, { effectiveDateTime: '2026-11' }),
      'invariant',
      'Observation.effectiveDateTime',
    ],
    [
      'bad slice (pain without the survey category)',
      broken(pain, { category: category('vital-signs') }),
      'required',
      'Observation.category',
    ],
    [
      'bad slice (heart rate without the wearable record identifier)',
      broken(heart, { identifier: [{ system: 'urn:example', value: '1' }] }),
      'required',
      'Observation.identifier',
    ],
    [
      'bad slice (medication without an RxNorm coding)',
      broken(medication, { medicationCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '387517004' }] } }),
      'required',
      'MedicationStatement.medicationCodeableConcept.coding',
    ],
    [
      'code outside a required binding (body site)',
      broken(pain, { bodySite: { coding: [{ system: 'http://snomed.info/sct', code: '999' }] } }),
      'code-invalid',
      'Observation.bodySite',
    ],
  ];
  for (const [name, resource, code, expression] of cases) {
    assert.deepEqual(
      errorsOf(resource).map((i) => [i.code, i.expression?.[0]]),
      [[code, expression]],
      name,
    );
  }
});

test('messages say what is wrong in words a person understands', () => {
  const message = (r: Json) => errorsOf(r)[0]?.diagnostics;
  assert.match(message(painScored(11))!, /^Observation: ft-pain-1: .*0 to 10/);
  assert.equal(
    message(broken(pain, { valueQuantity: { ...pain.valueQuantity, code: 'mg' } })),
    "Observation.valueQuantity.code: value 'mg' must be exactly '{score}'",
  );
  assert.equal(
    message(broken(pain, { subject: { reference: 'Practitioner/p1' } })),
    'Observation.subject: a reference to a Practitioner is not allowed here; subject may refer to Patient',
  );
  assert.match(
    message(broken(pain, { category: category('vital-signs') }))!,
    /^Observation.category: slice 'survey' requires at least 1 matching value .*survey.*, but found 0$/,
  );
  assert.equal(
    message(broken(pain, { valueQuantity: undefined, valueString: '6' })),
    'Observation.valueString: value[x] may not be of type String here; allowed: Quantity',
  );
});

test('a profile asked for explicitly applies even when not claimed, and an unknown one is an error', () => {
  const unclaimed = broken(painScored(11), { meta: undefined });
  assert.deepEqual(errorsOf(unclaimed), []);
  assert.deepEqual(
    errorsOf(unclaimed, [`${FT}fibrotrack-pain-severity`]).map((i) => [i.code, i.expression?.[0]]),
    [['invariant', 'Observation']],
  );
  assert.deepEqual(
    errorsOf(pain, ['https://example.org/nope']).map((i) => i.code),
    ['not-found'],
  );
  assert.deepEqual(
    errorsOf(example('Patient-example-patient'), [`${FT}fibrotrack-pain-severity`]).map((i) => i.code),
    ['invalid'],
  );
});

test('resources inside a Bundle are checked against the profiles they claim', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { fullUrl: 'urn:uuid:1', resource: painScored(11) },
      { fullUrl: 'urn:uuid:2', resource: pain },
    ],
  };
  assert.deepEqual(
    errorsOf(bundle).map((i) => [i.code, i.expression?.[0]]),
    [['invariant', 'Bundle.entry[0].resource']],
  );
  assert.deepEqual(
    validator.validate(bundle, undefined, { errorsOnly: true }).filter((i) => i.severity === 'error'),
    [],
    'the base alone does not look at claims',
  );
});

test('extensible and preferred bindings warn, required ones are errors', () => {
  const issues = validator.validate(broken(pain, { category: [...pain.category, ...category('nonsense')] }), undefined, { claimed: true });
  const at = issues.filter((i) => i.expression?.[0] === 'Observation.category[1]');
  assert.deepEqual(
    at.map((i) => [i.severity, i.code]),
    [['warning', 'code-invalid']],
  );
});

test('the R4 vital-signs heart rate profile: slices by value (code, category) and by type (value[x])', () => {
  const hr: Json = {
    ...readExample<Json>('Observation-heart-rate.json'),
    meta: { profile: ['http://hl7.org/fhir/StructureDefinition/heartrate'] },
  };
  assert.deepEqual(errorsOf(hr), []);
  const cases: [string, Json, string, string][] = [
    [
      'code slice',
      broken(hr, { code: { coding: [{ system: 'http://loinc.org', code: '9279-1' }] } }),
      'required',
      'Observation.code.coding',
    ],
    ['category slice', broken(hr, { category: category('exam') }), 'required', 'Observation.category'],
    [
      'fixed unit in the valueQuantity type slice',
      broken(hr, { valueQuantity: { ...hr.valueQuantity, code: 'Hz' } }),
      'value',
      'Observation.valueQuantity.code',
    ],
    [
      'value of a type outside the closed type slicing',
      broken(hr, { valueQuantity: undefined, valueString: '44' }),
      'structure',
      'Observation.valueString',
    ],
  ];
  for (const [name, resource, code, expression] of cases) {
    assert.deepEqual(
      errorsOf(resource).map((i) => [i.code, i.expression?.[0]]),
      [[code, expression]],
      name,
    );
  }
});
