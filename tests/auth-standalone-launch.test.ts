// Standalone launch through the authorization server: login, patient picker, consent, code, token with
// launch context, id_token with fhirUser, refresh. https://hl7.org/fhir/smart-app-launch/app-launch.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import {
  addUser,
  authorize,
  authorizationCodeToken,
  createResource,
  decodeJwt,
  exchangeCode,
  FHIR_BASE,
  forgetConsents,
  registerClient,
} from './support/smart-tokens.js';
import type { RegisteredClient } from '../server/src/auth/client-store.js';

let server: TestServer;
let app: RegisteredClient;
let patientId: string;
let practitionerId: string;
const BASE = 'http://localhost:8080';

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
  patientId = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Doe', given: ['Jane'] }] });
  practitionerId = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Lopez' }] });
  await addUser(server, { username: 'dr.lopez', password: 'correct horse battery', fhirUser: `Practitioner/${practitionerId}` });
  await addUser(server, { username: 'jane', password: 'jane-secret-pass', fhirUser: `Patient/${patientId}` });
  app = await registerClient(server, { scope: 'launch/patient openid fhirUser offline_access patient/*.rs user/*.rs' });
});

after(async () => {
  await server?.close();
});

test('a provider picks a patient; the token carries it, the granted scope and an id_token naming the practitioner', async () => {
  const token = await authorizationCodeToken(server, {
    client: app,
    user: { username: 'dr.lopez', password: 'correct horse battery' },
    scope: 'launch/patient openid fhirUser offline_access patient/Observation.rs',
    patient: patientId,
  });
  assert.equal(token.token_type, 'Bearer');
  assert.equal(token.patient, patientId);
  assert.ok(token.expires_in <= 3600 && token.expires_in > 0);
  assert.deepEqual(token.scope.split(' ').sort(), ['fhirUser', 'launch/patient', 'offline_access', 'openid', 'patient/Observation.rs']);
  assert.ok(token.refresh_token, 'offline_access yields a refresh token');
  assert.equal(token.need_patient_banner, true);
  const idToken = decodeJwt(token.id_token!);
  assert.equal(idToken.header.alg, 'RS256');
  assert.equal(idToken.payload.fhirUser, `${FHIR_BASE}/Practitioner/${practitionerId}`);
  assert.equal(idToken.payload.aud, app.clientId);
  const ctx = await server.built.verifier!.verify(token.access_token);
  assert.equal(ctx?.patient, patientId);
  assert.equal(ctx?.fhirUser, `Practitioner/${practitionerId}`);
  assert.equal(ctx?.clientId, app.clientId);
});

test('the id_token fhirUser names a resource the access token can read', async () => {
  const cases = [
    { user: { username: 'jane', password: 'jane-secret-pass' }, scope: 'launch/patient openid fhirUser patient/*.rs' },
    { user: { username: 'dr.lopez', password: 'correct horse battery' }, scope: 'openid fhirUser user/*.rs' },
  ];
  for (const c of cases) {
    const token = await authorizationCodeToken(server, { client: app, ...c });
    const fhirUser = String(decodeJwt(token.id_token!).payload.fhirUser);
    assert.ok(fhirUser.startsWith(`${FHIR_BASE}/`), fhirUser);
    const res = await server.http.get(fhirUser.slice(BASE.length)).set('Authorization', `Bearer ${token.access_token}`);
    assert.equal(res.status, 200, `${c.user.username}: ${res.text}`);
    assert.equal(`${res.body.resourceType}/${res.body.id}`, fhirUser.slice(FHIR_BASE.length + 1));
  }
});

test('a patient who logs in is the patient in context, without a picker', async () => {
  const result = await authorize(server, {
    client: app,
    user: { username: 'jane', password: 'jane-secret-pass' },
    scope: 'launch/patient patient/*.rs openid fhirUser',
  });
  assert.ok(result.code, JSON.stringify(result.stoppedAt ?? result.error));
  const token = await authorizationCodeToken(server, {
    client: app,
    user: { username: 'jane', password: 'jane-secret-pass' },
    scope: 'launch/patient patient/*.rs openid fhirUser',
  });
  assert.equal(token.patient, patientId);
  assert.equal(decodeJwt(token.id_token!).payload.fhirUser, `${FHIR_BASE}/Patient/${patientId}`);
});

test('the state comes back exactly, and unticked scopes are missing from the granted scope', async () => {
  const state = 'x y/z?&=é';
  const user = { username: 'dr.lopez', password: 'correct horse battery' };
  const scope = 'launch/patient openid fhirUser patient/Observation.rs patient/Condition.rs offline_access';
  await forgetConsents(server, user.username);
  const r = await authorize(server, {
    client: app,
    user,
    scope,
    patient: patientId,
    state,
    deselect: ['patient/Condition.rs', 'offline_access'],
  });
  assert.equal(r.state, state);
  assert.deepEqual([...r.offeredScopes].sort(), scope.split(' ').sort());
  const token = (await exchangeCode(server, app, r)).body;
  assert.deepEqual(token.scope.split(' ').sort(), ['fhirUser', 'launch/patient', 'openid', 'patient/Observation.rs']);
  assert.equal(token.refresh_token, undefined, 'offline_access was unticked');
  const ctx = await server.built.verifier!.verify(token.access_token);
  assert.deepEqual(ctx!.scopes.sort(), ['fhirUser', 'launch/patient', 'openid', 'patient/Observation.rs']);
});

