// Patient/$import-wearable with Google Fit JSON, and the upload limit (WEARABLE_MAX_UPLOAD_BYTES).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { answerCount, assertCountsAddUp } from './support/import-answer.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let small: TestServer;
const count = answerCount;

const PIXEL = 'raw:com.google.heart_rate.bpm:com.google.android.apps.fitness:Google:Pixel Watch 2:1a2b3c:heart';
const nanos = (iso: string) => `${BigInt(Date.parse(iso)) * 1_000_000n}`;
const point = (iso: string, bpm: number) => ({
  startTimeNanos: nanos(iso),
  endTimeNanos: nanos(iso),
  dataTypeName: 'com.google.heart_rate.bpm',
  originDataSourceId: PIXEL,
  value: [{ fpVal: bpm, mapVal: [] }],
});
const dataset = {
  minStartTimeNs: nanos('2026-11-25T00:00:00Z'),
  maxEndTimeNs: nanos('2026-11-26T00:00:00Z'),
  dataSourceId: 'derived:com.google.heart_rate.bpm:com.google.android.gms:merge_heart_rate_bpm',
  point: [point('2026-11-25T07:00:00Z', 61), point('2026-11-25T07:05:00Z', 66.5), point('2026-11-25T07:10:00Z', 0)],
};

async function newPatient(s: TestServer): Promise<string> {
  return (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id;
}
const upload = (s: TestServer, patient: string, body: unknown, query = '') =>
  s.http.post(`/fhir/Patient/${patient}/$import-wearable${query}`).set('Content-Type', 'application/json').send(JSON.stringify(body));

before(async () => {
  server = await startTestServer();
  small = await startTestServer({ WEARABLE_MAX_UPLOAD_BYTES: '1000' });
});
after(async () => {
  await server.close();
  await small.close();
});

test('a Google Fit dataset: heart rate points with the Pixel Watch as Device, searchable; zero readings skipped', async () => {
  const patient = await newPatient(server);
  const res = await upload(server, patient, dataset, '?timeZone=Europe/Berlin');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.parameter[0].valueCode, 'google-fit');
  assert.equal(count(res.body, 'created'), 3);
  assert.equal(count(res.body, 'skipped'), 1);
  assertCountsAddUp(res.body, dataset.point.length);
  const found = await server.http.get(`/fhir/Observation?patient=${patient}&code=8867-4&_sort=date`);
  assert.equal(found.body.total, 2);
  assert.equal(found.body.entry[1].resource.valueQuantity.value, 66.5);
  assert.equal(found.body.entry[0].resource.effectiveDateTime, '2026-11-25T08:00:00+01:00');
  const device = await server.http.get(`/fhir/${found.body.entry[0].resource.device.reference}`);
  assert.equal(device.body.modelNumber, 'Pixel Watch 2');

  const again = await upload(server, patient, dataset, '?timeZone=Europe/Berlin');
  assert.equal(count(again.body, 'created'), 0);
  assert.equal(count(again.body, 'unchanged'), 3);
  assertCountsAddUp(again.body, dataset.point.length);
});

test('a Google Fit point with broken times fails the file with 422 at its position, nothing stored', async () => {
  const patient = await newPatient(server);
  const broken = {
    ...dataset,
    point: [point('2026-11-25T07:00:00Z', 61), { ...point('2026-11-25T07:05:00Z', 62), startTimeNanos: 'soon' }],
  };
  const res = await upload(server, patient, broken);
  assert.equal(res.status, 422);
  assert.match(res.body.issue[0].location[0], /point\[1\]/);
  const found = await server.http.get(`/fhir/Observation?patient=${patient}`);
  assert.equal(found.body.total, 0);
});

test('uploads over WEARABLE_MAX_UPLOAD_BYTES are 413, whether announced or streamed, and store nothing', async () => {
  const patient = await newPatient(small);
  const big = { ...dataset, point: Array.from({ length: 20 }, (_, i) => point(`2026-11-25T08:${String(i).padStart(2, '0')}:00Z`, 60 + i)) };
  const announced = await upload(small, patient, big);
  assert.equal(announced.status, 413);
  assert.equal(announced.body.issue[0].code, 'too-costly');
  const text = JSON.stringify(big);
  // chunked: no Content-Length, so the limit is found while streaming
  const streamed = await fetch(`${await listen(small)}/fhir/Patient/${patient}/$import-wearable`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(text.slice(0, 600)));
        c.enqueue(new TextEncoder().encode(text.slice(600)));
        c.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  assert.equal(streamed.status, 413);
  assert.equal((await small.http.get(`/fhir/Observation?patient=${patient}`)).body.total, 0);
});

let base: string | undefined;
async function listen(s: TestServer): Promise<string> {
  if (base) return base;
  const http = s.built.app.listen(0, '127.0.0.1');
  await new Promise((r) => http.once('listening', r));
  after(() => new Promise((r) => http.close(r)));
  base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
  return base;
}
