// Who may use the /ehr launch simulator (issue 15, item 1): nobody unless EHR_SIMULATOR=true; then only a
// signed-in practitioner, who sees no other user and no secret, and whose forms are refused without the
// session's CSRF token or from another Origin.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-ehr-launch
// https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import type { AuditEvent, Bundle } from 'fhir/r4.js';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import { handleFhirRequest } from '../server/src/fhir/router.js';
import { csrfOf, EHR_ORIGIN, ehrSignIn, type EhrBrowser } from './support/ehr-simulator.js';
import { addUser, authorize, createResource, registerClient } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let app: RegisteredClient;
let confidential: RegisteredClient;
let drA: string;
let drB: string;
let patient: string;
let ehr: EhrBrowser;
const userA = { username: 'dr.alpha', password: 'alpha-password-1' };
const userB = { username: 'dr.bravo.hidden', password: 'bravo-password-1' };
const patientUser = { username: 'pat.ient', password: 'patient-password-1' };

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart', EHR_SIMULATOR: 'true' });
  drA = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Alpha' }] });
  drB = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Bravo' }] });
  patient = await createResource(server, {
    resourceType: 'Patient',
    name: [{ family: 'Charted', given: ['Carla'] }],
    birthDate: '1970-01-01',
  });
  await addUser(server, { ...userA, fhirUser: `Practitioner/${drA}`, displayName: 'Dr Alpha' });
  await addUser(server, { ...userB, fhirUser: `Practitioner/${drB}`, displayName: 'Dr Bravo Hidden' });
  await addUser(server, { ...patientUser, fhirUser: `Patient/${patient}` });
  app = await registerClient(server, { name: 'Launchable app', scope: 'launch openid fhirUser patient/*.rs user/*.rs' });
  confidential = await registerClient(server, {
    name: 'Secret app',
    auth: 'client_secret_basic',
    scope: 'launch openid fhirUser user/*.rs',
  });
  ehr = await ehrSignIn(server, userA);
});

after(async () => {
  await server?.close();
});

const launchId = (res: request.Response) => new URL(res.headers.location).searchParams.get('launch');

test('off by default in AUTH_MODE=smart, and with EHR_SIMULATOR=false: /ehr answers 404', async () => {
  const settings: Record<string, string>[] = [
    { AUTH_MODE: 'smart' },
    { AUTH_MODE: 'smart', EHR_SIMULATOR: 'false' },
    { AUTH_MODE: 'open' },
  ];
  for (const overrides of settings) {
    const off = await startTestServer(overrides);
    try {
      for (const res of [
        await off.http.get('/ehr/'),
        await off.http.get('/ehr/login'),
        await off.http.post('/ehr/login').type('form').send(userA),
        await off.http.post('/ehr/launch').type('form').send({ patient: 'x', client: 'fibrotrack-provider-app' }),
      ]) {
        assert.equal(res.status, 404, JSON.stringify(overrides));
        assert.equal(res.body.resourceType, 'OperationOutcome');
      }
    } finally {
      await off.close();
    }
  }
});

test('EHR_SIMULATOR must be true or false', async () => {
  await assert.rejects(startTestServer({ AUTH_MODE: 'smart', EHR_SIMULATOR: 'yes' }), /EHR_SIMULATOR must be true or false/);
});

test('without sign-in nothing is listed: /ehr/ sends to the sign-in page, which names no patient, user or app', async () => {
  const res = await server.http.get('/ehr/');
  assert.equal(res.status, 303);
  assert.equal(res.headers.location, '/ehr/login');
  const signIn = await server.http.get('/ehr/login');
  assert.equal(signIn.status, 200);
  assert.match(signIn.text, /name="username"/);
  for (const secret of [
    'Charted',
    patient,
    drA,
    drB,
    userB.username,
    'Dr Bravo',
    app.clientId,
    'Launchable app',
    'fibrotrack-provider-app',
  ]) {
    assert.ok(!signIn.text.includes(secret) && !res.text.includes(secret), `${secret} shown without sign-in`);
  }
});

