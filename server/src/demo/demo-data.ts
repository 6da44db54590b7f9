// The demo data set (`fibrotrack seed --demo`): patients with a year of daily pain scores, medication histories
// that start, change dose and stop, and conditions, all dated relative to `today` and with fixed ids so a second
// run writes the same resources again. Pure and deterministic (a seeded generator per patient).
import type { Condition, FhirResource, MedicationRequest, MedicationStatement, Observation, Patient, Practitioner } from 'fhir/r4.js';
import { seededRandom } from '../core/seeded-random.js';

export const DEMO_PATIENTS = 20;
export const PAIN_DAYS = 365;
const DAY_MS = 86_400_000;
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SNOMED = 'http://snomed.info/sct';
const FT = 'https://fhir.fibrotrack.org';
const MR = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] };
const SCORE = { unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' };

const GIVEN = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Kira',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Pavel',
  'Rosa',
  'Sami',
  'Tara',
  'Yusuf',
];
const FAMILY = [
  'Keller',
  'Okafor',
  'Santos',
  'Lindqvist',
  'Moreau',
  'Haddad',
  'Novak',
  'Brennan',
  'Castillo',
  'Weber',
  'Tanaka',
  'Murphy',
  'Rossi',
  'Schmidt',
  'Ivanova',
  'Dvorak',
  'Alves',
  'Nieminen',
  'Kapoor',
  'Demir',
];
/** Widespread Pain Index regions (SNOMED CT) the demo patients report most. */
const REGIONS = ['37822005', '45048000', '91774008', '91775009', '76052000', '287579007', '287679003', '11207009'];
const QUALITIES = ['aching', 'burning', 'stabbing', 'throbbing', 'tingling'];

export const DEMO_PRACTITIONERS: { id: string; given: string; family: string; username: string; password: string }[] = [
  { id: 'demo-practitioner-1', given: 'Maria', family: 'Lopez', username: 'dr.lopez', password: 'demo-lopez-2026' },
  { id: 'demo-practitioner-2', given: 'Tom', family: 'Becker', username: 'dr.becker', password: 'demo-becker-2026' },
];

export const isoDay = (time: number) => new Date(time).toISOString().slice(0, 10);
export const demoPatientId = (n: number) => `demo-patient-${String(n).padStart(2, '0')}`;

export function practitionerResources(): Practitioner[] {
  return DEMO_PRACTITIONERS.map((p) => ({
    resourceType: 'Practitioner',
    id: p.id,
    active: true,
    name: [{ prefix: ['Dr.'], given: [p.given], family: p.family }],
  }));
}

interface DrugPlan {
  rxnorm: string;
  name: string;
  periods: { from: number; to?: number; dose: string }[];
  kind: 'statement' | 'request';
  status: 'active' | 'stopped' | 'completed';
}

/** Days back from today at which each drug starts, changes dose and stops (varied a little per patient). */
function drugPlans(shift: number): DrugPlan[] {
  return [
    {
      rxnorm: '596926',
      name: 'Duloxetine 30 MG Delayed Release Oral Capsule',
      kind: 'statement',
      status: 'active',
      periods: [
        { from: 300 - shift, to: 240 - shift, dose: '30 mg once daily' },
        { from: 240 - shift, dose: '60 mg once daily' },
      ],
    },
    {
      rxnorm: '835603',
      name: 'Tramadol Hydrochloride 50 MG Oral Tablet',
      kind: 'statement',
      status: 'stopped',
      periods: [{ from: 200 - shift, to: 150 - shift, dose: '50 mg up to three times daily as needed' }],
    },
    {
      rxnorm: '483440',
      name: 'Pregabalin 75 MG Oral Capsule',
      kind: 'request',
      status: 'active',
      periods: [
        { from: 90 - shift, to: 60 - shift, dose: '75 mg twice daily' },
        { from: 60 - shift, dose: '150 mg twice daily' },
      ],
    },
    {
      rxnorm: '197806',
      name: 'Ibuprofen 600 MG Oral Tablet',
      kind: 'request',
      status: 'completed',
      periods: [{ from: 340 - shift, to: 320 - shift, dose: '600 mg three times daily with food' }],
    },
  ];
}

/** How much a drug lowers the pain once taken (the chart should show it). */
function relief(daysAgo: number, shift: number): number {
  let r = 0;
  if (daysAgo <= 300 - shift) r += Math.min(1.5, ((300 - shift - daysAgo) / 60) * 1.5);
  if (daysAgo <= 200 - shift && daysAgo > 150 - shift) r += 0.8;
  if (daysAgo <= 90 - shift) r += Math.min(1, (90 - shift - daysAgo) / 30);
  return r;
}