test('v1 scopes are answered in v1 syntax; v2 query constraints are kept verbatim', async () => {
  const user = { username: 'dr.lopez', password: 'correct horse battery' };
  const constrained = 'patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs';
  const token = await authorizationCodeToken(server, {
    client: app,
    user,
    scope: `launch/patient patient/*.read user/Patient.read ${constrained}`,
    patient: patientId,
  });
  assert.deepEqual(token.scope.split(' ').sort(), ['launch/patient', constrained, 'patient/*.read', 'user/Patient.read'].sort());
});

test('scopes the client is not registered for are not granted', async () => {
  const user = { username: 'dr.lopez', password: 'correct horse battery' };
  const token = await authorizationCodeToken(server, {
    client: app,
    user,
    scope: 'launch/patient patient/*.rs patient/*.cud user/*.cruds system/*.rs',
    patient: patientId,
  });
  assert.deepEqual(token.scope.split(' ').sort(), ['launch/patient', 'patient/*.rs']);
});

test('the token response carries smart_style_url, which serves JSON', async () => {
  const user = { username: 'jane', password: 'jane-secret-pass' };
  const token = await authorizationCodeToken(server, { client: app, user, scope: 'launch/patient patient/*.rs' });
  assert.equal(token.smart_style_url, 'http://localhost:8080/auth/smart-style.json');
  const style = await server.http.get('/auth/smart-style.json');
  assert.equal(style.status, 200);
  assert.match(style.headers['content-type'], /^application\/json/);
  assert.equal(
    (await server.http.get('/auth/smart-style.json').set('Origin', 'https://app.example')).headers['access-control-allow-origin'],
    '*',
  );
  assert.equal(typeof style.body.color_background, 'string');
});

test('without a patient scope no picker is shown and no patient is in context', async () => {
  const user = { username: 'dr.lopez', password: 'correct horse battery' };
  const token = await authorizationCodeToken(server, { client: app, user, scope: 'openid fhirUser user/*.rs' });
  assert.equal(token.patient, undefined);
  assert.deepEqual(token.scope.split(' ').sort(), ['fhirUser', 'openid', 'user/*.rs']);
});

test('picking a patient that does not exist is refused on the picker page', async () => {
  const user = { username: 'dr.lopez', password: 'correct horse battery' };
  const r = await authorize(server, { client: app, user, scope: 'launch/patient patient/*.rs', patient: 'no-such-patient' });
  assert.equal(r.code, undefined);
  assert.equal(r.stoppedAt?.status, 400);
  assert.match(r.stoppedAt.text, /no patient/);
});

test('without fhirUser granted, introspection does not reveal the user; the resource server still knows them', async () => {
  const user = { username: 'jane', password: 'jane-secret-pass' };
  const token = await authorizationCodeToken(server, { client: app, user, scope: 'launch/patient patient/*.rs openid' });
  const info = await server.http.post('/auth/introspect').type('form').send({ client_id: app.clientId, token: token.access_token });
  assert.equal(info.body.active, true);
  assert.equal(info.body.fhirUser, undefined);
  assert.equal((await server.built.verifier!.verify(token.access_token))?.fhirUser, `Patient/${patientId}`);
});

test('any patient/ scope puts a patient in context: a provider asking without launch/patient gets the picker', async () => {
  const user = { username: 'dr.lopez', password: 'correct horse battery' };
  const noPick = await authorize(server, { client: app, user, scope: 'openid patient/Observation.rs' });
  assert.match(noPick.stoppedAt?.text ?? '', /<select name="patient"/);
  const token = await authorizationCodeToken(server, { client: app, user, scope: 'openid patient/Observation.rs', patient: patientId });
  assert.equal(token.patient, patientId);
});

test('launch/encounter in a standalone launch is neither offered nor granted, and no encounter is in context', async () => {
  const user = { username: 'dr.lopez', password: 'correct horse battery' };
  const withEncounter = await registerClient(server, { scope: 'launch/patient launch/encounter openid patient/*.rs' });
  const r = await authorize(server, {
    client: withEncounter,
    user,
    scope: 'launch/patient launch/encounter openid patient/*.rs',
    patient: patientId,
  });
  assert.deepEqual([...r.offeredScopes].sort(), ['launch/patient', 'openid', 'patient/*.rs']);
  const token = (await exchangeCode(server, withEncounter, r)).body;
  assert.deepEqual(token.scope.split(' ').sort(), ['launch/patient', 'openid', 'patient/*.rs']);
  assert.equal(token.encounter, undefined);
  assert.deepEqual((await server.built.verifier!.verify(token.access_token))!.scopes.sort(), ['launch/patient', 'openid', 'patient/*.rs']);
  // Asking for nothing else: nothing is granted, so no code.
  const only = await authorize(server, { client: withEncounter, user, scope: 'launch/encounter' });
  assert.equal(only.code, undefined);
  assert.equal(only.error, 'access_denied');
});

test('codes are stored to live 60 seconds', async () => {
  const user = { username: 'jane', password: 'jane-secret-pass' };
  const r = await authorize(server, { client: app, user, scope: 'launch/patient patient/*.rs' });
  const redis = server.built.redis!;
  const [key] = await redis.keys(`*oidc:AuthorizationCode:${r.code}`);
  const ttl = await redis.ttl(key);
  assert.ok(ttl > 0 && ttl <= 60, String(ttl));
});
