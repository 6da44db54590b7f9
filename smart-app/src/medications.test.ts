// Current medications: names from the concept or the included Medication, dosage text, sorting.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { medicationRows, medicationSearchUrl } from './medications.js';

test('rows name the drug from the concept, the included Medication or the reference display', () => {
  const resources: Resource[] = [
    { resourceType: 'MedicationStatement', id: '1', status: 'active', subject: { reference: 'Patient/p' },
      medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '197806', display: 'Ibuprofen 600 MG Oral Tablet' }] },
      dosage: [{ text: '1 tablet every 8 hours' }, { text: 'with food' }], effectiveDateTime: '2026-10-01' },
    { resourceType: 'MedicationStatement', id: '2', status: 'active', subject: { reference: 'Patient/p' },
      medicationReference: { reference: 'Medication/m1' }, effectivePeriod: { start: '2026-09-15' } },
    { resourceType: 'Medication', id: 'm1', code: { text: 'Duloxetine 30 mg capsule' } },
    { resourceType: 'MedicationStatement', id: '3', status: 'active', subject: { reference: 'Patient/p' },
      medicationReference: { reference: 'Medication/missing', display: 'Amitriptyline 10 mg' } },
    { resourceType: 'MedicationStatement', id: '4', status: 'stopped', subject: { reference: 'Patient/p' },
      medicationCodeableConcept: { text: 'Tramadol' } },
  ] as unknown as Resource[];
  assert.deepEqual(medicationRows(resources), [
    { name: 'Amitriptyline 10 mg', dosage: 'No dosage recorded', since: undefined, id: '3' },
    { name: 'Duloxetine 30 mg capsule', dosage: 'No dosage recorded', since: '2026-09-15', id: '2' },
    { name: 'Ibuprofen 600 MG Oral Tablet', dosage: '1 tablet every 8 hours; with food', since: '2026-10-01', id: '1' },
  ]);
});

test('the search asks for active statements with their Medications', () => {
  const url = new URL(medicationSearchUrl('p'), 'http://x/fhir/');
  assert.equal(url.pathname, '/fhir/MedicationStatement');
  assert.equal(url.searchParams.get('status'), 'active');
  assert.equal(url.searchParams.get('_include'), 'MedicationStatement:medication');
});
