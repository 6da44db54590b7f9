// Fitbit sync against a local fake Fitbit: OAuth connect + callback, encrypted tokens, rotating refresh,
// incremental pulls, 429 Retry-After and the hourly request budget.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Parameters } from 'fhir/r4.js';
import { DateTime } from 'luxon';
import { runCli } from '../server/src/cli/run-cli.js';
import { openToken } from '../server/src/wearables/fitbit/token-crypto.js';
import { FakeFitbit, recordsServed } from './support/fake-fitbit.js';
import { assertCountsAddUp } from './support/import-answer.js';
import { connectFitbit } from './support/fitbit-connect.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const ZONE = 'Europe/Berlin';
const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const key = randomBytes(32);
const fake = new FakeFitbit();
let server: TestServer;
let budgetServer: TestServer;

const today = () => DateTime.now().setZone(ZONE).toISODate()!;
const daysAgo = (n: number) => DateTime.fromISO(today()).minus({ days: n }).toISODate()!;
const param = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name);
const fitbitEnv = (extra: Record<string, string> = {}) => ({
  FITBIT_CLIENT_ID: fake.clientId,
  FITBIT_CLIENT_SECRET: fake.clientSecret,
  FITBIT_TOKEN_KEY: key.toString('hex'),
  FITBIT_API_URL: fake.url,
  FITBIT_AUTHORIZE_URL: `${fake.url}/oauth2/authorize`,
  FITBIT_TOKEN_URL: `${fake.url}/oauth2/token`,
  ...extra,
});

async function newPatient(s: TestServer): Promise<string> {
  const res = await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' });
  return res.body.id;
}

/** $connect-fitbit, the (fake) consent page, the callback the browser is sent to and its confirmation. */
const connect = (s: TestServer, patientId: string) => connectFitbit(s, patientId);

const sync = (s: TestServer, patientId: string, query = '') => s.http.post(`/fhir/Patient/${patientId}/$sync-fitbit${query}`);
const restingTotal = async (s: TestServer, patientId: string) =>
  (await s.http.get(`/fhir/Observation?patient=${patientId}&code=http://loinc.org|40443-4&_count=100`)).body.entry?.length ?? 0;

before(async () => {
  await fake.start();
  server = await startTestServer(fitbitEnv());
  budgetServer = await startTestServer(fitbitEnv({ FITBIT_REQUESTS_PER_HOUR: '4' }));
});
after(async () => {
  await server.close();
  await budgetServer.close();
  await fake.close();
});

let patientA: string;

test('connect sends the patient to Fitbit with PKCE and a state; the confirmed link stores the tokens encrypted, once', async () => {
  patientA = await newPatient(server);
  const { callback, authorizeUrl } = await connect(server, patientA);
  const q = authorizeUrl.searchParams;
  assert.equal(q.get('client_id'), fake.clientId);
  assert.equal(q.get('redirect_uri'), 'http://localhost:8080/wearables/fitbit/callback');
  assert.equal(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('scope')!, /heartrate/);
  assert.match(q.get('state')!, /^[A-Za-z0-9_-]{43}$/);

  const [row] = await server.sql<{ access_token: Buffer; refresh_token: Buffer; fitbit_user_id: string }[]>(
    'SELECT access_token, refresh_token, fitbit_user_id FROM fitbit_link WHERE patient_id = ?',
    [patientA],
  );
  const issued = fake.issued.at(-1)!;
  assert.equal(row.fitbit_user_id, fake.userId);
  assert.equal(row.access_token.includes(Buffer.from(issued.accessToken)), false);
  assert.equal(openToken(key, patientA, row.refresh_token), issued.refreshToken);

  const replay = await server.http.get(callback);
  assert.equal(replay.status, 400);
  assert.match(replay.body.issue[0].diagnostics, /already used state/);
  const forged = await server.http.get('/wearables/fitbit/callback?code=x&state=nope');
  assert.equal(forged.status, 400);
});

test('a refused consent connects nothing', async () => {
  const patient = await newPatient(server);
  const res = await server.http.post(`/fhir/Patient/${patient}/$connect-fitbit`);
  const state = new URL(param(res.body, 'authorizeUrl')!.valueUri!).searchParams.get('state');
  const denied = await server.http.get(`/wearables/fitbit/callback?error=access_denied&state=${state}`);
  assert.equal(denied.status, 400);
  assert.match(denied.body.issue[0].diagnostics, /access_denied/);
  assert.equal((await server.sql<unknown[]>('SELECT 1 FROM fitbit_link WHERE patient_id = ?', [patient])).length, 0);
  assert.equal((await sync(server, patient)).status, 422);
});

