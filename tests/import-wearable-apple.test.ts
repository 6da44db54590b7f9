// Patient/$import-wearable with Apple Health export.xml and export.zip, inline and as an async job.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { zipExport } from '../bench/wearables/generate-export.js';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { answerCount, assertCountsAddUp } from './support/import-answer.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-apple-test-'));
const count = answerCount;

const WATCH =
  '&lt;&lt;HKDevice: 0x283d5c4b0&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,1, software:9.1&gt;';
const heartRate = (at: string, value: string) =>
  ` <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Janes Apple Watch" sourceVersion="9.1" device="${WATCH}" unit="count/min" creationDate="${at}" startDate="${at}" endDate="${at}" value="${value}"/>\n`;
const exportXml = (records: string) => `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram)*)>
]>
<HealthData locale="en_DE">
 <ExportDate value="2026-11-30 21:00:00 +0100"/>
 <Me HKCharacteristicTypeIdentifierDateOfBirth="1980-04-02" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"/>
${records}</HealthData>
`;
const GOOD = exportXml(
  heartRate('2026-11-27 08:31:07 +0100', '72') +
    heartRate('2026-11-27 08:36:00 +0100', '64.5') +
    heartRate('2026-11-27 09:02:00 +0100', '81') +
    ' <Record type="HKQuantityTypeIdentifierOxygenSaturation" sourceName="Janes Apple Watch" device="' +
    WATCH +
    '" unit="%" startDate="2026-11-27 03:10:00 +0100" endDate="2026-11-27 03:10:00 +0100" value="0.97"/>\n',
);
/** Records in GOOD: three heart rates and one SpO2. */
const GOOD_RECORDS = 4;
const BAD = exportXml(heartRate('2026-11-28 08:00:00 +0100', '70') + heartRate('2026-11-28 08:05:00 +0100', 'seventy'));

const appleDate = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} +0000`;
const spoolLeftovers = () => readdirSync(dir).filter((f) => f.startsWith('fibrotrack-'));

async function newPatient(): Promise<string> {
  return (await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id;
}
const upload = (patientId: string, body: Buffer | string, type: string, name: string, query = '') =>
  server.http
    .post(`/fhir/Patient/${patientId}/$import-wearable${query}`)
    .set('Content-Type', type)
    .set('Content-Disposition', `attachment; filename="${name}"`)
    .send(body);
const heartRates = async (patientId: string) =>
  (await server.http.get(`/fhir/Observation?patient=${patientId}&code=http://loinc.org|8867-4&_sort=date`)).body;
const storedFor = async (patientId: string) =>
  Number(
    (
      await server.sql<{ n: number }[]>(
        "SELECT COUNT(*) AS n FROM idx_reference WHERE res_type = 'Observation' AND param = 'subject' AND target_id = ?",
        [patientId],
      )
    )[0].n,
  );

before(async () => {
  server = await startTestServer({ WEARABLE_SPOOL_DIR: dir });
});
after(() => server.close());

test('export.xml: heart rate and SpO2 stored with the Watch as Device; SpO2 as a percent', async () => {
  const patient = await newPatient();
  const res = await upload(patient, GOOD, 'application/xml', 'export.xml');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.parameter[0].valueCode, 'apple-health-xml');
  assert.equal(count(res.body, 'created'), 5);
  assertCountsAddUp(res.body, GOOD_RECORDS);
  const found = await heartRates(patient);
  assert.equal(found.total, 3);
  assert.deepEqual(
    found.entry.map((e: { resource: { valueQuantity: { value: number } } }) => e.resource.valueQuantity.value),
    [72, 64.5, 81],
  );
  const spo2 = await server.http.get(`/fhir/Observation?patient=${patient}&code=http://loinc.org|59408-5`);
  assert.equal(spo2.body.entry[0].resource.valueQuantity.value, 97);
  const device = await server.http.get(`/fhir/${found.entry[0].resource.device.reference}`);
  assert.equal(device.body.manufacturer, 'Apple Inc.');

  const again = await upload(patient, GOOD, 'application/xml', 'export.xml');
  assert.equal(count(again.body, 'created'), 0);
  assert.equal(count(again.body, 'unchanged'), 5);
  assertCountsAddUp(again.body, GOOD_RECORDS);
  assert.equal(await storedFor(patient), 4);
});

test('export.zip built here: the same records, found inside apple_health_export/', async () => {
  const patient = await newPatient();
  writeFileSync(join(dir, 'export.xml'), GOOD);
  await zipExport(join(dir, 'export.xml'), join(dir, 'export.zip'));
  const res = await upload(patient, readFileSync(join(dir, 'export.zip')), 'application/zip', 'export.zip');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.parameter[0].valueCode, 'apple-health-zip');
  // four Observations; the Watch's Device is stored already
  assert.equal(count(res.body, 'created'), 4);
  assert.equal(count(res.body, 'unchanged'), 1);
  assertCountsAddUp(res.body, GOOD_RECORDS);
  assert.equal((await heartRates(patient)).total, 3);
});

