// bench/mix's copies of a Synthea Bundle: fresh ids that still resolve inside the copy, and per-copy names, so that
// the replicated patients are distinct records and not the same 30 again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicate } from '../bench/mix/replicate.js';

// The shape of a Synthea transaction Bundle (../shared/fixtures/synthea): POSTs with urn:uuid fullUrls, references
// to them, and the Patient's identifiers, two of them carrying the record's UUID.
const [P, E, O, RECORD] = [
  '60c529cb-591e-47ee-a788-4981a407ccdf',
  'cf8a6851-a711-472c-bb27-bbca8c398577',
  '4ab036a1-1125-4a37-815f-05bfb1ec4f55',
  'b67d9cf2-bfd2-4461-94a9-8bb36d289e04',
];
const entry = (id: string, resource: Record<string, unknown>) => ({
  fullUrl: `urn:uuid:${id}`,
  resource: { id, ...resource },
  request: { method: 'POST', url: resource.resourceType },
});
const template = JSON.stringify({
  resourceType: 'Bundle',
  type: 'transaction',
  entry: [
    entry(P, {
      resourceType: 'Patient',
      name: [{ family: 'Kemmer', given: ['Bonnie'] }],
      identifier: [
        { system: 'https://github.com/synthetichealth/synthea', value: RECORD },
        { system: 'http://hospital.smarthealthit.org', value: RECORD },
        { system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-31-6032' },
      ],
    }),
    entry(E, { resourceType: 'Encounter', status: 'finished', subject: { reference: `urn:uuid:${P}` } }),
    entry(O, {
      resourceType: 'Observation',
      status: 'final',
      subject: { reference: `urn:uuid:${P}` },
      encounter: { reference: `urn:uuid:${E}` },
    }),
  ],
});

interface Entry {
  fullUrl: string;
  resource: { resourceType: string; id: string; name?: { family: string }[]; identifier?: { value: string }[] };
}
const entries = (text: string) => (JSON.parse(text) as { entry: Entry[] }).entry;
const references = (text: string) => [...text.matchAll(/"reference":"(urn:uuid:[^"]+)"/g)].map((m) => m[1]);

test('a copy has fresh ids, and every reference in it names a fullUrl of the same copy', () => {
  const copy = replicate(template, 7);
  const original = entries(template);
  const copied = entries(copy);
  assert.equal(copied.length, original.length);
  const fullUrls = new Set(copied.map((e) => e.fullUrl));
  for (const [i, e] of copied.entries()) {
    assert.notEqual(e.resource.id, original[i].resource.id);
    assert.equal(e.fullUrl, `urn:uuid:${e.resource.id}`);
  }
  const refs = references(copy);
  assert.equal(refs.length, 3);
  for (const ref of refs) assert.ok(fullUrls.has(ref), `${ref} does not resolve in the copy`);
});

test('two copies share no id, and their patients differ in family name and identifiers', () => {
  const [a, b] = [replicate(template, 1), replicate(template, 2)];
  const ids = new Set(entries(a).map((e) => e.resource.id));
  assert.ok(entries(b).every((e) => !ids.has(e.resource.id)));
  const patient = (text: string) => entries(text).find((e) => e.resource.resourceType === 'Patient')!.resource;
  assert.notEqual(patient(a).name![0].family, patient(b).name![0].family);
  assert.notEqual(patient(a).name![0].family.slice(0, 4), patient(b).name![0].family.slice(0, 4));
  for (const [i, id] of patient(a).identifier!.entries()) assert.notEqual(id.value, patient(b).identifier![i].value);
});
