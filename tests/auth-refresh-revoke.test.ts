// Refresh tokens (offline_access, online_access; scope subsets), token introspection and revocation.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#refresh-access-token
// https://hl7.org/fhir/smart-app-launch/token-introspection.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import {
  addUser,
  authorizationCodeToken,
  createResource,
  FHIR_BASE,
  introspect,
  refresh,
  registerClient,
  revoke,
} from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let app: RegisteredClient;
let patient: string;
let practitioner: string;
const user = { username: 'dr.house', password: 'vicodin-is-bad' };
const scope = 'launch/patient openid fhirUser offline_access patient/Observation.rs patient/Condition.rs';

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
  practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'House' }] });
  patient = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Cuddy' }] });
  await addUser(server, { ...user, fhirUser: `Practitioner/${practitioner}` });
  app = await registerClient(server, { scope: `${scope} online_access` });
});

after(async () => {
  await server?.close();
});

const login = (s = scope) => authorizationCodeToken(server, { client: app, user, scope: s, patient });

test('refresh without scope gives the original scopes and the launch context again', async () => {
  const first = await login();
  const res = await refresh(server, app, first.refresh_token!);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.scope.split(' ').sort(), scope.split(' ').sort());
  assert.equal(res.body.patient, patient);
  assert.ok(res.body.refresh_token);
  assert.ok(res.body.expires_in <= 3600);
  assert.equal(res.headers['cache-control'], 'no-store');
  const ctx = await server.built.verifier!.verify(res.body.access_token);
  assert.equal(ctx?.patient, patient);
});

test('refresh with a subset of the scopes narrows the new token; a wider scope is refused', async () => {
  const first = await login();
  const narrowed = await refresh(server, app, first.refresh_token!, 'patient/Observation.rs launch/patient');
  assert.equal(narrowed.status, 200, narrowed.text);
  assert.deepEqual(narrowed.body.scope.split(' ').sort(), ['launch/patient', 'patient/Observation.rs']);
  const ctx = await server.built.verifier!.verify(narrowed.body.access_token);
  assert.deepEqual(ctx!.scopes.sort(), ['launch/patient', 'patient/Observation.rs']);
  const wider = await refresh(server, app, narrowed.body.refresh_token, 'patient/Observation.rs patient/Patient.rs');
  assert.equal(wider.status, 400);
  assert.equal(wider.body.error, 'invalid_scope');
});

test('a refresh token, its grant and launch context are kept at least three months (ONC (g)(10))', async () => {
  const token = await login();
  const redis = server.built.redis!;
  const [rtKey] = await redis.keys(`*oidc:RefreshToken:${token.refresh_token}`);
  const { grantId } = JSON.parse((await redis.get(rtKey))!) as { grantId: string };
  const prefix = rtKey.slice(0, rtKey.indexOf('oidc:RefreshToken:'));
  const threeMonths = 92 * 24 * 3600;
  for (const key of [rtKey, `${prefix}oidc:Grant:${grantId}`, `${prefix}grantctx:${grantId}`]) {
    const ttl = await redis.ttl(key);
    assert.ok(ttl > threeMonths - 60 && ttl <= threeMonths, `${key}: ${ttl}`);
  }
  // Refreshing keeps it usable just as long (a rotated refresh token starts anew).
  const next = await refresh(server, app, token.refresh_token!);
  const rotated = next.body.refresh_token as string;
  const [nextKey] = await redis.keys(`*oidc:RefreshToken:${rotated}`);
  assert.ok((await redis.ttl(nextKey)) > threeMonths - 60);
});

test('online_access also yields a refresh token; no refresh scope yields none', async () => {
  const online = await login('launch/patient online_access patient/Observation.rs');
  assert.ok(online.refresh_token);
  assert.ok(online.scope.split(' ').includes('online_access'));
  const none = await login('launch/patient patient/Observation.rs');
  assert.equal(none.refresh_token, undefined);
});

test('introspection answers active, scope, client_id, exp, patient, iss, sub and fhirUser', async () => {
  const token = await login();
  const res = await introspect(server, app, token.access_token);
  assert.equal(res.status, 200);
  assert.equal(res.body.active, true);
  assert.deepEqual(res.body.scope.split(' ').sort(), scope.split(' ').sort());
  assert.equal(res.body.client_id, app.clientId);
  assert.equal(res.body.patient, patient);
  assert.equal(res.body.iss, 'http://localhost:8080/auth');
  assert.equal(typeof res.body.sub, 'string');
  assert.equal(res.body.fhirUser, `${FHIR_BASE}/Practitioner/${practitioner}`);
  assert.equal(res.body.aud, FHIR_BASE);
  assert.ok(res.body.exp > Date.now() / 1000);
  assert.equal(res.body.granted_scope, undefined);
});

