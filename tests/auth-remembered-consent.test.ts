// Remembered consent through the real authorization flow: a second launch of the same app by the same user asking for
// nothing new passes without the consent page, one asking for more is asked only about the new scopes, patient/ scopes
// are remembered for their patient only; /auth/grants lists a user's own apps in plain words and revokes one (its
// tokens then refused by the FHIR API, introspection and the token endpoint, and consent asked again); nobody lists
// or revokes another user's; `fibrotrack user revoke-grants` does the same from the command line.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import { runCliCaptured } from './support/cli-run.js';
import { csrfOf } from './support/ehr-simulator.js';
import {
  addUser,
  authorize,
  createResource,
  ehrLaunch,
  exchangeCode,
  introspect,
  refresh,
  registerClient,
  type TokenResponse,
} from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const ORIGIN = 'http://localhost:8080';
let server: TestServer;
let app: RegisteredClient;
let practitioner: string;
let amelia: string;
let karev: string;
const doctor = { username: 'dr.memory', password: 'remembers-1234' };
const other = { username: 'dr.other', password: 'other-doctor-99' };
const EHR_SCOPE = 'launch openid fhirUser offline_access patient/*.rs';

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
  practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Memory' }] });
  amelia = await createResource(server, {
    resourceType: 'Patient',
    name: [{ family: 'Shepherd', given: ['Amelia'] }],
    birthDate: '1980-02-02',
  });
  karev = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Karev', given: ['Alex'] }] });
  await createResource(server, {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'pain' },
    subject: { reference: `Patient/${amelia}` },
    valueInteger: 4,
  } as never);
  await addUser(server, { ...doctor, fhirUser: `Practitioner/${practitioner}`, displayName: 'Dr Memory' });
  const otherPractitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Other' }] });
  await addUser(server, { ...other, fhirUser: `Practitioner/${otherPractitioner}` });
  app = await registerClient(server, {
    name: 'Pain tracker',
    scope: 'launch launch/patient openid fhirUser offline_access patient/*.rs patient/Observation.c user/*.rs',
  });
});

after(async () => {
  await server?.close();
});

/** An EHR launch of the app by `user` for `patient`: the scopes the consent page offered and the token. */
async function launch(patient: string, scope = EHR_SCOPE, user = doctor) {
  const launchId = await ehrLaunch(server, { clientId: app.clientId, fhirUser: `Practitioner/${practitioner}`, patient });
  const r = await authorize(server, { client: app, user, scope, launch: launchId });
  assert.ok(r.code, `no code: ${r.error ?? r.stoppedAt?.text.slice(0, 300)}`);
  const res = await exchangeCode(server, app, r);
  assert.equal(res.status, 200, res.text);
  return { offered: [...r.offeredScopes].sort(), token: res.body as TokenResponse, page: r };
}

/** Signs in to /auth/grants: the browser and the page it shows. */
async function grantsPage(user: { username: string; password: string }) {
  const agent = request.agent(server.built.app);
  const login = await agent.post('/auth/grants/login').set('Origin', ORIGIN).type('form').send(user);
  assert.equal(login.status, 303, login.text);
  const page = await agent.get('/auth/grants');
  assert.equal(page.status, 200);
  return { agent, page: page.text, csrf: csrfOf(page.text)! };
}

const readObservations = (token: string) => server.http.get(`/fhir/Observation?patient=${amelia}`).set('Authorization', `Bearer ${token}`);

