// Patient/$import-wearable with the shapes real exports have (issue 23): byte order marks, activity summaries and
// breathing rate, Apple skip counts per record, records sharing an id, field variants, DST days, old heart shapes.
// Every answer's counts add up: created + unchanged + skipped = the records the file holds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Parameters } from 'fhir/r4.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;

const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);
const count = (p: Parameters, name: string) => param(p, name)?.valueInteger ?? -1;
const reasons = (p: Parameters) => (p.parameter ?? []).filter((x) => x.name === 'skippedReason').map((x) => ({
  reason: x.part!.find((y) => y.name === 'reason')!.valueString!,
  count: x.part!.find((y) => y.name === 'count')!.valueInteger!,
  firstPosition: x.part!.find((y) => y.name === 'firstPosition')!.valueString!,
}));

const newPatient = async () =>
  (await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id as string;

const upload = (patient: string, body: string | Buffer, name: string, query = '?timeZone=Europe/Berlin', type = 'application/json') =>
  server.http
    .post(`/fhir/Patient/${patient}/$import-wearable${query}`)
    .set('Content-Type', type)
    .set('Content-Disposition', `attachment; filename="${name}"`)
    .send(body);

/** Imports the file twice: the first answer creates, the second finds everything unchanged; counts add up to `records`. */
async function importTwice(body: string | Buffer, name: string, records: number, query?: string, type?: string) {
  const patient = await newPatient();
  const first = await upload(patient, body, name, query, type);
  assert.equal(first.status, 200, JSON.stringify(first.body));
  const second = await upload(patient, body, name, query, type);
  assert.equal(second.status, 200, JSON.stringify(second.body));
  assert.equal(count(second.body, 'created'), 0, 'a second import creates nothing');
  for (const res of [first, second]) {
    const total = count(res.body, 'created') + count(res.body, 'unchanged') + count(res.body, 'skipped');
    assert.equal(total, records, `created + unchanged + skipped = records seen: ${JSON.stringify(res.body)}`);
    assert.equal(reasons(res.body).reduce((n, r) => n + r.count, 0), count(res.body, 'skipped'), 'each reason counts records');
  }
  return { patient, body: first.body as Parameters };
}

const observations = async (patient: string, code: string) => {
  const res = await server.http.get(`/fhir/Observation?patient=${patient}&code=${encodeURIComponent(code)}&_sort=date&_count=200`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.entry ?? []).map((e: { resource: unknown }) => e.resource) as import('fhir/r4.js').Observation[];
};

before(async () => {
  server = await startTestServer();
});
after(() => server.close());

const BOM = '\ufeff';
const restingDay = { 'activities-heart': [{ dateTime: '2026-05-04', value: { heartRateZones: [], restingHeartRate: 58 } }] };

test('1. Fitbit and Google Fit files that start with a UTF-8 byte order mark are imported like any other', async () => {
  const fitbit = await importTwice(BOM + JSON.stringify(restingDay, null, 2), 'heart-bom.json', 2);
  assert.equal(count(fitbit.body, 'created'), 2, 'resting heart rate and its Device');
  assert.equal((await observations(fitbit.patient, 'http://loinc.org|40443-4'))[0].valueQuantity!.value, 58);

  const googleFit = {
    dataSourceId: 'derived:com.google.heart_rate.bpm:com.google.android.gms:merge_heart_rate_bpm',
    point: [{ startTimeNanos: '1777900000000000000', endTimeNanos: '1777900000000000000', dataTypeName: 'com.google.heart_rate.bpm', value: [{ fpVal: 71 }] }],
  };
  const gf = await importTwice(BOM + JSON.stringify(googleFit), 'hr-bom.json', 2, '');
  assert.equal(param(gf.body, 'source')?.valueCode, 'google-fit');
});

test('1. a JSON syntax error names the offending character, its line, column and byte, not the end of the file', async () => {
  const patient = await newPatient();
  // The 'x' on line 3 is the first character that cannot be there; the file goes on for kilobytes after it.
  const text = `${BOM}{\n  "activities-heart": [\n    x{"dateTime": "2026-05-04"}],\n  "pad": "${'p'.repeat(5000)}"\n}`;
  const res = await upload(patient, text, 'broken-bom.json');
  assert.equal(res.status, 400, JSON.stringify(res.body));
  assert.equal(res.body.resourceType, 'OperationOutcome');
  const at = text.indexOf('x{');
  assert.equal(res.body.issue[0].location[0], `broken-bom.json character ${at}`);
  assert.match(res.body.issue[0].diagnostics, /line 3, column 5, byte 33/);
  assert.doesNotMatch(res.body.issue[0].diagnostics, /\\ufeff|'\ufeff'/);
});
