// $disconnect-fitbit: a patient unlinks their own Fitbit account; the link and its tokens are gone (revoked at
// Fitbit, and a Fitbit that fails to revoke keeps nothing linked), the unlinking is audited, and a later sync
// answers that nothing is linked. Other patients, too few scopes and no token are refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FakeFitbit } from './support/fake-fitbit.js';
import { connectFitbit, fitbitAudits } from './support/fitbit-connect.js';
import { addUser, authorizationCodeToken, createResource, registerClient } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const fake = new FakeFitbit();
let server: TestServer;
let alicePatient: string;
let victorPatient: string;
let aliceToken: string;
let aliceReadOnly: string;
let victorToken: string;
const alice = { username: 'alice.unlink', password: 'correct horse alice' };
const victor = { username: 'victor.unlink', password: 'correct horse victor' };

const linkedAccount = async (patientId: string) =>
  (await server.sql<{ fitbit_user_id: string }[]>('SELECT fitbit_user_id FROM fitbit_link WHERE patient_id = ?', [patientId]))[0]
    ?.fitbit_user_id;

const disconnect = (patientId: string, bearer?: string) => {
  const req = server.http.post(`/fhir/Patient/${patientId}/$disconnect-fitbit`);
  return bearer ? req.set('Authorization', `Bearer ${bearer}`) : req;
};

/** Alice links the Fitbit account `account`; its refresh token as the fake issued it. */
async function aliceLinks(account: string): Promise<string> {
  fake.consentAs = account;
  await connectFitbit(server, alicePatient, { bearer: aliceToken, user: alice });
  fake.consentAs = undefined;
  assert.equal(await linkedAccount(alicePatient), account);
  return fake.issued.at(-1)!.refreshToken;
}

const unlinkAudits = () => fitbitAudits(server, '%fitbit-unlink%');

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
  const scope = 'launch/patient openid fhirUser patient/*.cruds';
  const client = await registerClient(server, { scope });
  aliceToken = (await authorizationCodeToken(server, { client, user: alice, scope })).access_token;
  aliceReadOnly = (await authorizationCodeToken(server, { client, user: alice, scope: 'launch/patient openid fhirUser patient/*.rs' }))
    .access_token;
  victorToken = (await authorizationCodeToken(server, { client, user: victor, scope })).access_token;
});
after(async () => {
  await server.close();
  await fake.close();
});

test('another patient, too few scopes and no token cannot unlink: the link stays', async () => {
  await aliceLinks('ALICE1');
  const byVictor = await disconnect(alicePatient, victorToken);
  assert.equal(byVictor.status, 403, JSON.stringify(byVictor.body));
  assert.equal(byVictor.body.resourceType, 'OperationOutcome');
  const readOnly = await disconnect(alicePatient, aliceReadOnly);
  assert.equal(readOnly.status, 403, JSON.stringify(readOnly.body));
  assert.equal(readOnly.body.resourceType, 'OperationOutcome');
  const anonymous = await disconnect(alicePatient);
  assert.equal(anonymous.status, 401, JSON.stringify(anonymous.body));
  assert.equal(await linkedAccount(alicePatient), 'ALICE1');
  assert.equal(fake.revocations.length, 0);
});

test('the patient unlinks their own account: link and tokens gone, revoked at Fitbit, audited; a sync finds nothing linked', async () => {
  const refreshToken = await aliceLinks('ALICE2');
  const res = await disconnect(alicePatient, aliceToken);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.deepEqual(
    res.body.issue.map((i: { severity: string }) => i.severity),
    ['information'],
  );
  assert.match(res.body.issue[0].diagnostics, /Fitbit account ALICE2 is unlinked from Patient\/.+ and revoked at Fitbit/);
  const [{ n }] = await server.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM fitbit_link WHERE patient_id = ?', [alicePatient]);
  assert.equal(Number(n), 0, 'the stored tokens are deleted');
  assert.deepEqual(fake.revocations.at(-1), { status: 200, user: 'ALICE2' });
  assert.equal(fake.isRefreshTokenValid(refreshToken), false, 'Fitbit no longer accepts the tokens');

  const events = await unlinkAudits();
  const event = events.find((e) => e.outcomeDesc === 'Fitbit account ALICE2 unlinked from the record');
  assert.ok(event, JSON.stringify(events));
  assert.equal(event.entity?.[0].what?.reference, `Patient/${alicePatient}`);
  assert.equal(event.agent[0].who?.reference, `Patient/${alicePatient}`);

  const sync = await server.http
    .post(`/fhir/Patient/${alicePatient}/$sync-fitbit?timeZone=Europe/Berlin`)
    .set('Authorization', `Bearer ${aliceToken}`);
  assert.equal(sync.status, 422, JSON.stringify(sync.body));
  assert.match(sync.body.issue[0].diagnostics, /has not connected a Fitbit account/);
  const again = await disconnect(alicePatient, aliceToken);
  assert.equal(again.status, 404, JSON.stringify(again.body));
  assert.match(again.body.issue[0].diagnostics, /has no linked Fitbit account/);
});

test('a Fitbit that fails to revoke does not keep the link: unlinked, with a warning', async () => {
  await aliceLinks('ALICE3');
  fake.misbehaveRevoke('error500');
  const res = await disconnect(alicePatient, aliceToken);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(
    res.body.issue.map((i: { severity: string }) => i.severity),
    ['information', 'warning'],
  );
  assert.match(res.body.issue[1].diagnostics, /Fitbit did not confirm revoking/);
  assert.equal(await linkedAccount(alicePatient), undefined);
  const events = await unlinkAudits();
  assert.ok(events.some((e) => e.outcomeDesc === 'Fitbit account ALICE3 unlinked from the record'));
});
