// Token requests that must fail with an OAuth error body: bad or reused codes, missing, blank or wrong
// code_verifier (also the challenge itself), unknown clients, mismatched redirect_uri, bad refresh tokens.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-access-token
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import { addUser, authorize, createResource, exchangeCode, refresh, registerClient, tokenRequest } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let app: RegisteredClient;
const user = { username: 'nurse', password: 'nurse-password-1' };
const scope = 'openid fhirUser offline_access user/*.rs';

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
  const practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Nurse' }] });
  await addUser(server, { ...user, fhirUser: `Practitioner/${practitioner}` });
  app = await registerClient(server, { scope });
});

after(async () => {
  await server?.close();
});

function assertOAuthError(
  res: { status: number; body: { error?: string; error_description?: string }; headers: Record<string, string> },
  error: string,
) {
  assert.ok(res.status === 400 || res.status === 401, `status ${res.status}`);
  assert.equal(res.body.error, error);
  assert.equal(typeof res.body.error_description, 'string');
  assert.equal(res.headers['cache-control'], 'no-store');
  assert.equal(res.headers.pragma, 'no-cache');
}

test('a code works once with its verifier; the answer is not cached', async () => {
  const r = await authorize(server, { client: app, user, scope });
  const ok = await exchangeCode(server, app, r);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers['cache-control'], 'no-store');
  assert.equal(ok.headers.pragma, 'no-cache');
  assertOAuthError(await exchangeCode(server, app, r), 'invalid_grant');
});

test('reusing a code also revokes the tokens issued for it', async () => {
  const r = await authorize(server, { client: app, user, scope });
  const first = await exchangeCode(server, app, r);
  assert.ok(await server.built.verifier!.verify(first.body.access_token));
  await exchangeCode(server, app, r);
  assert.equal(await server.built.verifier!.verify(first.body.access_token), undefined);
});

test('missing, blank or wrong code_verifier, or the challenge itself, get no token', async () => {
  for (const code_verifier of [undefined, '', 'a'.repeat(43), 'challenge']) {
    const r = await authorize(server, { client: app, user, scope });
    const res = await exchangeCode(server, app, r, { code_verifier: code_verifier === 'challenge' ? r.challenge : code_verifier });
    assert.ok(res.status === 400 || res.status === 401, `${code_verifier}: ${res.status}`);
    assert.ok(['invalid_grant', 'invalid_request'].includes(res.body.error), `${code_verifier}: ${res.body.error}`);
    // The code was not spent by the failed attempt's token, and no token came out of it.
    assert.equal(res.body.access_token, undefined);
  }
});

test('an invalid code, a wrong redirect_uri and an unknown client are refused', async () => {
  const r = await authorize(server, { client: app, user, scope });
  assertOAuthError(await exchangeCode(server, app, r, { code: 'not-a-code' }), 'invalid_grant');
  assertOAuthError(await exchangeCode(server, app, r, { redirect_uri: 'http://localhost:8080/app/other.html' }), 'invalid_grant');
  const res = await exchangeCode(server, { clientId: 'no-such-client', redirectUris: app.redirectUris }, r);
  assertOAuthError(res, 'invalid_client');
});

test('a client_id with trailing spaces or in another case is an unknown client, not the registered one', async () => {
  for (const clientId of [`${app.clientId}   `, app.clientId.toUpperCase()]) {
    const r = await authorize(server, { client: app, user, scope });
    assertOAuthError(await exchangeCode(server, { ...app, clientId }, r), 'invalid_client');
  }
});

test("another client cannot redeem this client's code", async () => {
  const thief = await registerClient(server, { scope });
  const r = await authorize(server, { client: app, user, scope });
  const res = await exchangeCode(server, thief, r, { redirect_uri: app.redirectUris![0] });
  assertOAuthError(res, 'invalid_grant');
});

test("a made-up or another client's refresh token is refused", async () => {
  assertOAuthError(await refresh(server, app, 'not-a-refresh-token'), 'invalid_grant');
  const other = await registerClient(server, { scope });
  const r = await authorize(server, { client: app, user, scope });
  const token = (await exchangeCode(server, app, r)).body;
  assertOAuthError(await refresh(server, other, token.refresh_token), 'invalid_grant');
  assertOAuthError(await tokenRequest(server, app, { grant_type: 'refresh_token' }), 'invalid_request');
});

test('an unsupported grant type is refused', async () => {
  assertOAuthError(
    await tokenRequest(server, app, { grant_type: 'password', username: user.username, password: user.password }),
    'unsupported_grant_type',
  );
});