/** Everything FHIR for demo patient n (1-based) as of `today` (UTC midnight). */
export function patientResources(n: number, today: Date): FhirResource[] {
  const rand = seededRandom(n * 7919);
  const id = demoPatientId(n);
  const subject = { reference: `Patient/${id}` };
  const day0 = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const daysAgo = (d: number) => day0 - d * DAY_MS;
  const shift = Math.floor(rand() * 20);
  const patient: Patient = {
    resourceType: 'Patient',
    id,
    active: true,
    identifier: [{ type: MR, system: `${FT}/identifier/demo-mrn`, value: `DEMO-${1000 + n}` }],
    name: [{ use: 'official', given: [GIVEN[(n - 1) % GIVEN.length]], family: FAMILY[(n - 1) % FAMILY.length] }],
    gender: n % 3 === 0 ? 'male' : 'female',
    birthDate: isoDay(Date.UTC(1950 + Math.floor(rand() * 45), Math.floor(rand() * 12), 1 + Math.floor(rand() * 28))),
    generalPractitioner: [{ reference: `Practitioner/${DEMO_PRACTITIONERS[n % 2].id}` }],
  };
  const conditions: Condition[] = [
    { code: '203082005', display: 'Fibromyalgia', onset: 900 + n * 30 },
    { code: '279039007', display: 'Low back pain', onset: 2000 + n * 11 },
    { code: '193462001', display: 'Insomnia', onset: 500 + n * 7 },
  ].map((c, i) => ({
    resourceType: 'Condition',
    id: `${id}-condition-${i + 1}`,
    subject,
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: i === 2 && n % 2 ? 'resolved' : 'active' }],
    },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: { coding: [{ system: SNOMED, code: c.code, display: c.display }], text: c.display },
    onsetDateTime: isoDay(daysAgo(c.onset)),
    ...(i === 2 && n % 2 ? { abatementDateTime: isoDay(daysAgo(60)) } : {}),
  }));
  const medications: (MedicationStatement | MedicationRequest)[] = drugPlans(shift).flatMap((drug, d) =>
    drug.periods.map((p, i) => {
      const last = i === drug.periods.length - 1;
      const medicationCodeableConcept = { coding: [{ system: RXNORM, code: drug.rxnorm, display: drug.name }], text: drug.name };
      const period = { start: isoDay(daysAgo(p.from)), ...(p.to === undefined ? {} : { end: isoDay(daysAgo(p.to)) }) };
      // An earlier dose of a drug still taken is a finished statement or request; the last one carries the drug's status.
      const status = last ? drug.status : 'completed';
      if (drug.kind === 'statement') {
        return {
          resourceType: 'MedicationStatement',
          id: `${id}-med-${d + 1}-${i + 1}`,
          status,
          subject,
          medicationCodeableConcept,
          effectivePeriod: period,
          dateAsserted: period.start,
          dosage: [{ text: p.dose }],
          extension: [
            {
              url: `${FT}/StructureDefinition/fibrotrack-adherence`,
              valueCodeableConcept: { coding: [{ system: `${FT}/CodeSystem/fibrotrack-adherence`, code: 'taken', display: 'Taken' }] },
            },
          ],
          ...(drug.status === 'stopped' && last ? { statusReason: [{ text: 'Nausea and dizziness' }] } : {}),
        } satisfies MedicationStatement;
      }
      return {
        resourceType: 'MedicationRequest',
        id: `${id}-med-${d + 1}-${i + 1}`,
        status,
        intent: 'order',
        subject,
        medicationCodeableConcept,
        authoredOn: period.start,
        requester: { reference: `Practitioner/${DEMO_PRACTITIONERS[n % 2].id}` },
        dosageInstruction: [{ text: p.dose }],
        dispenseRequest: { validityPeriod: period },
      } satisfies MedicationRequest;
    }),
  );
  const regions = [0, 1, 2].map(() => REGIONS[Math.floor(rand() * REGIONS.length)]);
  const base = 5.5 + rand() * 2;
  const pain: Observation[] = [];
  for (let d = PAIN_DAYS - 1; d >= 0; d--) {
    const r = rand();
    if (r < 0.08) continue; // a day without a report
    const score = Math.max(0, Math.min(10, Math.round(base - relief(d, shift) + (rand() - 0.5) * 3)));
    const hour = 7 + Math.floor(rand() * 12);
    const site = regions[Math.floor(rand() * regions.length)];
    const quality = rand() < 0.4 ? QUALITIES[Math.floor(rand() * QUALITIES.length)] : undefined;
    pain.push({
      resourceType: 'Observation',
      id: `${id}-pain-${isoDay(daysAgo(d))}`,
      status: 'final',
      meta: { profile: [`${FT}/StructureDefinition/fibrotrack-pain-severity`] },
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
      code: {
        coding: [{ system: 'http://loinc.org', code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' }],
      },
      subject,
      effectiveDateTime: new Date(daysAgo(d) + hour * 3_600_000).toISOString(),
      valueQuantity: { value: score, ...SCORE },
      bodySite: { coding: [{ system: SNOMED, code: site }] },
      component: [
        ...(quality
          ? [
              {
                code: { coding: [{ system: `${FT}/CodeSystem/fibrotrack-observation`, code: 'pain-quality' }] },
                valueCodeableConcept: { coding: [{ system: `${FT}/CodeSystem/fibrotrack-pain-quality`, code: quality }] },
              },
            ]
          : []),
        {
          code: { coding: [{ system: `${FT}/CodeSystem/fibrotrack-observation`, code: 'pain-interference' }] },
          valueQuantity: { value: Math.max(0, Math.min(10, score - 1 + Math.floor(rand() * 3))), ...SCORE },
        },
      ],
    });
  }
  return [patient, ...conditions, ...medications, ...pain];
}
