// Authorization requests that must never yield a code: wrong or missing aud, redirect_uri not exactly
// registered, unknown client, missing or non-S256 PKCE, bad launch ids; and the user's own refusals.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import { addUser, authorize, createResource, ehrLaunch, FHIR_BASE, forgetConsents, registerClient } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let app: RegisteredClient;
let other: RegisteredClient;
let practitioner: string;
let patient: string;
const user = { username: 'dr.who', password: 'tardis-blue-box' };

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
  practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Who' }] });
  patient = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Pond' }] });
  await addUser(server, { ...user, fhirUser: `Practitioner/${practitioner}` });
  app = await registerClient(server, { scope: 'launch launch/patient openid fhirUser patient/*.rs user/*.rs' });
  other = await registerClient(server, { scope: 'launch openid fhirUser user/*.rs', redirectUris: ['http://localhost:9999/other/cb'] });
});

after(async () => {
  await server?.close();
});

const scope = 'openid fhirUser user/*.rs';

test('an aud other than our FHIR base is refused back to the client with the state, and no code', async () => {
  for (const aud of ['http://evil.example/fhir', `${FHIR_BASE}/Patient`, 'http://localhost:8080']) {
    const r = await authorize(server, { client: app, user, scope, aud, state: 'st-1' });
    assert.equal(r.code, undefined, aud);
    assert.equal(r.error, 'invalid_request', aud);
    assert.equal(r.state, 'st-1');
    assert.match(r.redirect!.searchParams.get('error_description')!, /aud/);
  }
});

test('a missing aud is refused', async () => {
  const r = await authorize(server, { client: app, user, scope, params: { aud: undefined } });
  assert.equal(r.code, undefined);
  assert.equal(r.error, 'invalid_request');
});

test('a redirect_uri that is not exactly a registered one gets an error page, never a redirect', async () => {
  for (const redirectUri of [
    'http://localhost:8080/app/index.html?x=1',
    'http://localhost:8080/app/index.htm',
    'http://localhost:8080/app/',
    'http://evil.example/app/index.html',
  ]) {
    const r = await authorize(server, { client: app, user, scope, redirectUri });
    assert.equal(r.redirect, undefined, redirectUri);
    assert.equal(r.stoppedAt?.status, 400, redirectUri);
    assert.match(r.stoppedAt.text, /redirect_uri/);
  }
});

test('an unknown client gets an error page', async () => {
  const r = await authorize(server, {
    client: { clientId: 'no-such-app', redirectUris: ['http://localhost:8080/app/index.html'] },
    user,
    scope,
  });
  assert.equal(r.redirect, undefined);
  assert.equal(r.stoppedAt?.status, 400);
  assert.match(r.stoppedAt.text, /client/);
});

test('PKCE is required, and only S256', async () => {
  const missing = await authorize(server, {
    client: app,
    user,
    scope,
    params: { code_challenge: undefined, code_challenge_method: undefined },
  });
  assert.equal(missing.code, undefined);
  assert.equal(missing.error, 'invalid_request');
  const plain = await authorize(server, { client: app, user, scope, params: { code_challenge_method: 'plain' } });
  assert.equal(plain.code, undefined);
  assert.equal(plain.error, 'invalid_request');
});

test('a confidential client needs PKCE too', async () => {
  const conf = await registerClient(server, {
    auth: 'client_secret_basic',
    scope: 'openid user/*.rs',
    redirectUris: ['http://localhost:8080/conf/cb'],
  });
  const r = await authorize(server, {
    client: conf,
    user,
    scope: 'openid user/*.rs',
    params: { code_challenge: undefined, code_challenge_method: undefined },
  });
  assert.equal(r.code, undefined);
  assert.equal(r.error, 'invalid_request');
});

test('an unknown launch id, or one made for another client, is refused', async () => {
  const unknown = await authorize(server, { client: app, user, scope: 'launch openid', launch: 'made-up' });
  assert.equal(unknown.code, undefined);
  assert.equal(unknown.error, 'invalid_request');
  const foreign = await ehrLaunch(server, { clientId: other.clientId, fhirUser: `Practitioner/${practitioner}`, patient });
  const r = await authorize(server, { client: app, user, scope: 'launch openid', launch: foreign });
  assert.equal(r.code, undefined);
  assert.match(r.redirect!.searchParams.get('error_description')!, /another client/);
});

