// Tests of the full base validation: valid and official resources pass, each broken resource gives exactly its issue.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { fileURLToPath } from 'node:url';
import { readConformanceFiles } from '../conformance/conformance-files.js';
import { createConformanceRegistry } from './conformance-registry.js';
import { createResourceValidator } from './resource-validator.js';
import { DEFECTIVE_EXAMPLES, exampleFiles, readExample } from '../../../tests/support/official-examples.js';

const validator = createResourceValidator(loadR4Definitions());
const errors = (r: unknown, type?: string) => validator.validate(r, type).filter((i) => i.severity === 'error');
const obs = (extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
  ...extra,
});

test('a valid Observation and Patient pass', () => {
  assert.deepEqual(
    errors(obs({ valueQuantity: { value: 3 }, effectiveDateTime: '2026-11-22T08:00:00+01:00', subject: { reference: 'Patient/p1' } })),
    [],
  );
  assert.deepEqual(
    errors({ resourceType: 'Patient', id: 'p1', name: [{ family: 'Doe', given: ['Jane'] }], birthDate: '1980', gender: 'female' }),
    [],
  );
});

test('a sample of the official R4 examples, every 20th file and one of each type, passes', () => {
  const all = exampleFiles();
  // File names start with the resource type; ValueSet and SearchParameter alone are a third of the package.
  const prefix = (f: string) => f.split('-')[0];
  const files = all.filter((f, i) => i % 20 === 0 || prefix(f) !== prefix(all[i - 1] ?? ''));
  const types = new Set<string>();
  for (const file of files) {
    const resource = readExample<{ resourceType: string }>(file);
    types.add(resource.resourceType);
    const found = errors(resource);
    if (DEFECTIVE_EXAMPLES[file]) assert.ok(found.length > 0, `${file} is refused: ${DEFECTIVE_EXAMPLES[file]}`);
    else assert.deepEqual(found, [], file);
  }
  assert.ok(files.length > 300 && types.size >= 140, `${files.length} files of ${types.size} types`);
});

test('each broken resource gives exactly one issue, at the broken element', () => {
  const cases: [string, unknown, string, string][] = [
    ['unknown element', obs({ foo: 1 }), 'structure', 'Observation.foo'],
    ['string where boolean', { resourceType: 'Patient', active: 'yes' }, 'structure', 'Patient.active'],
    ['bad date', { resourceType: 'Patient', birthDate: '1970-13-45' }, 'value', 'Patient.birthDate'],
    ['code outside a required binding', obs({ status: 'done' }), 'value', 'Observation.status'],
    ['missing Observation.code', { resourceType: 'Observation', status: 'final' }, 'required', 'Observation.code'],
    ['missing Observation.status', { resourceType: 'Observation', code: { text: 'x' } }, 'required', 'Observation.status'],
    [
      'missing component code',
      obs({ component: [{ code: { text: 'a' } }, { valueString: 'no code' }] }),
      'required',
      'Observation.component[1].code',
    ],
    [
      'Narrative without status',
      { resourceType: 'Patient', text: { div: '<div xmlns="http://www.w3.org/1999/xhtml">x</div>' } },
      'required',
      'Patient.text.status',
    ],
    ['Extension without url', { resourceType: 'Patient', extension: [{ valueString: 'no url' }] }, 'required', 'Patient.extension[0].url'],
    ['bad id', { resourceType: 'Patient', id: 'has space' }, 'value', 'Patient.id'],
    ['id too long', { resourceType: 'Patient', id: 'x'.repeat(65) }, 'value', 'Patient.id'],
    [
      'bad contained resource',
      obs({ contained: [{ resourceType: 'Patient', id: 'p', gender: 'nope' }], subject: { reference: '#p' } }),
      'value',
      'Observation.contained[0].gender',
    ],
    [
      'bad Bundle entry',
      { resourceType: 'Bundle', type: 'collection', entry: [{ resource: { resourceType: 'Observation', status: 'final' } }] },
      'required',
      'Bundle.entry[0].resource.code',
    ],
  ];
  for (const [name, resource, code, expression] of cases) {
    assert.deepEqual(
      errors(resource).map((i) => [i.code, i.expression?.[0]]),
      [[code, expression]],
      name,
    );
  }
});