test('the first sync pulls the initial 30 days of every data type, one range request each', async () => {
  const until = daysAgo(10);
  const before = fake.requests.length;
  const res = await sync(server, patientA, `?until=${until}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(param(res.body, 'complete')?.valueBoolean, true);
  assert.equal(param(res.body, 'requests')?.valueInteger, 6);
  const paths = fake.requests.slice(before).map((r) => r.path);
  assert.ok(paths.includes(`/1/user/-/activities/heart/date/${daysAgo(39)}/${until}.json`), paths.join('\n'));
  assert.ok(paths.includes(`/1.2/user/-/sleep/date/${daysAgo(39)}/${until}.json`));
  assert.ok(param(res.body, 'created')!.valueInteger! > 150);
  assertCountsAddUp(res.body, recordsServed(daysAgo(39), until));
  assert.equal(await restingTotal(server, patientA), 30);
});

test('the next sync refreshes the expired token (rotating it) and pulls only the new days', async () => {
  const oldRefresh = fake.issued.at(-1)!.refreshToken;
  fake.expireAccessTokens();
  const before = fake.requests.length;
  const res = await sync(server, patientA);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(param(res.body, 'complete')?.valueBoolean, true);
  const requests = fake.requests.slice(before);
  assert.equal(requests[0].status, 401);
  assert.equal(fake.tokenRequests.at(-1)!.grantType, 'refresh_token');
  assert.equal(fake.isRefreshTokenValid(oldRefresh), false);
  const [row] = await server.sql<{ refresh_token: Buffer }[]>('SELECT refresh_token FROM fitbit_link WHERE patient_id = ?', [patientA]);
  assert.equal(openToken(key, patientA, row.refresh_token), fake.issued.at(-1)!.refreshToken);
  // every data request starts the day after the first sync's last day and ends yesterday
  const ok = requests.filter((r) => r.status === 200);
  assert.equal(ok.length, 6);
  for (const r of ok) assert.match(r.path, new RegExp(`/date/${daysAgo(9)}/${daysAgo(1)}\\.json$`));
  assert.equal(await restingTotal(server, patientA), 39);
  assertCountsAddUp(res.body, recordsServed(daysAgo(9), daysAgo(1)));
  // only the Fitbit Device, named again by every response, was already there
  const observations = res.body.parameter.find(
    (p: { name: string; part?: { valueCode?: string }[] }) => p.name === 'resourceType' && p.part?.[0].valueCode === 'Observation',
  );
  assert.equal(observations.part.find((p: { name: string }) => p.name === 'unchanged').valueInteger, 0);

  const again = await sync(server, patientA);
  assert.equal(param(again.body, 'requests')?.valueInteger, 0);
});

test('fibrotrack sync fitbit runs the same sync from the command line', async () => {
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  let code: number | undefined;
  try {
    code = await runCli(['sync', 'fitbit', '--patient', patientA], {
      ...fitbitEnv(),
      DATABASE_URL: `${ROOT}/${server.database}`,
      AUTH_MODE: 'open',
    });
  } finally {
    console.log = log;
  }
  assert.equal(code, 0);
  assert.match(lines[0], new RegExp(`^Patient/${patientA}: 0 Fitbit requests; created 0`));
  assert.ok(lines.includes(`  heart synced through ${daysAgo(1)}`), lines.join('\n'));
});

test('a short 429 is waited out for its Retry-After, a long one ends the sync until then', async () => {
  const patient = await newPatient(server);
  await connect(server, patient);
  fake.throttleNext(1);
  const before = fake.requests.length;
  const res = await sync(server, patient, `?until=${daysAgo(5)}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(param(res.body, 'complete')?.valueBoolean, true, JSON.stringify(res.body));
  const [throttled, retried] = fake.requests.slice(before);
  assert.equal(throttled.status, 429);
  assert.equal(retried.status, 200);
  assert.equal(retried.path, throttled.path);
  assert.ok(retried.at - throttled.at >= 990, `retried after ${retried.at - throttled.at} ms`);

  fake.throttleNext(3600);
  const stopped = await sync(server, patient);
  assert.equal(stopped.status, 200);
  assert.equal(param(stopped.body, 'complete')?.valueBoolean, false);
  const resume = Date.parse(param(stopped.body, 'resumeAfter')!.valueInstant!);
  assert.ok(resume > Date.now() + 3500_000);
  const count = fake.requests.length;
  const refused = await sync(server, patient);
  assert.equal(refused.status, 429);
  assert.equal(refused.body.issue[0].code, 'throttled');
  assert.ok(Number(refused.headers['retry-after']) > 3500);
  assert.equal(fake.requests.length, count);
});

test('the hourly request budget is never exceeded: the sync stops and later ones wait for the next hour', async () => {
  // The budget is per clock hour: start well inside one so that it cannot roll over mid-test.
  const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
  if (toNextHour < 60_000) await new Promise((r) => setTimeout(r, toNextHour + 1000));
  const patient = await newPatient(budgetServer);
  await connect(budgetServer, patient);
  const before = fake.requests.length;
  const res = await sync(budgetServer, patient, `?until=${daysAgo(2)}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(param(res.body, 'complete')?.valueBoolean, false);
  assert.equal(param(res.body, 'requests')?.valueInteger, 4);
  assert.match(param(res.body, 'reason')!.valueString!, /budget of 4/);
  assert.equal(fake.requests.length - before, 4);
  // the four types fetched are stored and remembered; the other two are not
  const synced = res.body.parameter.filter((p: { name: string }) => p.name === 'syncedThrough');
  assert.equal(synced.length, 4);

  const refused = await sync(budgetServer, patient);
  assert.equal(refused.status, 429);
  assert.equal(fake.requests.length - before, 4);
});