test('a launch made for another practitioner cannot be used by this one', async () => {
  const launch = await ehrLaunch(server, { clientId: app.clientId, fhirUser: 'Practitioner/someone-else', patient });
  const r = await authorize(server, { client: app, user, scope: 'launch openid', launch });
  assert.equal(r.code, undefined);
  assert.equal(r.stoppedAt?.status, 403);
  assert.match(r.stoppedAt.text, /Practitioner\/someone-else/);
});

test('a launch for another practitioner is refused even when this one is already signed in (no login step)', async () => {
  const first = await authorize(server, { client: app, user, scope });
  assert.ok(first.code);
  const launch = await ehrLaunch(server, { clientId: app.clientId, fhirUser: 'Practitioner/someone-else', patient });
  const r = await authorize(server, { client: app, user, scope: 'launch openid', launch, agent: first.agent });
  assert.equal(r.code, undefined);
  assert.equal(r.stoppedAt?.status, 403);
  assert.doesNotMatch(r.stoppedAt.text, /name="username"/);
  assert.match(r.stoppedAt.text, /made for Practitioner\/someone-else/);
});

test('a wrong password shows the login page again with 401', async () => {
  const r = await authorize(server, { client: app, user: { username: user.username, password: 'wrong-password' }, scope });
  assert.equal(r.code, undefined);
  assert.equal(r.stoppedAt?.status, 401);
  assert.match(r.stoppedAt.text, /Wrong username or password/);
  assert.match(r.stoppedAt.text, /id="login"/);
});

test('after 10 failed sign-ins a username is locked out, even with the right password', async () => {
  const victim = { username: 'locked.out', password: 'the-right-password' };
  await addUser(server, { ...victim, fhirUser: `Practitioner/${practitioner}` });
  for (let i = 0; i < 10; i++) {
    const r = await authorize(server, { client: app, user: { username: victim.username, password: `guess-${i}` }, scope });
    assert.equal(r.stoppedAt?.status, 401);
  }
  const r = await authorize(server, { client: app, user: victim, scope });
  assert.equal(r.code, undefined);
  assert.equal(r.stoppedAt?.status, 429);
  assert.match(r.stoppedAt.text, /Too many failed sign-ins/);
  // Another username is not affected.
  assert.ok((await authorize(server, { client: app, user, scope })).code);
});

test('asking only for scopes the client is not registered for ends in access_denied, not an empty grant', async () => {
  const r = await authorize(server, {
    client: other,
    user,
    scope: 'patient/*.cruds system/*.rs',
    redirectUri: other.redirectUris![0],
    state: 's',
  });
  assert.equal(r.code, undefined);
  assert.equal(r.error, 'access_denied');
  assert.equal(r.state, 's');
});

test('unticking every scope on the consent page gives no code', async () => {
  await forgetConsents(server, user.username);
  const r = await authorize(server, { client: app, user, scope, deselect: scope.split(' ') });
  assert.equal(r.code, undefined);
  assert.equal(r.error, 'access_denied');
});

test('denying on the consent page sends access_denied with the state, and no code', async () => {
  await forgetConsents(server, user.username);
  const r = await authorize(server, { client: app, user, scope, deny: true, state: 'deny-state' });
  assert.equal(r.code, undefined);
  assert.equal(r.error, 'access_denied');
  assert.equal(r.state, 'deny-state');
});

test('authorize by form POST (authorize-post) yields a code like GET', async () => {
  const agent = (await import('supertest')).default.agent(server.built.app);
  const res = await agent.post('/auth/authorize').type('form').send({
    response_type: 'code',
    client_id: app.clientId,
    redirect_uri: app.redirectUris![0],
    scope,
    state: 'post-state',
    aud: FHIR_BASE,
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  });
  assert.equal(res.status, 303);
  const next = await agent.get(new URL(res.headers.location).pathname + new URL(res.headers.location).search);
  assert.equal(next.status, 303);
  assert.match(next.headers.location, /^\/auth\/interaction\//);
});

test('a response_type other than code is refused back to the client with the state, and no token or code', async () => {
  for (const responseType of ['token', 'code token', 'id_token']) {
    const r = await authorize(server, { client: app, user, scope, state: 'rt', params: { response_type: responseType } });
    // Errors of an implicit-style request come back in the fragment.
    const answer = new URLSearchParams(`${r.redirect!.search.slice(1)}&${r.redirect!.hash.slice(1)}`);
    assert.equal(answer.get('code'), null, responseType);
    assert.equal(answer.get('access_token'), null, responseType);
    assert.equal(answer.get('error'), 'unsupported_response_type', `${responseType}: ${answer.get('error_description')}`);
    assert.equal(answer.get('state'), 'rt', responseType);
  }
});
