// A profile covers its base only when it constrains every element at least as tightly; a write claiming a covering
// profile is walked once, and gets the very answer the two walks gave.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ElementDefinition, Resource, StructureDefinition } from 'fhir/r4.js';
import { readConformanceFiles } from '../conformance/conformance-files.js';
import { loadConfig } from '../config.js';
import { OutcomeError } from '../core/outcomes.js';
import { r4Definitions } from '../fhir-services.js';
import { validateWrite } from '../fhir/validate-write.js';
import { createConformanceRegistry } from './conformance-registry.js';
import { coversBase } from './covers-base.js';
import { buildWriteValidation } from './write-validation.js';

const files = readConformanceFiles(loadConfig({}).profilesDir);
const validators = buildWriteValidation(r4Definitions(), {
  conformance: files.resources,
  requireProfiles: false,
  implementationGuides: [],
});
const profiles = files.resources.filter(
  (r): r is StructureDefinition => r.resourceType === 'StructureDefinition' && (r as StructureDefinition).kind === 'resource',
);
const HEART_RATE = profiles.find((p) => p.url.endsWith('/fibrotrack-heart-rate'))!;
const registry = createConformanceRegistry(r4Definitions());
registry.add(files.resources);
const covers = (sd: StructureDefinition) => coversBase(sd, r4Definitions(), (url) => registry.structureDefinition(url)?.type);

test('every FibroTrack profile covers its base definition', () => {
  assert.ok(profiles.length >= 10);
  for (const p of profiles) assert.equal(validators.profiles.coversBase(p.url), true, p.url);
});

/** The heart rate profile with one element changed (or removed, when the change returns null). */
function changed(id: string, change: (e: ElementDefinition) => ElementDefinition | null | void): StructureDefinition {
  const sd = structuredClone(HEART_RATE);
  const at = sd.snapshot!.element.findIndex((e) => e.id === id);
  assert.ok(at >= 0, id);
  const result = change(sd.snapshot!.element[at]);
  if (result === null) sd.snapshot!.element.splice(at, 1);
  return sd;
}

test('a profile looser than its base anywhere does not cover it', () => {
  assert.equal(covers(HEART_RATE), true);
  const looser: [string, StructureDefinition][] = [
    ['a required element made optional', changed('Observation.status', (e) => void (e.min = 0))],
    ['a single element made repeating', changed('Observation.subject', (e) => void (e.max = '*'))],
    ['a type the base does not allow', changed('Observation.effective[x]', (e) => void e.type!.push({ code: 'Attachment' }))],
    [
      'a reference target the base does not allow',
      changed(
        'Observation.subject',
        (e) => void (e.type = [{ code: 'Reference', targetProfile: ['http://hl7.org/fhir/StructureDefinition/Medication'] }]),
      ),
    ],
    ['an error invariant dropped', changed('Observation', (e) => void (e.constraint = e.constraint!.filter((c) => c.key !== 'obs-6')))],
    [
      'an error invariant rewritten',
      changed('Observation', (e) => void (e.constraint!.find((c) => c.key === 'obs-7')!.expression = 'true')),
    ],
    [
      'a required binding widened',
      changed(
        'Observation.status',
        (e) => void (e.binding = { strength: 'extensible', valueSet: 'http://hl7.org/fhir/ValueSet/observation-status' }),
      ),
    ],
    [
      'a required binding to another value set',
      changed(
        'Observation.status',
        (e) => void (e.binding = { strength: 'required', valueSet: 'http://hl7.org/fhir/ValueSet/publication-status' }),
      ),
    ],
    ['an element of the base left out', changed('Observation.status', () => null)],
    [
      'an element that derives from nothing known',
      changed('Observation.status', (e) => void (e.base = { path: 'Observation.nothing', min: 0, max: '1' })),
    ],
    ['a derivation that is not a constraint', Object.assign(structuredClone(HEART_RATE), { derivation: 'specialization' })],
  ];
  // A datatype's children spelled out without one it requires (Narrative.div).
  const narrative = structuredClone(HEART_RATE);
  const text = narrative.snapshot!.element.findIndex((e) => e.id === 'Observation.text');
  const status = r4Definitions()
    .structureDefinition('Narrative')!
    .snapshot!.element.find((e) => e.path === 'Narrative.status')!;
  narrative.snapshot!.element.splice(text + 1, 0, {
    ...structuredClone(status),
    id: 'Observation.text.status',
    path: 'Observation.text.status',
  });
  assert.equal(covers(narrative), false);
  // With the required div beside it, the expansion is complete.
  const div = r4Definitions()
    .structureDefinition('Narrative')!
    .snapshot!.element.find((e) => e.path === 'Narrative.div')!;
  const complete = structuredClone(narrative);
  complete.snapshot!.element.splice(text + 2, 0, { ...structuredClone(div), id: 'Observation.text.div', path: 'Observation.text.div' });
  assert.equal(covers(complete), true);
  looser.push(['a datatype expanded without a required child', narrative]);
  for (const [what, sd] of looser) assert.equal(covers(sd), false, what);
});

/** Copies of the heart rate example broken in ways the base definition, its invariants or the profile refuse. */
const example = files.examples.find((r) => r.meta?.profile?.[0] === HEART_RATE.url)! as unknown as Record<string, unknown>;
const broken: [string, Record<string, unknown>][] = [
  ['valid as it is', example],
  ['no status', { ...example, status: undefined }],
  ['a status not in its required value set', { ...example, status: 'bogus' }],
  ['a subject of a type the base does not allow', { ...example, subject: { reference: 'Medication/m1' } }],
  ['a date the schema refuses', { ...example, effectiveDateTime: '2024-13-45' }],
  ['an unknown element', { ...example, colour: 'red' }],
  [
    "a comparator outside Quantity's required codes",
    { ...example, valueQuantity: { ...(example.valueQuantity as object), comparator: 'about' } },
  ],
  ['a value beside a dataAbsentReason (obs-6)', { ...example, dataAbsentReason: { text: 'asked' } }],
  ['an empty element (ele-1)', { ...example, code: { ...(example.code as object), text: undefined, coding: [{}] } }],
  ['a date to the month only (vs-1, the profile)', { ...example, effectiveDateTime: '2026-11' }],
  ['no value (the profile)', { ...example, valueQuantity: undefined }],
  ['an invalid contained resource', { ...example, contained: [{ resourceType: 'Patient', id: 'p', gender: 'sometimes' }] }],
  ['a narrative without its status', { ...example, text: { div: (example.text as { div: string }).div } }],
  ['identifiers as an object', { ...example, identifier: (example.identifier as unknown[])[0] }],
];

function outcome(resource: Record<string, unknown>, withCovering: boolean): unknown {
  const ctx = withCovering ? validators : { ...validators, profiles: { ...validators.profiles, coversBase: () => false } };
  try {
    validateWrite(JSON.parse(JSON.stringify(resource)) as Resource, 'Observation', ctx);
    return 'accepted';
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    return { status: err.status, issues: err.outcome.issue };
  }
}

test('a write claiming a covering profile gets the answer the base and profile walks give', () => {
  const statuses = new Set<unknown>();
  for (const [what, resource] of broken) {
    const expected = outcome(resource, false);
    assert.deepEqual(outcome(resource, true), expected, what);
    statuses.add(typeof expected === 'string' ? expected : (expected as { status: number }).status);
  }
  assert.deepEqual([...statuses].sort(), [400, 422, 'accepted']);
});
