// The three kinds of SMART app clients at the token endpoint (public, confidential symmetric via HTTP Basic,
// confidential asymmetric via private_key_jwt) and CORS for registered origins only.
// https://hl7.org/fhir/smart-app-launch/client-authentication.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import {
  addUser,
  authorize,
  backendKey,
  clientAssertion,
  createResource,
  exchangeCode,
  registerClient,
  tokenRequest,
  type AuthorizeResult,
} from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
const user = { username: 'dr.types', password: 'three-kinds-of-apps' };
const scope = 'openid fhirUser user/*.rs';

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
  const practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Types' }] });
  await addUser(server, { ...user, fhirUser: `Practitioner/${practitioner}` });
});

after(async () => {
  await server?.close();
});

const codeRequest = (app: RegisteredClient, r: AuthorizeResult) =>
  tokenRequest(server, app, {
    grant_type: 'authorization_code',
    code: r.code,
    redirect_uri: app.redirectUris![0],
    code_verifier: r.verifier,
  });

const assertionForm = (assertion: string) => ({
  client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  client_assertion: assertion,
});

test('an asymmetric confidential app redeems its code with a private_key_jwt assertion, not without', async () => {
  const key = backendKey('ES384');
  const app = await registerClient(server, { auth: 'private_key_jwt', scope, jwks: key.jwks });
  const r = await authorize(server, { client: app, user, scope });
  const form = { grant_type: 'authorization_code', code: r.code, redirect_uri: app.redirectUris![0], code_verifier: r.verifier };
  const bare = await server.http
    .post('/auth/token')
    .type('form')
    .send({ ...form, client_id: app.clientId });
  assert.equal(bare.status, 401);
  assert.equal(bare.body.error, 'invalid_client');
  const ok = await server.http
    .post('/auth/token')
    .type('form')
    .send({ ...form, ...assertionForm(clientAssertion(app.clientId, key)) });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.body.scope.split(' ').sort(), ['fhirUser', 'openid', 'user/*.rs']);
});

test('a symmetric confidential app must authenticate with HTTP Basic', async () => {
  const app = await registerClient(server, { auth: 'client_secret_basic', scope });
  const r = await authorize(server, { client: app, user, scope });
  const inBody = await server.http.post('/auth/token').type('form').send({
    grant_type: 'authorization_code',
    code: r.code,
    redirect_uri: app.redirectUris![0],
    code_verifier: r.verifier,
    client_id: app.clientId,
    client_secret: app.clientSecret,
  });
  assert.equal(inBody.status, 401);
  assert.equal(inBody.body.error, 'invalid_client');
  const ok = await exchangeCode(server, app, r);
  assert.equal(ok.status, 200, ok.text);
});

test('the token endpoint answers CORS for the origins of registered redirect URIs only', async () => {
  const app = await registerClient(server, { scope, redirectUris: ['http://app.example:3000/cb'] });
  const preflight = await server.http
    .options('/auth/token')
    .set('Origin', 'http://app.example:3000')
    .set('Access-Control-Request-Method', 'POST');
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers['access-control-allow-methods'], /POST/);
  const r = await authorize(server, { client: app, user, scope });
  const ok = await codeRequest(app, r).set('Origin', 'http://app.example:3000');
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers['access-control-allow-origin'], 'http://app.example:3000', 'the origin itself, never *');
  assert.match(String(ok.headers.vary), /Origin/);
  const r2 = await authorize(server, { client: app, user, scope });
  const evil = await codeRequest(app, r2).set('Origin', 'http://evil.example');
  assert.equal(evil.headers['access-control-allow-origin'], undefined);
  assert.equal(evil.body.access_token, undefined);
  // The registered origin of another client's redirect URI is not this client's.
  const otherApp = await registerClient(server, { scope, redirectUris: ['http://other.example/cb'] });
  const r3 = await authorize(server, { client: app, user, scope });
  assert.equal(
    (await codeRequest(app, r3).set('Origin', 'http://other.example')).headers['access-control-allow-origin'],
    undefined,
    otherApp.clientId,
  );
});