test('a second launch asking for the same scopes skips the consent page; more scopes ask only about the new ones', async () => {
  const first = await launch(amelia);
  assert.deepEqual(first.offered, EHR_SCOPE.split(' ').sort(), 'the first launch asks about everything');

  const second = await launch(amelia);
  assert.deepEqual(second.offered, [], 'no consent page');
  assert.deepEqual(second.token.scope.split(' ').sort(), EHR_SCOPE.split(' ').sort());
  assert.equal(second.token.patient, amelia);
  assert.equal((await readObservations(second.token.access_token)).status, 200);

  // A launch asking for fewer scopes gets only those: remembered consent never widens a token.
  const fewer = await launch(amelia, 'launch openid patient/Observation.rs');
  assert.deepEqual(fewer.offered, []);
  assert.deepEqual(fewer.token.scope.split(' ').sort(), ['launch', 'openid', 'patient/Observation.rs']);

  // Asking for more: the page offers the new scope, shows what was allowed before, and the token has both.
  const launchId = await ehrLaunch(server, { clientId: app.clientId, fhirUser: `Practitioner/${practitioner}`, patient: amelia });
  const more = await authorize(server, {
    client: app,
    user: doctor,
    scope: `${EHR_SCOPE} patient/Observation.c`,
    launch: launchId,
    deselect: [],
  });
  assert.deepEqual(more.offeredScopes, ['patient/Observation.c']);
  const token = (await exchangeCode(server, app, more)).body as TokenResponse;
  assert.deepEqual(token.scope.split(' ').sort(), [...EHR_SCOPE.split(' '), 'patient/Observation.c'].sort());
});

test('the consent page lists the scopes allowed before, without checkboxes; a denied scope is asked about again', async () => {
  await launch(amelia);
  const scope = `${EHR_SCOPE} user/Patient.rs`;
  const launchFor = () => ehrLaunch(server, { clientId: app.clientId, fhirUser: `Practitioner/${practitioner}`, patient: amelia });
  const denied = await authorize(server, { client: app, user: doctor, scope, launch: await launchFor(), deny: true });
  assert.equal(denied.error, 'access_denied');
  assert.deepEqual(denied.offeredScopes, ['user/Patient.rs']);
  const page = denied.consentPage!;
  const allowedBefore = page.slice(page.indexOf('<section id="allowed-before">'));
  assert.match(allowedBefore, /Already allowed/);
  assert.match(allowedBefore, /Read and search every kind of record of Amelia Shepherd[^<]* only/);
  assert.doesNotMatch(allowedBefore, /type="checkbox"/);
  assert.match(page, /Read and search patient details \(name, birth date, identifiers\) of every patient you may see/);
  const unticked = await authorize(server, { client: app, user: doctor, scope, launch: await launchFor(), deselect: ['user/Patient.rs'] });
  assert.deepEqual(unticked.offeredScopes, ['user/Patient.rs']);
  assert.deepEqual((await exchangeCode(server, app, unticked)).body.scope.split(' ').sort(), EHR_SCOPE.split(' ').sort());
  assert.deepEqual(
    (await authorize(server, { client: app, user: doctor, scope, launch: await launchFor() })).offeredScopes,
    ['user/Patient.rs'],
    'an unticked scope is not remembered',
  );
});

test('patient/ scopes are remembered for their patient only; other scopes for every launch of the app', async () => {
  await launch(amelia);
  const forKarev = await launch(karev);
  assert.deepEqual(forKarev.offered, ['patient/*.rs'], 'only the patient-confined scope is asked about for another patient');
  assert.equal(forKarev.token.patient, karev);
  assert.deepEqual((await launch(karev)).offered, []);
  // user/ scopes are not confined to a patient: allowed once, they pass for any patient's launch.
  assert.deepEqual((await launch(amelia, 'launch openid user/Observation.rs')).offered, ['user/Observation.rs']);
  const userLevel = await launch(karev, 'launch openid user/Observation.rs');
  assert.deepEqual(userLevel.offered, []);
  assert.equal(userLevel.token.patient, karev, 'each launch carries its own context');
});

