// Fitbit linking cannot be hijacked (login CSRF): a consent link completed by someone else links nothing until
// the user who started it confirms, signed in; one Fitbit account feeds one record; links and unlinks are
// audited; flows never completed are deleted; nothing secret reaches the logs.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { FakeFitbit } from './support/fake-fitbit.js';
import { confirm, confirmationOf, connectFitbit, consent, fitbitAudits, startConnect } from './support/fitbit-connect.js';
import {
  addUser,
  authorizationCodeToken,
  backendServicesToken,
  createResource,
  registerBackendClient,
  registerClient,
} from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const fake = new FakeFitbit();
let server: TestServer;
let alicePatient: string;
let victorPatient: string;
let aliceToken: string;
let victorToken: string;
const alice = { username: 'alice.fitbit', password: 'correct horse alice' };
const victor = { username: 'victor.fitbit', password: 'correct horse victor' };

const linkedAccount = async (patientId: string) =>
  (await server.sql<{ fitbit_user_id: string }[]>('SELECT fitbit_user_id FROM fitbit_link WHERE patient_id = ?', [patientId]))[0]
    ?.fitbit_user_id;

const linkAudits = () => fitbitAudits(server, '%fitbit-%link%');

before(async () => {
  await fake.start();
  server = await startTestServer({
    AUTH_MODE: 'smart',
    ...fake.serverEnv(),
  });
  alicePatient = await createResource(server, { resourceType: 'Patient', name: [{ given: ['Alice'], family: 'Archer' }] });
  victorPatient = await createResource(server, { resourceType: 'Patient', name: [{ given: ['Victor'], family: 'Vale' }] });
  await addUser(server, { ...alice, fhirUser: `Patient/${alicePatient}` });
  await addUser(server, { ...victor, fhirUser: `Patient/${victorPatient}` });
  const client = await registerClient(server, { scope: 'launch/patient openid fhirUser patient/*.cruds' });
  const scope = 'launch/patient openid fhirUser patient/*.cruds';
  aliceToken = (await authorizationCodeToken(server, { client, user: alice, scope })).access_token;
  victorToken = (await authorizationCodeToken(server, { client, user: victor, scope })).access_token;
});
after(async () => {
  await server.close();
  await fake.close();
});

test('a consent link completed by someone else shows whose record it is and links nothing without the starter', async () => {
  // Alice starts, then sends the consent link to Victor, who consents with his own Fitbit account.
  const authorizeUrl = await startConnect(server, alicePatient, { bearer: aliceToken });
  fake.consentAs = 'VICTIM1';
  const callback = await consent(authorizeUrl);
  fake.consentAs = undefined;
  // Victor's browser: no cookies at all.
  const page = await server.http.get(callback);
  assert.equal(page.status, 200, page.text);
  assert.match(page.text, /Fitbit account <strong><code>VICTIM1<\/code><\/strong>/);
  assert.match(page.text, new RegExp(`Alice Archer \\(<code>Patient/${alicePatient}</code>\\)`));
  assert.equal(page.headers['x-frame-options'], 'DENY');
  assert.equal(await linkedAccount(alicePatient), undefined, 'the callback alone links nothing');

  const confirmation = confirmationOf(page.text);
  const bare = await confirm(server, confirmation);
  assert.equal(bare.status, 400);
  const wrong = await confirm(server, confirmation, { username: alice.username, password: 'guess' });
  assert.equal(wrong.status, 401);
  const asVictor = await confirm(server, confirmation, victor);
  assert.equal(asVictor.status, 403);
  assert.equal(asVictor.body.resourceType, 'OperationOutcome');
  assert.match(asVictor.body.issue[0].diagnostics, /Only the user who started this link/);
  assert.equal(await linkedAccount(alicePatient), undefined);
  assert.equal(await linkedAccount(victorPatient), undefined);
  // Alice's sync finds no Fitbit account: the victim's data never reaches her record.
  const sync = await server.http
    .post(`/fhir/Patient/${alicePatient}/$sync-fitbit?timeZone=Europe/Berlin`)
    .set('Authorization', `Bearer ${aliceToken}`);
  assert.equal(sync.status, 422);
});