test('a bad record anywhere in the export stores nothing and names file and line', async () => {
  const patient = await newPatient();
  const res = await upload(patient, BAD, 'application/xml', 'export.xml');
  assert.equal(res.status, 422);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.match(res.body.issue[0].diagnostics, /export\.xml/);
  assert.match(res.body.issue[0].diagnostics, /seventy/);
  assert.match(res.body.issue[0].location[0], /^export\.xml line 10\b/);
  assert.equal(await storedFor(patient), 0);

  const lenient = await upload(patient, BAD, 'application/xml', 'export.xml', '?bestEffort=true');
  assert.equal(lenient.status, 200);
  // the Watch's Device is stored already (the first test), so only the good heart rate is new
  assert.equal(count(lenient.body, 'created'), 1);
  assert.equal(count(lenient.body, 'skipped'), 1);
  assertCountsAddUp(lenient.body, 2);
  assert.equal(await storedFor(patient), 1);
});

test('a corrupt zip is 422 naming the file; nothing is left in the spool directory', async () => {
  const patient = await newPatient();
  const zip = readFileSync(join(dir, 'export.zip'));
  const res = await upload(patient, zip.subarray(0, zip.length - 30), 'application/zip', 'broken.zip');
  assert.equal(res.status, 422);
  assert.match(res.body.issue[0].diagnostics, /broken\.zip/);
  assert.equal(await storedFor(patient), 0);
  assert.deepEqual(spoolLeftovers(), []);
});

test('Prefer: respond-async answers 202 with a status URL; polling gives 202 with X-Progress, then 200 with the summary', async () => {
  const patient = await newPatient();
  const many = exportXml(
    Array.from({ length: 3000 }, (_, i) => heartRate(appleDate(Date.UTC(2026, 10, 20, 7) + i * 60_000), String(60 + (i % 40)))).join(''),
  );
  const res = await upload(patient, many, 'application/xml', 'export.xml').set('Prefer', 'respond-async');
  assert.equal(res.status, 202, JSON.stringify(res.body));
  const statusUrl = new URL(res.headers['content-location']);
  assert.match(statusUrl.pathname, new RegExp(`^/fhir/Patient/${patient}/\\$import-wearable/[0-9a-f-]{36}$`));
  let poll = await server.http.get(statusUrl.pathname);
  const seen: number[] = [];
  while (poll.status === 202) {
    seen.push(poll.status);
    assert.match(poll.headers['x-progress'], /^(queued|validating|storing)/);
    await new Promise((r) => setTimeout(r, 100));
    poll = await server.http.get(statusUrl.pathname);
  }
  assert.ok(seen.length > 0, 'the job was still running at the first poll');
  assert.equal(poll.status, 200, JSON.stringify(poll.body));
  assert.equal(poll.body.resourceType, 'Parameters');
  assert.equal(count(poll.body, 'created'), 3000);
  assertCountsAddUp(poll.body, 3000);
  assert.equal(
    (await server.http.get(`/fhir/Observation?patient=${patient}&code=http://loinc.org|8867-4&_count=1&_total=accurate`)).body.total,
    3000,
  );
  const [job] = await server.sql<{ state: string }[]>('SELECT state FROM wearable_import_job WHERE patient_id = ?', [patient]);
  assert.equal(job.state, 'done');
  // another API node on the same database answers the status URL too (the job lives in MySQL)
  const node2 = await buildApp(
    loadConfig({ DATABASE_URL: `${ROOT}/${server.database}`, AUTH_MODE: 'open', BASE_URL: 'http://localhost:8080' }),
  );
  try {
    const fromNode2 = await request(node2.app).get(statusUrl.pathname);
    assert.equal(fromNode2.status, 200);
    assert.equal(count(fromNode2.body, 'created'), 3000);
    assertCountsAddUp(fromNode2.body, 3000);
  } finally {
    await node2.close();
  }

  const otherPatient = await newPatient();
  const foreign = await server.http.get(statusUrl.pathname.replace(patient, otherPatient));
  assert.equal(foreign.status, 404);
});

test('a job whose node stopped beating answers 500 saying so; unknown jobs are 404', async () => {
  const patient = await newPatient();
  const id = '00000000-0000-4000-8000-000000000001';
  await server.sql(
    "INSERT INTO wearable_import_job (id, patient_id, file_name, source, state, phase, progress, created_at, heartbeat_at) VALUES (?, ?, 'export.xml', 'apple-health-xml', 'running', 'storing', 'storing: 2 batches', NOW(3) - INTERVAL 1 HOUR, NOW(3) - INTERVAL 10 MINUTE)",
    [id, patient],
  );
  const stale = await server.http.get(`/fhir/Patient/${patient}/$import-wearable/${id}`);
  assert.equal(stale.status, 500);
  assert.equal(stale.body.issue[0].code, 'incomplete');
  const unknown = await server.http.get(`/fhir/Patient/${patient}/$import-wearable/00000000-0000-4000-8000-000000000002`);
  assert.equal(unknown.status, 404);
});

test('an async job that fails answers its OperationOutcome on the status URL', async () => {
  const patient = await newPatient();
  const res = await upload(patient, BAD, 'application/xml', 'export.xml').set('Prefer', 'respond-async');
  assert.equal(res.status, 202);
  const url = new URL(res.headers['content-location']).pathname;
  let poll = await server.http.get(url);
  while (poll.status === 202) {
    await new Promise((r) => setTimeout(r, 50));
    poll = await server.http.get(url);
  }
  assert.equal(poll.status, 422);
  assert.match(poll.body.issue[0].location[0], /export\.xml line 10/);
  assert.equal(await storedFor(patient), 0);
  assert.deepEqual(spoolLeftovers(), []);
});
