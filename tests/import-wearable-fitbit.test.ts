// Patient/$import-wearable with Fitbit JSON: stored, searchable, idempotent; bad input stores nothing.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Parameters } from 'fhir/r4.js';
import { heartIntraday } from './support/fake-fitbit.js';
import { answerCount, assertCountsAddUp } from './support/import-answer.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let patientId: string;

const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);
const count = answerCount;
const day = heartIntraday('2026-11-20', [
  { time: '08:00:00', value: 64 },
  { time: '08:01:00', value: 66 },
  { time: '08:02:00', value: 0 },
  { time: '08:03:00', value: 71 },
]);

const importFitbit = (body: unknown, query = '', name = 'heart-2026-11-20.json', id = patientId) =>
  server.http
    .post(`/fhir/Patient/${id}/$import-wearable${query}`)
    .set('Content-Type', 'application/json')
    .set('Content-Disposition', `attachment; filename="${name}"`)
    .send(typeof body === 'string' ? body : JSON.stringify(body));

const storedObservations = async (id: string) =>
  Number(
    (
      await server.sql<{ n: number }[]>(
        "SELECT COUNT(*) AS n FROM resource r JOIN idx_reference x ON x.resource_pk = r.pk WHERE r.res_type = 'Observation' AND x.param = 'subject' AND x.target_id = ?",
        [id],
      )
    )[0].n,
  );

before(async () => {
  server = await startTestServer();
  const res = await server.http
    .post('/fhir/Patient')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Patient', name: [{ family: 'Walker' }] });
  patientId = res.body.id;
});
after(() => server.close());

test('a Fitbit heart rate day is stored as Observations with a Device, searchable by patient and LOINC code', async () => {
  const res = await importFitbit(day, '?timeZone=Europe/Berlin');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.resourceType, 'Parameters');
  assert.equal(param(res.body, 'source')?.valueCode, 'fitbit');
  // three intraday readings and the resting heart rate; the zero reading is a gap; one Device (5 records)
  assert.equal(count(res.body, 'created'), 5);
  assert.equal(count(res.body, 'unchanged'), 0);
  assert.equal(count(res.body, 'skipped'), 1);
  assertCountsAddUp(res.body, 5);
  const reason = param(res.body, 'skippedReason')!.part!;
  assert.match(reason.find((p) => p.name === 'reason')!.valueString!, /zero heart rate/);
  assert.match(reason.find((p) => p.name === 'firstPosition')!.valueString!, /heart-2026-11-20\.json .*dataset\[2\]/);

  const search = await server.http.get(`/fhir/Observation?patient=${patientId}&code=http://loinc.org|8867-4&_sort=date`);
  assert.equal(search.status, 200);
  assert.equal(search.body.total, 3);
  const first = search.body.entry[0].resource;
  assert.equal(first.valueQuantity.value, 64);
  assert.equal(first.effectiveDateTime, '2026-11-20T08:00:00+01:00');
  assert.match(first.device.reference, /^Device\/[A-Za-z0-9.-]+$/);
  const device = await server.http.get(`/fhir/${first.device.reference}`);
  assert.equal(device.status, 200);
  assert.equal(device.body.manufacturer, 'Fitbit');
});

test('importing the same file again creates nothing and says everything is unchanged', async () => {
  const res = await importFitbit(day, '?timeZone=Europe/Berlin');
  assert.equal(res.status, 200);
  assert.equal(count(res.body, 'created'), 0);
  assert.equal(count(res.body, 'unchanged'), 5);
  assertCountsAddUp(res.body, 5);
  assert.equal(await storedObservations(patientId), 4);
});

test('a bad record fails the whole file with 422 naming file and position; nothing is stored', async () => {
  const other = await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' });
  const bad = heartIntraday('2026-11-21', [
    { time: '09:00:00', value: 70 },
    { time: '09:01:00', value: 'abc' },
  ]);
  const res = await importFitbit(bad, '?timeZone=UTC', 'heart-bad.json', other.body.id);
  assert.equal(res.status, 422);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.equal(res.body.issue[0].code, 'processing');
  assert.match(res.body.issue[0].diagnostics, /heart-bad\.json/);
  assert.match(res.body.issue[0].location[0], /heart-bad\.json .*dataset\[1\]\.value/);
  assert.equal(await storedObservations(other.body.id), 0);
});

test('bestEffort stores the good records and reports the skipped ones by reason', async () => {
  const other = await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' });
  const bad = heartIntraday('2026-11-21', [
    { time: '09:00:00', value: 70 },
    { time: '09:01:00', value: 'abc' },
    { time: '9 o clock', value: 72 },
  ]);
  const res = await importFitbit(bad, '?bestEffort=true&utcOffset=%2B02:00', 'heart-bad.json', other.body.id);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(count(res.body, 'skipped'), 2);
  // two readings skipped; the good one and the day's resting heart rate stored
  assertCountsAddUp(res.body, 4);
  const reasons = res.body.parameter
    .filter((p: { name: string }) => p.name === 'skippedReason')
    .map((p: { part: { name: string; valueString?: string }[] }) => p.part[0].valueString);
  assert.equal(reasons.length, 2);
  assert.ok(reasons.some((r: string) => /not a number/.test(r)));
  assert.equal(await storedObservations(other.body.id), 2);
});