test('the starter confirms, signed in: linked, audited with the Fitbit account; the confirmation is single use', async () => {
  fake.consentAs = 'ALICE1';
  const authorizeUrl = await startConnect(server, alicePatient, { bearer: aliceToken });
  const page = await server.http.get(await consent(authorizeUrl));
  fake.consentAs = undefined;
  const confirmation = confirmationOf(page.text);
  const done = await confirm(server, confirmation, alice);
  assert.equal(done.status, 200, done.text);
  assert.match(done.text, /Fitbit connected/);
  assert.equal(await linkedAccount(alicePatient), 'ALICE1');
  const again = await confirm(server, confirmation, alice);
  assert.equal(again.status, 400);

  const [event] = await linkAudits();
  assert.equal(event.subtype[0].code, 'fitbit-link');
  assert.match(event.outcomeDesc!, /Fitbit account ALICE1 linked/);
  assert.equal(event.entity?.[0].what?.reference, `Patient/${alicePatient}`);
  assert.equal(event.agent[0].who?.reference, `Patient/${alicePatient}`);
});

test('one Fitbit account feeds one record: linking it to a second patient is refused (409)', async () => {
  fake.consentAs = 'ALICE1';
  const page = await server.http.get(await consent(await startConnect(server, victorPatient, { bearer: victorToken })));
  fake.consentAs = undefined;
  const res = await confirm(server, confirmationOf(page.text), victor);
  assert.equal(res.status, 409, res.text);
  assert.match(res.body.issue[0].diagnostics, /already linked to another FibroTrack record/);
  assert.equal(await linkedAccount(victorPatient), undefined);
  assert.equal(await linkedAccount(alicePatient), 'ALICE1');
});

test('linking another account unlinks the first: both audited', async () => {
  fake.consentAs = 'ALICE2';
  await connectFitbit(server, alicePatient, { bearer: aliceToken, user: alice });
  fake.consentAs = undefined;
  assert.equal(await linkedAccount(alicePatient), 'ALICE2');
  const events = (await linkAudits()).map((e) => `${e.subtype[0].code} ${e.outcomeDesc}`);
  assert.ok(events.includes('fitbit-unlink Fitbit account ALICE1 unlinked from the record'), events.join('\n'));
  assert.ok(events.includes('fitbit-link Fitbit account ALICE2 linked to the record'), events.join('\n'));
});

test('a token without a user (Backend Services) cannot start a link', async () => {
  const { client, key } = await registerBackendClient(server, 'system/*.cruds');
  const token = await backendServicesToken(server, { clientId: client.clientId, key, scope: 'system/*.cruds' });
  const res = await server.http.post(`/fhir/Patient/${victorPatient}/$connect-fitbit`).set('Authorization', `Bearer ${token.access_token}`);
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.match(res.body.issue[0].diagnostics, /signed-in user/);
});

test('flows never completed expire and their rows are deleted', async () => {
  const stale = randomBytes(32).toString('base64url');
  await server.sql(
    'INSERT INTO fitbit_oauth_state (state, patient_id, code_verifier, created_at) VALUES (?, ?, ?, NOW(3) - INTERVAL 11 MINUTE)',
    [stale, alicePatient, 'v'],
  );
  const late = await server.http.get(`/wearables/fitbit/callback?code=abc&state=${stale}`);
  assert.equal(late.status, 400);
  assert.match(late.body.issue[0].diagnostics, /expired/);
  await server.sql(
    'INSERT INTO fitbit_oauth_state (state, patient_id, code_verifier, created_at) VALUES (?, ?, ?, NOW(3) - INTERVAL 11 MINUTE)',
    [stale, alicePatient, 'v'],
  );
  await startConnect(server, victorPatient, { bearer: victorToken });
  const [{ n }] = await server.sql<{ n: number }[]>(
    'SELECT COUNT(*) AS n FROM fitbit_oauth_state WHERE created_at < NOW(3) - INTERVAL 10 MINUTE',
  );
  assert.equal(Number(n), 0);
});

test('a failed callback logs neither the code nor the state', async () => {
  const authorizeUrl = await startConnect(server, victorPatient, { bearer: victorToken });
  const callback = await consent(authorizeUrl);
  const q = new URL(callback, 'http://x').searchParams;
  const logged: string[] = [];
  const error = console.error;
  console.error = (...args: unknown[]) =>
    logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack} ${JSON.stringify(a)}` : String(a))).join(' '));
  // The store fails under the callback (a lost table): a 500 whose log must still keep the secrets out.
  await server.sql('RENAME TABLE fitbit_oauth_state TO fitbit_oauth_state_away');
  try {
    const res = await server.http.get(callback);
    assert.equal(res.status, 500);
  } finally {
    await server.sql('RENAME TABLE fitbit_oauth_state_away TO fitbit_oauth_state');
    console.error = error;
  }
  const text = logged.join('\n');
  assert.match(text, /GET \/wearables\/fitbit\/callback\?code=…&state=… failed/);
  assert.ok(!text.includes(q.get('code')!), text);
  assert.ok(!text.includes(q.get('state')!), text);
});
