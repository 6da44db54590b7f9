// Every call to Fitbit is bounded: a Fitbit that stalls, trickles, answers HTML, a huge body or a 500 costs a sync
// or a callback a 502 within the configured time, and the patient's next sync works.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { DateTime } from 'luxon';
import { FakeFitbit, HUGE_BYTES } from './support/fake-fitbit.js';
import { FITBIT_ZONE, connectFitbit, consent, startConnect } from './support/fitbit-connect.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const fake = new FakeFitbit();
let server: TestServer;
let patient: string;

const daysAgo = (n: number) => DateTime.now().setZone(FITBIT_ZONE).minus({ days: n }).toISODate()!;
const newPatient = async () =>
  (await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id as string;
const sync = () => server.http.post(`/fhir/Patient/${patient}/$sync-fitbit?until=${daysAgo(3)}`);
const diagnostics = (res: { body: { issue?: { diagnostics?: string }[] } }) => res.body.issue?.[0]?.diagnostics ?? '';

function assertBadGateway(res: { status: number; body: { resourceType?: string; issue?: { code?: string }[] } }, pattern: RegExp) {
  assert.equal(res.status, 502, JSON.stringify(res.body));
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.equal(res.body.issue![0].code, 'transient');
  assert.match(diagnostics(res as never), pattern);
}

before(async () => {
  await fake.start();
  server = await startTestServer({
    ...fake.serverEnv(),
    FITBIT_INITIAL_DAYS: '2',
    FITBIT_HEADERS_TIMEOUT_MS: '1000',
    FITBIT_TIMEOUT_MS: '2500',
    FITBIT_MAX_RESPONSE_BYTES: String(1024 * 1024),
  });
  patient = await newPatient();
  await connectFitbit(server, patient);
});
after(async () => {
  await server.close();
  await fake.close();
});

test('a Fitbit that never sends its headers: 502 naming the wait, and the next sync works', async () => {
  fake.misbehaveData('stall');
  assertBadGateway(await sync(), /no response headers within 1000 ms/);
  const next = await sync();
  assert.equal(next.status, 200, JSON.stringify(next.body));
});

test('a body trickling a byte a second is cut off at the total timeout: 502', async () => {
  const p = await newPatient();
  await connectFitbit(server, p);
  fake.misbehaveData('trickle');
  const res = await server.http.post(`/fhir/Patient/${p}/$sync-fitbit?until=${daysAgo(3)}`);
  assertBadGateway(res, /no complete answer within 2500 ms/);
  // The sync's lock went with it.
  const again = await server.http.post(`/fhir/Patient/${p}/$sync-fitbit?until=${daysAgo(3)}`);
  assert.equal(again.status, 200, JSON.stringify(again.body));
});

test('an HTML page instead of JSON: 502 saying so', async () => {
  const p = await newPatient();
  await connectFitbit(server, p);
  fake.misbehaveData('html');
  assertBadGateway(await server.http.post(`/fhir/Patient/${p}/$sync-fitbit?until=${daysAgo(3)}`), /not JSON \(text\/html\)/);
});

test('a huge body: 502 at FITBIT_MAX_RESPONSE_BYTES, and the server stops reading it', async () => {
  const p = await newPatient();
  await connectFitbit(server, p);
  fake.misbehaveData('huge');
  assertBadGateway(await server.http.post(`/fhir/Patient/${p}/$sync-fitbit?until=${daysAgo(3)}`), /larger than 1048576 bytes/);
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(fake.hugeBytesSent < HUGE_BYTES / 4, `Fitbit sent ${fake.hugeBytesSent} bytes`);
});

test("a 500 from Fitbit's data API is a 502", async () => {
  const p = await newPatient();
  await connectFitbit(server, p);
  fake.misbehaveData('error500');
  assertBadGateway(await server.http.post(`/fhir/Patient/${p}/$sync-fitbit?until=${daysAgo(3)}`), /Fitbit answered 500/);
});

for (const [how, pattern] of [
  ['error500', /token endpoint answered 500/],
  ['html', /not JSON \(text\/html\)/],
  ['stall', /no response headers within 1000 ms/],
] as const) {
  test(`the callback when Fitbit's token endpoint answers ${how}: 502, nothing linked`, async () => {
    const p = await newPatient();
    const callback = await consent(await startConnect(server, p));
    fake.misbehaveToken(how);
    assertBadGateway(await server.http.get(callback), pattern);
    assert.equal((await server.sql<unknown[]>('SELECT 1 FROM fitbit_link WHERE patient_id = ?', [p])).length, 0);
  });
}

test('a token refresh that Fitbit answers with a 500 is a 502 too', async () => {
  const p = await newPatient();
  await connectFitbit(server, p);
  fake.expireAccessTokens();
  fake.misbehaveToken('error500');
  assertBadGateway(await server.http.post(`/fhir/Patient/${p}/$sync-fitbit?until=${daysAgo(3)}`), /token endpoint answered 500/);
});

test('Fitbit unreachable: 502', async () => {
  const closed = await startTestServer({
    FITBIT_CLIENT_ID: fake.clientId,
    FITBIT_CLIENT_SECRET: fake.clientSecret,
    FITBIT_TOKEN_KEY: randomBytes(32).toString('hex'),
    FITBIT_API_URL: 'http://127.0.0.1:1',
    FITBIT_AUTHORIZE_URL: `${fake.url}/oauth2/authorize`,
    FITBIT_TOKEN_URL: 'http://127.0.0.1:1/oauth2/token',
  });
  try {
    const p = (await closed.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id;
    const callback = await consent(await startConnect(closed, p));
    assertBadGateway(await closed.http.get(callback), /Fitbit failed \(127\.0\.0\.1:1\/oauth2\/token: /);
  } finally {
    await closed.close();
  }
});