test('without sign-in no launch is minted', async () => {
  const res = await server.http
    .post('/ehr/launch')
    .set('Origin', EHR_ORIGIN)
    .type('form')
    .send({ patient, client: app.clientId, csrf: ehr.csrf });
  assert.equal(res.status, 401);
  assert.equal(res.headers.location, undefined);
  assert.match(res.text, /Sign in to launch/);
});

test('the signed-in practitioner launches: the launch is made for them, whatever practitioner the form names', async () => {
  const res = await ehr.launch({ practitioner: `Practitioner/${drB}`, patient, client: app.clientId });
  assert.equal(res.status, 303, res.text);
  assert.equal(new URL(res.headers.location).pathname, new URL(app.launchUrl!).pathname);
  const launch = await server.built.auth!.launches.findLaunch(launchId(res)!);
  assert.equal(launch?.fhirUser, `Practitioner/${drA}`);
  assert.equal(launch?.patient, patient);
  // Dr Alpha completes it at /auth; Dr Bravo cannot use it.
  assert.ok((await authorize(server, { client: app, user: userA, scope: 'launch patient/*.rs', launch: launchId(res)! })).code);
  const again = await ehr.launch({ patient, client: app.clientId });
  const other = await authorize(server, { client: app, user: userB, scope: 'launch patient/*.rs', launch: launchId(again)! });
  assert.equal(other.code, undefined);
  assert.equal(other.stoppedAt?.status, 403);
});

test('the signed-in page lists no other user and no secret', async () => {
  const res = await ehr.agent.get('/ehr/');
  assert.equal(res.status, 200);
  assert.match(res.text, /Dr Alpha/);
  assert.match(res.text, /Carla Charted/);
  for (const hidden of [drB, userB.username, 'Dr Bravo', patientUser.username, userA.password, confidential.clientSecret!]) {
    assert.ok(!res.text.includes(hidden), `${hidden} shown to Dr Alpha`);
  }
  assert.doesNotMatch(res.text, /<select name="practitioner"/);
});

test('the session cookie is HttpOnly, SameSite=Lax and scoped to /ehr; Secure when BASE_URL is https', async () => {
  const cookieOf = (res: request.Response) =>
    ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('ehr_session='));
  const plain = cookieOf(await server.http.post('/ehr/login').set('Origin', EHR_ORIGIN).type('form').send(userA));
  assert.ok(plain, 'a session cookie is set');
  assert.match(plain, /; HttpOnly/i);
  assert.match(plain, /; SameSite=Lax/i);
  assert.match(plain, /; Path=\/ehr/i);
  assert.doesNotMatch(plain, /; Secure/i);
  const https = await startTestServer({ AUTH_MODE: 'smart', EHR_SIMULATOR: 'true', BASE_URL: 'https://ehr.example' });
  try {
    await addUser(https, { ...userA, fhirUser: `Practitioner/${drA}` });
    const secure = cookieOf(await https.http.post('/ehr/login').set('Origin', 'https://ehr.example').type('form').send(userA));
    assert.match(secure ?? '', /; Secure/i);
  } finally {
    await https.close();
  }
});

test("a launch without the session CSRF token, or with another session's, is refused", async () => {
  const other = await ehrSignIn(server, userA);
  assert.notEqual(other.csrf, ehr.csrf);
  for (const csrf of [undefined, '', 'forged', other.csrf]) {
    const form: Record<string, string> = { patient, client: app.clientId, ...(csrf !== undefined ? { csrf } : {}) };
    const res = await ehr.agent.post('/ehr/launch').set('Origin', EHR_ORIGIN).type('form').send(form);
    assert.equal(res.status, 403, `csrf ${JSON.stringify(csrf)}`);
    assert.equal(res.headers.location, undefined);
    assert.match(res.text, /CSRF token/);
  }
});