test("/auth/grants lists the user's apps in plain words; Revoke ends the tokens and consent is asked again", async () => {
  const { token } = await launch(amelia);
  assert.equal((await readObservations(token.access_token)).status, 200);
  const { agent, page, csrf } = await grantsPage(doctor);
  assert.match(page, /Signed in as <strong id="signed-in-as">Dr Memory/);
  assert.match(page, /<h2 id="app-0">Pain tracker<\/h2>/);
  assert.match(page, /For Amelia Shepherd[^<]* only/);
  assert.match(page, /Read and search every kind of record of Amelia Shepherd[^<]* only/);
  assert.match(page, /Keep access after you close the app, until you revoke it/);
  assert.match(page, /For Alex Karev only/, 'the consent for another patient is listed on its own');

  const crossSite = await agent
    .post('/auth/grants/revoke')
    .set('Origin', 'http://evil.example')
    .type('form')
    .send({ csrf, client: app.clientId });
  assert.equal(crossSite.status, 403);
  const noToken = await agent.post('/auth/grants/revoke').set('Origin', ORIGIN).type('form').send({ client: app.clientId });
  assert.equal(noToken.status, 403);
  assert.match(noToken.text, /CSRF token/);
  assert.equal((await readObservations(token.access_token)).status, 200, 'refused requests revoked nothing');

  const revoked = await agent.post('/auth/grants/revoke').set('Origin', ORIGIN).type('form').send({ csrf, client: app.clientId });
  assert.equal(revoked.status, 303);
  const after = await agent.get(revoked.headers.location);
  assert.match(after.text, /Pain tracker no longer has access/);
  assert.match(after.text, /You have not allowed any app/);

  assert.equal((await readObservations(token.access_token)).status, 401, 'the FHIR API refuses the access token');
  assert.equal((await introspect(server, app, token.access_token)).body.active, false);
  const refreshed = await refresh(server, app, token.refresh_token!);
  assert.equal(refreshed.status, 400);
  assert.equal(refreshed.body.error, 'invalid_grant');
  assert.deepEqual((await launch(amelia)).offered, EHR_SCOPE.split(' ').sort(), 'consent is asked again');
});

test("another user never sees nor revokes someone else's apps", async () => {
  const { token } = await launch(amelia);
  const { agent, page, csrf } = await grantsPage(other);
  assert.doesNotMatch(page, /Pain tracker/);
  assert.match(page, /You have not allowed any app/);
  const attempt = await agent.post('/auth/grants/revoke').set('Origin', ORIGIN).type('form').send({ csrf, client: app.clientId });
  assert.equal(attempt.status, 404);
  assert.match(attempt.text, /nothing to revoke/);
  assert.equal((await readObservations(token.access_token)).status, 200, "the doctor's token still works");
  assert.deepEqual((await launch(amelia)).offered, [], 'and their consent is still remembered');
  // Without a sign-in the page only offers one, and a revoke is refused.
  const anonymous = request.agent(server.built.app);
  assert.match((await anonymous.get('/auth/grants')).text, /name="password"/);
  assert.equal(
    (await anonymous.post('/auth/grants/revoke').set('Origin', ORIGIN).type('form').send({ csrf, client: app.clientId })).status,
    401,
  );
  assert.equal(
    (
      await agent
        .post('/auth/grants/login')
        .set('Origin', ORIGIN)
        .type('form')
        .send({ ...other, password: 'wrong-password' })
    ).status,
    401,
  );
});

test("fibrotrack user revoke-grants revokes the user's apps and their tokens", async () => {
  const { token } = await launch(amelia);
  const env = { DATABASE_URL: `${ROOT}/${server.database}`, REDIS_PREFIX: `${server.database}:` };
  const unknown = await runCliCaptured(['user', 'revoke-grants', 'dr.nobody'], env);
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /No user 'dr.nobody'/);
  const otherClient = await runCliCaptured(['user', 'revoke-grants', doctor.username, '--client', 'no-such-app'], env);
  assert.equal(otherClient.code, 1);
  assert.match(otherClient.err, /has not allowed 'no-such-app' anything/);
  assert.equal((await readObservations(token.access_token)).status, 200);

  const done = await runCliCaptured(['user', 'revoke-grants', doctor.username, '--client', app.clientId], env);
  assert.equal(done.code, 0, done.err);
  assert.equal(JSON.parse(done.out).clientId, app.clientId);
  assert.equal((await readObservations(token.access_token)).status, 401);
  assert.deepEqual((await launch(amelia)).offered, EHR_SCOPE.split(' ').sort());
});