test('malformed JSON is 400 naming the file and the character; an unknown patient is 404; a mismatched type 415', async () => {
  const res = await importFitbit('{"activities-heart": [', '?timeZone=UTC', 'broken.json');
  assert.equal(res.status, 400);
  assert.match(res.body.issue[0].diagnostics, /broken\.json/);
  assert.match(res.body.issue[0].location[0], /broken\.json character \d+/);

  const missing = await importFitbit(day, '', 'x.json', 'no-such-patient');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.issue[0].code, 'not-found');

  const mismatched = await server.http
    .post(`/fhir/Patient/${patientId}/$import-wearable`)
    .set('Content-Type', 'application/zip')
    .send(JSON.stringify(day));
  assert.equal(mismatched.status, 415);
  assert.match(mismatched.body.issue[0].diagnostics, /Fitbit JSON/);

  const unknownParam = await importFitbit(day, '?tz=UTC');
  assert.equal(unknownParam.status, 400);
  assert.match(unknownParam.body.issue[0].diagnostics, /'tz'/);
  const badZone = await importFitbit(day, '?timeZone=Mars/Olympus');
  assert.equal(badZone.status, 400);
  const noZone = await importFitbit(day);
  assert.equal(noZone.status, 400);
  assert.match(noZone.body.issue[0].diagnostics, /timeZone or utcOffset/);
});

test('the file may also arrive inside a Parameters resource, with the options as parameters', async () => {
  const other = await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' });
  const body = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'file', valueAttachment: { contentType: 'application/json', data: Buffer.from(JSON.stringify(day)).toString('base64') } },
      { name: 'timeZone', valueString: 'Europe/Berlin' },
    ],
  };
  const res = await server.http.post(`/fhir/Patient/${other.body.id}/$import-wearable`).set('Content-Type', FHIR_JSON).send(body);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(param(res.body, 'source')?.valueCode, 'fitbit');
  assert.equal(count(res.body, 'created'), 4);
  assertCountsAddUp(res.body, 5);
  assert.equal(await storedObservations(other.body.id), 4);

  const noFile = await server.http
    .post(`/fhir/Patient/${other.body.id}/$import-wearable`)
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Parameters', parameter: [{ name: 'bestEffort', valueBoolean: true }] });
  assert.equal(noFile.status, 400);
  assert.match(noFile.body.issue[0].diagnostics, /`file`/);
});

test('the CapabilityStatement lists $import-wearable on Patient with our OperationDefinition', async () => {
  const res = await server.http.get('/fhir/metadata');
  const patient = res.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
  assert.deepEqual(
    patient.operation.find((o: { name: string }) => o.name === 'import-wearable'),
    { name: 'import-wearable', definition: 'https://fhir.fibrotrack.org/OperationDefinition/import-wearable' },
  );
});

test('DST: a reading in the spring gap is skipped naming zone and time; the fall-back hour twice is stored in order', async () => {
  const other = await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' });
  const spring = heartIntraday('2026-03-29', [
    { time: '01:59:00', value: 60 },
    { time: '02:30:00', value: 90 },
    { time: '03:00:00', value: 61 },
  ]);
  const res = await importFitbit(spring, '?timeZone=Europe/Berlin', 'heart-2026-03-29.json', other.body.id);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(count(res.body, 'skipped'), 1);
  assertCountsAddUp(res.body, 4);
  const reason = param(res.body, 'skippedReason')!.part!;
  assert.equal(
    reason.find((p) => p.name === 'reason')!.valueString,
    'local time 2026-03-29T02:30:00 does not exist in Europe/Berlin: clocks moved forward',
  );

  const autumn = heartIntraday('2026-10-25', [
    { time: '02:30:00', value: 70 },
    { time: '02:59:00', value: 71 },
    { time: '02:00:00', value: 72 },
    { time: '02:30:00', value: 73 },
  ]);
  const res2 = await importFitbit(autumn, '?timeZone=Europe/Berlin', 'heart-2026-10-25.json', other.body.id);
  assert.equal(res2.status, 200, JSON.stringify(res2.body));
  assert.equal(count(res2.body, 'skipped'), 0);
  assertCountsAddUp(res2.body, 5);
  const search = await server.http.get(
    `/fhir/Observation?patient=${other.body.id}&code=http://loinc.org|8867-4&date=2026-10-25&_sort=date`,
  );
  assert.deepEqual(
    search.body.entry.map((e: { resource: { effectiveDateTime: string; valueQuantity: { value: number } } }) => [
      e.resource.effectiveDateTime,
      e.resource.valueQuantity.value,
    ]),
    [
      ['2026-10-25T02:30:00+02:00', 70],
      ['2026-10-25T02:59:00+02:00', 71],
      ['2026-10-25T02:00:00+01:00', 72],
      ['2026-10-25T02:30:00+01:00', 73],
    ],
  );
});