test('an unknown token introspects as {"active": false} with 200', async () => {
  const res = await introspect(server, app, 'no-such-token');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { active: false });
});

test('after revoking the access token: introspection inactive, the verifier refuses it, refresh is refused', async () => {
  const token = await login();
  const res = await revoke(server, app, token.access_token);
  assert.equal(res.status, 200);
  assert.deepEqual((await introspect(server, app, token.access_token)).body, { active: false });
  assert.equal(await server.built.verifier!.verify(token.access_token), undefined);
  const again = await refresh(server, app, token.refresh_token!);
  assert.equal(again.status, 400);
  assert.equal(again.body.error, 'invalid_grant');
});

test('after revoking the refresh token the access tokens of its grant stop working too', async () => {
  const token = await login();
  assert.equal((await revoke(server, app, token.refresh_token!)).status, 200);
  assert.equal(await server.built.verifier!.verify(token.access_token), undefined);
  assert.equal((await refresh(server, app, token.refresh_token!)).body.error, 'invalid_grant');
});

test("a client cannot revoke or introspect another client's token, public or confidential (answered as for an unknown token)", async () => {
  const token = await login();
  const publicOther = await registerClient(server, { scope: 'openid' });
  const confidentialOther = await registerClient(server, { scope: 'openid', auth: 'client_secret_basic' });
  for (const other of [publicOther, confidentialOther]) {
    for (const t of [token.access_token, token.refresh_token!]) {
      const res = await revoke(server, other, t);
      assert.equal(res.status, 200, `${other.auth}: ${res.text}`);
      assert.deepEqual((await introspect(server, other, t)).body, { active: false }, other.auth);
    }
  }
  assert.ok(await server.built.verifier!.verify(token.access_token), 'still valid');
  assert.equal((await introspect(server, app, token.refresh_token!)).body.active, true);
  assert.equal((await refresh(server, app, token.refresh_token!)).status, 200, 'the refresh token still works');
});

test('a revoked access token gets 401 at the FHIR API, where it worked before', async () => {
  const token = await login();
  const read = () => server.http.get(`/fhir/Patient/${patient}/$everything`).set('Authorization', `Bearer ${token.access_token}`);
  const obs = () => server.http.get(`/fhir/Observation?patient=${patient}`).set('Authorization', `Bearer ${token.access_token}`);
  assert.equal((await obs()).status, 200);
  assert.equal((await revoke(server, app, token.access_token)).status, 200);
  const after = await obs();
  assert.equal(after.status, 401);
  assert.equal(after.body.resourceType, 'OperationOutcome');
  assert.equal((await read()).status, 401);
});

test('an online_access refresh token ends with the sign-in session; an offline_access one outlives it', async () => {
  const redis = server.built.redis!;
  /** What the session's expiry (12 hours) does: its records are gone from Redis. */
  const endSession = async (refreshToken: string) => {
    const [rtKey] = await redis.keys(`*oidc:RefreshToken:${refreshToken}`);
    const prefix = rtKey.slice(0, rtKey.indexOf('oidc:RefreshToken:'));
    const { sessionUid } = JSON.parse((await redis.get(rtKey))!) as { sessionUid: string };
    const sessionId = await redis.get(`${prefix}oidc:Session:uid:${sessionUid}`);
    assert.ok(sessionId, 'the session is stored');
    await redis.del(`${prefix}oidc:Session:${sessionId}`, `${prefix}oidc:Session:uid:${sessionUid}`);
  };
  const online = await login('launch/patient online_access patient/Observation.rs');
  const offline = await login('launch/patient offline_access patient/Observation.rs');
  assert.equal((await refresh(server, app, online.refresh_token!)).status, 200, 'works while the session lasts');
  const stillOnline = await login('launch/patient online_access patient/Observation.rs');
  await endSession(stillOnline.refresh_token!);
  await endSession(offline.refresh_token!);
  const ended = await refresh(server, app, stillOnline.refresh_token!);
  assert.equal(ended.status, 400);
  assert.equal(ended.body.error, 'invalid_grant');
  assert.equal(await server.built.verifier!.verify(stillOnline.access_token), undefined, 'its access token ends too');
  const outlives = await refresh(server, app, offline.refresh_token!);
  assert.equal(outlives.status, 200, outlives.text);
  assert.ok(outlives.body.scope.split(' ').includes('offline_access'));
});
