// Generates Synthea-shaped transaction Bundles: urn:uuid fullUrls, ifNoneExist on shared resources,
// conditional references to practitioners and a patient record with encounters, conditions,
// observations and medication requests.
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry } from 'fhir/r4.js';

const urn = () => `urn:uuid:${randomUUID()}`;

export interface GeneratedBundle {
  bundle: Bundle;
  patientFullUrl: string;
  /** Number of entries that create new resources (not matched by ifNoneExist). */
  entries: number;
}

export function synthealikeBundle(seed: number, encounters = 5, npi = `99999${seed % 3}`): GeneratedBundle {
  const entry: BundleEntry[] = [];
  const add = (resource: Record<string, unknown>, ifNoneExist?: string) => {
    const fullUrl = urn();
    entry.push({
      fullUrl,
      resource: resource as never,
      request: { method: 'POST', url: String(resource.resourceType), ...(ifNoneExist ? { ifNoneExist } : {}) },
    });
    return fullUrl;
  };
  const org = add(
    {
      resourceType: 'Organization',
      identifier: [{ system: 'https://github.com/synthetichealth/synthea', value: `org-${seed % 3}` }],
      name: `Clinic ${seed % 3}`,
    },
    `identifier=https://github.com/synthetichealth/synthea|org-${seed % 3}`,
  );
  add(
    {
      resourceType: 'Practitioner',
      identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: npi }],
      name: [{ family: `Doctor${npi}`, prefix: ['Dr.'] }],
    },
    `identifier=http://hl7.org/fhir/sid/us-npi|${npi}`,
  );
  const patient = add({
    resourceType: 'Patient',
    identifier: [{ system: 'https://github.com/synthetichealth/synthea', value: randomUUID() }],
    name: [{ use: 'official', family: `Family${seed}`, given: [`Given${seed}`] }],
    gender: seed % 2 ? 'male' : 'female',
    birthDate: `19${50 + (seed % 50)}-0${1 + (seed % 9)}-1${seed % 9}`,
    managingOrganization: { reference: org },
  });
  for (let e = 0; e < encounters; e++) {
    const day = `2025-0${1 + (e % 9)}-1${e % 9}`;
    const encounter = add({
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      type: [{ coding: [{ system: 'http://snomed.info/sct', code: '185349003', display: 'Encounter for check up' }] }],
      subject: { reference: patient },
      participant: [{ individual: { reference: `Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|${npi}` } }],
      period: { start: `${day}T09:00:00Z`, end: `${day}T09:30:00Z` },
      serviceProvider: { reference: org },
    });
    add({
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
      code: { coding: [{ system: 'http://snomed.info/sct', code: '203082005', display: 'Fibromyalgia' }] },
      subject: { reference: patient },
      encounter: { reference: encounter },
      onsetDateTime: `${day}T09:10:00Z`,
    });
    add({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
      subject: { reference: patient },
      encounter: { reference: encounter },
      effectiveDateTime: `${day}T09:15:00Z`,
      valueQuantity: { value: (seed + e) % 11, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
    });
    add({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '310965', display: 'Ibuprofen 200 MG Oral Tablet' }],
      },
      subject: { reference: patient },
      encounter: { reference: encounter },
      authoredOn: `${day}T09:20:00Z`,
      requester: { reference: `Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|${npi}` },
    });
  }
  return { bundle: { resourceType: 'Bundle', type: 'transaction', entry }, patientFullUrl: patient, entries: entry.length };
}
