// The searches bench/search measures, for a given patient number. Dates fall inside the generated year.
import { DAYS, END } from './generate.js';

const day = (d: number) => new Date(END - (DAYS - d) * 86_400_000).toISOString().slice(0, 10);

export interface BenchQuery {
  name: string;
  /** Path below the FHIR base, for patient `p` (a number below the patient count). */
  path(p: number): string;
  patientScoped: boolean;
}

export const QUERIES: BenchQuery[] = [
  {
    name: 'pain trend, 90 days, sorted by date',
    patientScoped: true,
    path: (p) => `Observation?patient=bench-p${p}&code=http://loinc.org|72514-3&date=ge${day(DAYS - 90)}&_sort=date&_count=100`,
  },
  {
    name: '$lastn pain and vitals',
    patientScoped: true,
    path: (p) => `Observation/$lastn?patient=bench-p${p}&category=survey,vital-signs&max=1`,
  },
  {
    name: 'medications with _include',
    patientScoped: true,
    path: (p) => `MedicationStatement?patient=bench-p${p}&_include=MedicationStatement:medication`,
  },
  {
    name: 'chained subject:Patient.identifier',
    patientScoped: true,
    path: (p) => `Observation?subject:Patient.identifier=urn:bench|P${p}&code=http://loinc.org|72514-3&_count=50`,
  },
  {
    name: 'pain > 8 in a date range, all patients',
    patientScoped: false,
    path: (p) =>
      `Observation?code=http://loinc.org|72514-3&value-quantity=gt8&date=ge${day(p % 300)}&date=le${day((p % 300) + 7)}&_count=50`,
  },
  // Cost follows the page, not the matches (docs/search.md, "Searches that walk an index"): a year of scores per patient.
  {
    name: 'newest pain scores of one patient, sorted by date',
    patientScoped: true,
    path: (p) => `Observation?subject=Patient/bench-p${p}&code=http://loinc.org|72514-3&_sort=-date&_count=20`,
  },
  {
    name: 'oldest pain scores of one patient, sorted by date',
    patientScoped: true,
    path: (p) => `Observation?patient=bench-p${p}&code=http://loinc.org|72514-3&_sort=date&_count=20`,
  },
  {
    name: 'newest pain scores, all patients',
    patientScoped: false,
    path: () => 'Observation?code=http://loinc.org|72514-3&_sort=-date&_count=20',
  },
  { name: 'female patients, by gender alone', patientScoped: false, path: () => 'Patient?gender=female&_count=20' },
  { name: 'final observations, all patients', patientScoped: false, path: () => 'Observation?status=final&_count=20' },
  {
    name: 'active medication statements, last updated first',
    patientScoped: false,
    path: () => 'MedicationStatement?status=active&_sort=-_lastUpdated&_count=20',
  },
  {
    name: '_has: patients with an active medication statement',
    patientScoped: false,
    path: (p) => `Patient?_has:MedicationStatement:patient:status=active&identifier=urn:bench|P${p}`,
  },
];
