// Medications: both resource types, every status, names, dosage, adherence, current before past.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { ADHERENCE_URL, medicationEntries, medicationSearchUrls } from './medications.js';

const now = new Date('2026-12-01T10:00:00Z');
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

test('entries name the drug from the concept, the included Medication or the reference display; current first', () => {
  const resources = [
    {
      resourceType: 'MedicationStatement',
      id: '1',
      status: 'active',
      subject: { reference: 'Patient/p' },
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '197806', display: 'Ibuprofen 600 MG Oral Tablet' }] },
      dosage: [{ text: '1 tablet every 8 hours' }, { text: 'with food' }],
      effectiveDateTime: '2026-10-01',
    },
    {
      resourceType: 'MedicationStatement',
      id: '2',
      status: 'active',
      subject: { reference: 'Patient/p' },
      medicationReference: { reference: 'Medication/m1' },
      effectivePeriod: { start: '2026-09-15' },
    },
    { resourceType: 'Medication', id: 'm1', code: { text: 'Duloxetine 30 mg capsule' } },
    {
      resourceType: 'MedicationStatement',
      id: '4',
      status: 'stopped',
      subject: { reference: 'Patient/p' },
      medicationCodeableConcept: { text: 'Tramadol' },
      effectivePeriod: { start: '2026-01-01', end: '2026-03-01' },
    },
    { resourceType: 'MedicationStatement', id: '5', status: 'entered-in-error', medicationCodeableConcept: { text: 'Wrong' } },
    {
      resourceType: 'MedicationRequest',
      id: 'r1',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p' },
      medicationCodeableConcept: { text: 'Pregabalin 75 mg capsule' },
      authoredOn: '2026-11-01',
      dosageInstruction: [{ text: '75 mg twice daily' }],
    },
    {
      resourceType: 'MedicationRequest',
      id: 'r2',
      status: 'active',
      intent: 'order',
      subject: { reference: 'Patient/p' },
      medicationCodeableConcept: { text: 'Naproxen' },
      dispenseRequest: { validityPeriod: { start: '2026-05-01', end: '2026-06-01' } },
    },
  ] as unknown as Resource[];
  assert.deepEqual(
    medicationEntries(resources, now).map((e) => [e.id, e.name, e.source, e.status, e.current, e.start ?? null, e.end ?? null]),
    [
      ['r1', 'Pregabalin 75 mg capsule', 'MedicationRequest', 'active', true, '2026-11-01', null],
      ['1', 'Ibuprofen 600 MG Oral Tablet', 'MedicationStatement', 'active', true, '2026-10-01', null],
      ['2', 'Duloxetine 30 mg capsule', 'MedicationStatement', 'active', true, '2026-09-15', null],
      // An active request whose validity ended is no longer current.
      ['r2', 'Naproxen', 'MedicationRequest', 'active', false, '2026-05-01', '2026-06-01'],
      ['4', 'Tramadol', 'MedicationStatement', 'stopped', false, '2026-01-01', '2026-03-01'],
    ],
  );
  assert.equal(medicationEntries(resources, now)[1].dosage, '1 tablet every 8 hours; with food');
});

test('adherence: not-taken status or our extension, with the reason', () => {
  const resources = [
    {
      resourceType: 'MedicationStatement',
      id: 'a',
      status: 'not-taken',
      medicationCodeableConcept: { text: 'A' },
      statusReason: [{ text: 'nausea' }],
    },
    {
      resourceType: 'MedicationStatement',
      id: 'b',
      status: 'active',
      medicationCodeableConcept: { text: 'B' },
      extension: [{ url: ADHERENCE_URL, valueCodeableConcept: { coding: [{ code: 'taken' }] } }],
    },
    { resourceType: 'MedicationStatement', id: 'c', status: 'active', medicationCodeableConcept: { text: 'C' } },
  ] as unknown as Resource[];
  const byId = Object.fromEntries(medicationEntries(resources, now).map((e) => [e.id, e.adherence ?? null]));
  assert.deepEqual(byId, { a: 'Not taken: nausea', b: 'Taken', c: null });
});

test('the searches ask for every status of both types with their Medications', () => {
  const urls = medicationSearchUrls('p').map((u) => new URL(u, 'http://x/fhir/'));
  assert.deepEqual(
    urls.map((u) => u.pathname),
    ['/fhir/MedicationStatement', '/fhir/MedicationRequest'],
  );
  assert.equal(urls[0].searchParams.get('status'), null);
  assert.equal(urls[1].searchParams.get('_include'), 'MedicationRequest:medication');
});
