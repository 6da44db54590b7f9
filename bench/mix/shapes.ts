// The query shapes of the mix: what a clinical app sends (patient-scoped lists, cross-patient searches, full-text,
// totals, includes, a chain, terminology, the CapabilityStatement), each a path under the FHIR base built from
// values drawn at random from the sample (sample.ts). Every shape is drawn with the same probability.
import type { Sample } from './sample.js';

export interface Shape {
  name: string;
  path: (s: Sample) => string;
}

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)];
const q = encodeURIComponent;
const CATEGORIES = ['vital-signs', 'laboratory', 'survey'];
const yearOf = (date: string) => Number(date.slice(0, 4));
const yearRange = (date: string) => `date=ge${yearOf(date)}-01-01&date=lt${yearOf(date) + 1}-01-01`;

export const SHAPES: Shape[] = [
  // Patient-scoped: one patient's chart.
  { name: 'read Patient/[id]', path: (s) => `Patient/${pick(s.patients).id}` },
  {
    name: 'Observation?patient&code&_sort=-date&_count=20',
    path: (s) => {
      const o = pick(s.observations);
      return `Observation?patient=${o.patient}&code=${q(o.code)}&_sort=-date&_count=20`;
    },
  },
  {
    name: 'Observation?patient&category&_count=50',
    path: (s) => `Observation?patient=${pick(s.patients).id}&category=${pick(CATEGORIES)}&_count=50`,
  },
  { name: 'Condition?patient', path: (s) => `Condition?patient=${pick(s.patients).id}` },
  { name: 'MedicationRequest?patient', path: (s) => `MedicationRequest?patient=${pick(s.medicationRequests).patient}` },
  { name: 'Encounter?patient&_sort=-date&_count=20', path: (s) => `Encounter?patient=${pick(s.encounters).patient}&_sort=-date&_count=20` },
  { name: 'Procedure?patient&_count=50', path: (s) => `Procedure?patient=${pick(s.patients).id}&_count=50` },
  { name: 'AllergyIntolerance?patient', path: (s) => `AllergyIntolerance?patient=${pick(s.patients).id}` },
  { name: 'Patient/[id]/$everything?_count=50', path: (s) => `Patient/${pick(s.patients).id}/$everything?_count=50` },
  {
    name: 'Observation/$lastn?patient&category',
    path: (s) => `Observation/$lastn?patient=${pick(s.patients).id}&category=${pick(CATEGORIES)}`,
  },
  // Cross-patient.
  { name: 'Observation?code&_count=20', path: (s) => `Observation?code=${q(pick(s.observations).code)}&_count=20` },
  { name: 'Observation?code&_sort=-date&_count=20', path: (s) => `Observation?code=${q(pick(s.observations).code)}&_sort=-date&_count=20` },
  {
    name: 'Observation?code&date (one year)',
    path: (s) => {
      const o = pick(s.observations);
      return `Observation?code=${q(o.code)}&${yearRange(o.date)}&_count=20`;
    },
  },
  { name: 'Condition?code&_count=20', path: (s) => `Condition?code=${q(pick(s.conditions).code)}&_count=20` },
  { name: 'Encounter?date (one day)', path: (s) => `Encounter?date=${pick(s.encounters).date}&_count=20` },
  { name: 'Patient?gender&_count=20', path: (s) => `Patient?gender=${pick(s.patients).gender}&_count=20` },
  { name: 'Patient?name (4-letter prefix)', path: (s) => `Patient?name=${q(pick(s.patients).family.slice(0, 4))}&_count=20` },
  {
    name: 'Patient?family&birthdate',
    path: (s) => {
      const p = pick(s.patients);
      return `Patient?family=${q(p.family)}&birthdate=${p.birthDate}`;
    },
  },
  // Full-text.
  { name: 'Condition?code:text', path: (s) => `Condition?code:text=${q(pick(pick(s.conditions).words))}&_count=20` },
  { name: 'Patient?name:text', path: (s) => `Patient?name:text=${q(pick(s.patients).given)}&_count=20` },
  { name: 'Condition?_content', path: (s) => `Condition?_content=${q(pick(pick(s.conditions).words))}&_count=20` },
  {
    name: 'CarePlan?_text',
    path: (s) => `CarePlan?_text=${q(pick(s.narrativeWords.length > 0 ? s.narrativeWords : ['asthma']))}&_count=20`,
  },
  // Totals.
  { name: 'Observation?_total=accurate (type)', path: () => 'Observation?_total=accurate&_count=10' },
  { name: 'Observation?code&_total=accurate', path: (s) => `Observation?code=${q(pick(s.observations).code)}&_total=accurate&_count=10` },
  { name: 'Condition?code&_summary=count', path: (s) => `Condition?code=${q(pick(s.conditions).code)}&_summary=count` },
  // Includes, revincludes, chains.
  {
    name: 'MedicationRequest?patient&_include=requester',
    path: (s) => `MedicationRequest?patient=${pick(s.medicationRequests).patient}&_include=MedicationRequest:requester`,
  },
  { name: 'Patient?_id&_revinclude=Condition:patient', path: (s) => `Patient?_id=${pick(s.patients).id}&_revinclude=Condition:patient` },
  { name: 'Condition?subject:Patient.name', path: (s) => `Condition?subject:Patient.name=${q(pick(s.patients).family)}` },
  // Terminology and conformance.
  {
    name: 'ValueSet/$expand?url&filter',
    path: (s) => {
      const v = pick(s.valueSets);
      return `ValueSet/$expand?url=${q(v.url)}&filter=${q(pick(v.filters))}&count=20`;
    },
  },
  { name: 'metadata', path: () => 'metadata' },
];