test('diagnostics name the element and say what is wrong', () => {
  assert.equal(
    errors({ resourceType: 'Observation', status: 'final' })[0].diagnostics,
    'Observation.code: minimum required = 1, but only found 0',
  );
  assert.equal(
    errors({ resourceType: 'Patient', birthDate: '1970-13-45' })[0].diagnostics,
    "Patient.birthDate: value '1970-13-45' does not match the date format",
  );
  assert.match(errors({ resourceType: 'Patient', id: 'has space' })[0].diagnostics!, /^Patient.id: 'has space' is not a valid id/);
});

test('a wrong, unknown or missing resourceType is one issue on resourceType', () => {
  const only = (r: unknown, type?: string) => {
    const found = errors(r, type);
    assert.equal(found.length, 1, JSON.stringify(found));
    assert.deepEqual(found[0].expression, ['resourceType']);
    return found[0].diagnostics;
  };
  assert.match(only({ resourceType: 'Patientz' })!, /'Patientz' is not an R4 resource type/);
  assert.match(only({ resourceType: 'Patient' }, 'Observation')!, /Expected a Observation resource but found a Patient/);
  assert.match(only({ name: [] })!, /resourceType is missing/);
  assert.match(only('not an object')!, /must be a JSON object/);
  assert.match(only([{ resourceType: 'Patient' }])!, /must be a JSON object/);
});

test('independent defects are all reported, schema and cardinality together', () => {
  const found = errors({ resourceType: 'Observation', status: 'done', valueBoolean: 'yes' });
  assert.deepEqual(found.map((i) => i.expression?.[0]).sort(), ['Observation.code', 'Observation.status', 'Observation.valueBoolean']);
});

test("a profile walk after the base walk runs the profile's own invariants only; the core ones are reported once, by the base walk", () => {
  const defs = loadR4Definitions();
  const registry = createConformanceRegistry(defs);
  registry.add(readConformanceFiles(fileURLToPath(new URL('../../../profiles/generated', import.meta.url))).resources);
  const v = createResourceValidator(defs, registry);
  const HR = 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-heart-rate';
  const heartRate = (extra: Record<string, unknown>) => ({
    resourceType: 'Observation',
    meta: { profile: [HR] },
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: 'Patient/p1' },
    effectiveDateTime: '2026-11-22T08:00:00Z',
    ...extra,
  });
  const keys = (issues: { diagnostics?: string }[]) =>
    issues.map((i) => /: ((?:obs|vs)-\d+):/.exec(i.diagnostics ?? '')?.[1]).filter(Boolean);
  // obs-6 (core Observation): no dataAbsentReason beside a value
  const both = heartRate({
    valueQuantity: { value: 70, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
    dataAbsentReason: { text: 'x' },
  });
  assert.deepEqual(keys(v.validate(both, 'Observation', { errorsOnly: true })), ['obs-6']);
  assert.deepEqual(keys(v.validate(both, 'Observation', { profiles: [HR], errorsOnly: true, base: false })), []);
  assert.deepEqual(keys(v.validate(both, 'Observation', { claimed: true, errorsOnly: true })), ['obs-6']);
  // vs-2 (the vitalsigns profile the heart-rate profile derives from): a value or a reason for its absence
  const neither = heartRate({});
  assert.deepEqual(keys(v.validate(neither, 'Observation', { errorsOnly: true })), []);
  assert.deepEqual(keys(v.validate(neither, 'Observation', { profiles: [HR], errorsOnly: true, base: false })), ['vs-2']);
});