test('a launch from another Origin (or a cross-site fetch) is refused, even with the session and its token', async () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ Origin: 'https://evil.example' }, /Origin https:\/\/evil\.example/],
    [{ Origin: 'null' }, /Origin null/],
    [{ Origin: 'http://localhost:8081' }, /Origin/],
    [{ 'Sec-Fetch-Site': 'cross-site' }, /Sec-Fetch-Site cross-site/],
  ];
  for (const [headers, message] of cases) {
    const res = await ehr.agent.post('/ehr/launch').set(headers).type('form').send({ csrf: ehr.csrf, patient, client: app.clientId });
    assert.equal(res.status, 403, JSON.stringify(headers));
    assert.equal(res.headers.location, undefined);
    assert.match(res.text, message);
  }
  // Sign-in from another site is refused too (no login CSRF into someone else's simulator session).
  const login = await request(server.built.app).post('/ehr/login').set('Origin', 'https://evil.example').type('form').send(userA);
  assert.equal(login.status, 403);
  assert.equal(login.headers['set-cookie'], undefined);
});

test('only practitioners sign in; a wrong password is 401; the /auth lockout applies to the simulator too', async () => {
  const asPatient = await request(server.built.app).post('/ehr/login').set('Origin', EHR_ORIGIN).type('form').send(patientUser);
  assert.equal(asPatient.status, 403);
  assert.match(asPatient.text, /Only a practitioner/);
  assert.equal(asPatient.headers['set-cookie'], undefined);
  const wrong = await request(server.built.app)
    .post('/ehr/login')
    .set('Origin', EHR_ORIGIN)
    .type('form')
    .send({ ...userB, password: 'nope-nope-nope' });
  assert.equal(wrong.status, 401);
  // Ten failures at /auth lock the name at /ehr as well (one lockout, any spelling).
  for (let i = 0; i < 9; i++)
    await authorize(server, { client: app, user: { username: userB.username, password: `guess-${i}` }, scope: 'openid user/*.rs' });
  const locked = await request(server.built.app)
    .post('/ehr/login')
    .set('Origin', EHR_ORIGIN)
    .type('form')
    .send({ ...userB, username: `${userB.username.toUpperCase()}  ` });
  assert.equal(locked.status, 429);
});

test('signing out ends the session: its cookie launches nothing afterwards', async () => {
  const b = await ehrSignIn(server, userA);
  const out = await b.agent.post('/ehr/logout').set('Origin', EHR_ORIGIN).type('form').send({ csrf: b.csrf });
  assert.equal(out.status, 303);
  const res = await b.launch({ patient, client: app.clientId });
  assert.equal(res.status, 401);
  assert.equal(csrfOf((await b.agent.get('/ehr/login')).text), undefined);
});

test('simulator sign-ins are audited like those at /auth, with why they failed', async () => {
  await request(server.built.app)
    .post('/ehr/login')
    .set('Origin', EHR_ORIGIN)
    .type('form')
    .send({ username: 'dr.audit.nobody', password: 'not-a-password' });
  await request(server.built.app).post('/ehr/login').set('Origin', EHR_ORIGIN).type('form').send(patientUser);
  const failures = async () => {
    const res = await handleFhirRequest(
      { method: 'GET', path: 'AuditEvent', query: new URLSearchParams({ subtype: 'sign-in.failure', _count: '1000' }), headers: {} },
      server.built.ctx,
    );
    return ((res.resource as Bundle).entry ?? []).map((e) => (e.resource as AuditEvent).outcomeDesc);
  };
  // Audit events are written in batches shortly after the request: wait for them (generous bound).
  let seen: (string | undefined)[] = [];
  for (let i = 0; i < 100 && !seen.includes('not a practitioner (EHR launch simulator)'); i++) {
    seen = await failures();
    if (!seen.includes('not a practitioner (EHR launch simulator)')) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(seen.includes('wrong username or password'), JSON.stringify(seen));
  assert.ok(seen.includes('not a practitioner (EHR launch simulator)'), JSON.stringify(seen));
});
