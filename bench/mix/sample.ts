// The values the query shapes use, read once before the runs: random Patients, Observations, Conditions,
// Encounters, MedicationRequests and CarePlans from the database (a random primary key, then the next resource of
// that type, so the cost is the same at any size), and the value sets the server expands with words of their codes.
import type {
  CarePlan,
  CodeableConcept,
  Condition,
  Encounter,
  MedicationRequest,
  Observation,
  Patient,
  Reference,
  Resource,
  ValueSet,
} from 'fhir/r4.js';
import mysql, { type Connection, type RowDataPacket } from 'mysql2/promise';

export interface Sample {
  patients: { id: string; family: string; given: string; gender: string; birthDate: string }[];
  /** Patient-scoped pairs: a patient and the code of one of its Observations. */
  observations: { patient: string; code: string; date: string }[];
  conditions: { patient: string; code: string; words: string[] }[];
  encounters: { patient: string; date: string }[];
  medicationRequests: { patient: string }[];
  /** Words of CarePlan narratives (text.div), for `_text`. */
  narrativeWords: string[];
  valueSets: { url: string; filters: string[] }[];
}

/** Up to `count` random current resources of `type`, parsed. */
async function randomResources<T extends Resource>(conn: Connection, type: T['resourceType'], count: number): Promise<T[]> {
  const [[{ top }]] = await conn.query<RowDataPacket[]>('SELECT MAX(pk) AS top FROM resource');
  const found = new Map<string, T>();
  for (let i = 0; i < count * 2 && found.size < count; i++) {
    const from = Math.floor(Math.random() * Number(top));
    const [rows] = await conn.query<RowDataPacket[]>(
      `SELECT r.res_id, h.content FROM resource r FORCE INDEX (PRIMARY) JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id
       WHERE r.pk >= ? AND r.res_type = ? AND r.deleted = 0 ORDER BY r.pk LIMIT 1`,
      [from, type],
    );
    if (rows[0]) found.set(String(rows[0].res_id), JSON.parse(String(rows[0].content)) as T);
  }
  return [...found.values()];
}

const words = (text: string | undefined) =>
  (text ?? '')
    .replace(/<[^>]*>/g, ' ')
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length >= 5);
const patientOf = (r: { subject?: Reference; patient?: Reference }) => (r.subject ?? r.patient)?.reference?.replace(/^Patient\//, '') ?? '';
const codeOf = (c: CodeableConcept | undefined) => (c?.coding?.[0] ? `${c.coding[0].system}|${c.coding[0].code}` : '');

/** R4 and FibroTrack value sets over code systems the server holds; those that do not expand are left out. */
const VALUE_SETS = [
  'http://hl7.org/fhir/ValueSet/administrative-gender',
  'http://hl7.org/fhir/ValueSet/marital-status',
  'http://hl7.org/fhir/ValueSet/observation-category',
  'http://hl7.org/fhir/ValueSet/condition-clinical',
  'http://hl7.org/fhir/ValueSet/encounter-status',
  'http://hl7.org/fhir/ValueSet/v3-ActEncounterCode',
  'http://hl7.org/fhir/ValueSet/allergy-intolerance-category',
  'https://fhir.fibrotrack.org/ValueSet/fibrotrack-pain-location',
  'https://fhir.fibrotrack.org/ValueSet/fibrotrack-pain-quality',
  'https://fhir.fibrotrack.org/ValueSet/fibrotrack-sleep-stage',
];

async function valueSets(base: string): Promise<Sample['valueSets']> {
  const held: Sample['valueSets'] = [];
  for (const url of VALUE_SETS) {
    const res = await fetch(`${base}/ValueSet/$expand?url=${encodeURIComponent(url)}&count=100`, {
      headers: { Accept: 'application/fhir+json' },
    });
    const body = (await res.json()) as ValueSet;
    const filters = [
      ...new Set((body.expansion?.contains ?? []).flatMap((c) => (c.display ?? '').split(/[^A-Za-z]+/).filter((w) => w.length >= 3))),
    ];
    if (res.ok && filters.length > 0) held.push({ url, filters });
  }
  if (held.length === 0) console.error('no value set expands: the $expand shape will send a value set from the list anyway');
  return held.length > 0 ? held : [{ url: VALUE_SETS[0], filters: ['male'] }];
}

export async function sample(databaseUrl: string, base: string, size = 200): Promise<Sample> {
  const conn = await mysql.createConnection(databaseUrl);
  try {
    const patients = (await randomResources<Patient>(conn, 'Patient', size)).map((p) => ({
      id: p.id!,
      family: p.name?.[0]?.family ?? '',
      given: p.name?.[0]?.given?.[0] ?? '',
      gender: p.gender ?? 'unknown',
      birthDate: p.birthDate ?? '1970-01-01',
    }));
    const observations = (await randomResources<Observation>(conn, 'Observation', size)).map((o) => ({
      patient: patientOf(o),
      code: codeOf(o.code),
      date: (o.effectiveDateTime ?? o.issued ?? '').slice(0, 10),
    }));
    const conditions = (await randomResources<Condition>(conn, 'Condition', size)).map((c) => ({
      patient: patientOf(c),
      code: codeOf(c.code),
      words: words(c.code?.text ?? c.code?.coding?.[0]?.display),
    }));
    const encounters = (await randomResources<Encounter>(conn, 'Encounter', size)).map((e) => ({
      patient: patientOf(e),
      date: (e.period?.start ?? '').slice(0, 10),
    }));
    const medicationRequests = (await randomResources<MedicationRequest>(conn, 'MedicationRequest', size / 4)).map((m) => ({
      patient: patientOf(m),
    }));
    const narrativeWords = [...new Set((await randomResources<CarePlan>(conn, 'CarePlan', size / 4)).flatMap((c) => words(c.text?.div)))];
    const drawn = {
      patients,
      observations: observations.filter((o) => o.code && o.date),
      conditions: conditions.filter((c) => c.code && c.words.length > 0),
      encounters: encounters.filter((e) => e.date),
      medicationRequests,
      narrativeWords,
      valueSets: await valueSets(base),
    };
    const empty = Object.entries(drawn)
      .filter(([key, xs]) => xs.length === 0 && key !== 'narrativeWords')
      .map(([key]) => key);
    if (empty.length > 0) throw new Error(`the database holds nothing to sample for ${empty.join(', ')}: load patients first`);
    return drawn;
  } finally {
    await conn.end();
  }
}
