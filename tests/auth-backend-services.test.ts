// SMART Backend Services: client_credentials with a private_key_jwt client_assertion (RS384, ES384), keys
// inline or from a JWKS URL, and every assertion that must be refused with invalid_client.
// https://hl7.org/fhir/smart-app-launch/backend-services.html
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import {
  backendKey,
  backendServicesToken,
  backendTokenRequest,
  clientAssertion,
  FHIR_BASE,
  introspect,
  ISSUER,
  registerBackendClient,
  registerClient,
  signJwt,
  TOKEN_URL,
  type BackendKey,
} from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let rs: { client: RegisteredClient; key: BackendKey };
let jwksServer: Server;
let jwksUrl: string;
let jwksHits = 0;
const remoteKey = backendKey('ES384');
/** Served with Cache-Control: no-store; the test replaces it to rotate the client's key. */
let noStoreKey = backendKey('RS384');
let noStoreHits = 0;

before(async () => {
  // Our fake JWKS host listens on loopback, which oidc-provider's SSRF protection blocks unless allowed.
  server = await startTestServer({ AUTH_MODE: 'smart', JWKS_FETCH_ALLOW_HOSTS: '127.0.0.1' });
  rs = await registerBackendClient(server, 'system/*.rs system/Observation.c');
  jwksServer = createServer((req, res) => {
    if (req.url === '/no-store.json') {
      noStoreHits++;
      res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify(noStoreKey.jwks));
      return;
    }
    jwksHits++;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=300' }).end(JSON.stringify(remoteKey.jwks));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`;
});

after(async () => {
  await server?.close();
  await new Promise((resolve) => jwksServer?.close(resolve));
});

function assertInvalidClient(res: { status: number; body: { error?: string } }, why: string) {
  assert.equal(res.status, 401, `${why}: ${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.error, 'invalid_client', why);
}

test('an RS384 assertion with inline keys gets a 5-minute system token without refresh token', async () => {
  const token = await backendServicesToken(server, {
    clientId: rs.client.clientId,
    key: rs.key,
    scope: 'system/Observation.rs system/Patient.rs',
  });
  assert.equal(token.token_type, 'Bearer');
  assert.ok(token.expires_in <= 300 && token.expires_in > 0);
  assert.equal(token.refresh_token, undefined);
  assert.deepEqual(token.scope.split(' ').sort(), ['system/Observation.rs', 'system/Patient.rs']);
  const ctx = await server.built.verifier!.verify(token.access_token);
  assert.equal(ctx?.clientId, rs.client.clientId);
  assert.deepEqual(ctx?.scopes.sort(), ['system/Observation.rs', 'system/Patient.rs']);
  assert.equal(ctx?.patient, undefined);
  assert.equal(ctx?.subject, undefined);
  const info = await introspect(server, { clientId: rs.client.clientId, clientSecret: undefined }, token.access_token);
  // Backend clients authenticate to introspection with an assertion too; a bare client_id is refused.
  assert.equal(info.status, 401);
});

test('an ES384 assertion verified against the registered JWKS URL works, and the keys are cached', async () => {
  const client = await registerClient(server, { auth: 'private_key_jwt', backend: true, scope: 'system/*.rs', jwksUri: jwksUrl });
  const token = await backendServicesToken(server, { clientId: client.clientId, key: remoteKey, scope: 'system/Patient.rs' });
  assert.equal(token.scope, 'system/Patient.rs');
  await backendServicesToken(server, { clientId: client.clientId, key: remoteKey, scope: 'system/Patient.rs' });
  assert.equal(jwksHits, 1, 'Cache-Control max-age is respected');
  const jku = await backendTokenRequest(server, {
    clientId: client.clientId,
    assertion: clientAssertion(client.clientId, remoteKey, { header: { jku: 'http://evil.example/jwks.json' } }),
    scope: 'system/Patient.rs',
  });
  assertInvalidClient(jku, 'jku not the registered URL');
  const sameJku = await backendTokenRequest(server, {
    clientId: client.clientId,
    assertion: clientAssertion(client.clientId, remoteKey, { header: { jku: jwksUrl } }),
    scope: 'system/Patient.rs',
  });
  assert.equal(sameJku.status, 200, sameJku.text);
});

test('v1 system scopes are answered in v1; introspection by the client (with an assertion) shows the token', async () => {
  const token = await backendServicesToken(server, {
    clientId: rs.client.clientId,
    key: rs.key,
    scope: 'system/Patient.read system/Observation.rs',
  });
  assert.deepEqual(token.scope.split(' ').sort(), ['system/Observation.rs', 'system/Patient.read']);
  const info = await server.http
    .post('/auth/introspect')
    .type('form')
    .send({
      token: token.access_token,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(rs.client.clientId, rs.key, { claims: { aud: 'http://localhost:8080/auth/introspect' } }),
    });
  assert.equal(info.status, 200, info.text);
  assert.equal(info.body.active, true);
  assert.equal(info.body.client_id, rs.client.clientId);
  assert.deepEqual(info.body.scope.split(' ').sort(), ['system/Observation.rs', 'system/Patient.read']);
  assert.ok(info.body.exp <= Math.floor(Date.now() / 1000) + 300);
  assert.equal(info.body.patient, undefined);
  assert.equal(info.body.sub, undefined);
});

test('a JWKS served with no-store is fetched for every assertion, so a client key rotation works at once', async () => {
  const url = jwksUrl.replace('/jwks.json', '/no-store.json');
  const client = await registerClient(server, { auth: 'private_key_jwt', backend: true, scope: 'system/*.rs', jwksUri: url });
  await backendServicesToken(server, { clientId: client.clientId, key: noStoreKey, scope: 'system/Patient.rs' });
  await backendServicesToken(server, { clientId: client.clientId, key: noStoreKey, scope: 'system/Patient.rs' });
  assert.equal(noStoreHits, 2, 'no-store: not reused');
  const retired = noStoreKey;
  noStoreKey = backendKey('RS384');
  await backendServicesToken(server, { clientId: client.clientId, key: noStoreKey, scope: 'system/Patient.rs' });
  assertInvalidClient(
    await backendTokenRequest(server, {
      clientId: client.clientId,
      assertion: clientAssertion(client.clientId, retired),
      scope: 'system/Patient.rs',
    }),
    'key no longer in the JWKS',
  );
});

test('granted scopes stay within the registration; none left is invalid_scope', async () => {
  const token = await backendServicesToken(server, {
    clientId: rs.client.clientId,
    key: rs.key,
    scope: 'system/Observation.cruds system/Observation.rs system/Patient.c',
  });
  assert.deepEqual(token.scope.split(' '), ['system/Observation.rs']);
  const none = await backendTokenRequest(server, {
    clientId: rs.client.clientId,
    assertion: clientAssertion(rs.client.clientId, rs.key),
    scope: 'patient/*.rs user/*.rs',
  });
  assert.equal(none.status, 400);
  assert.equal(none.body.error, 'invalid_scope');
});

test('several keys with the assertion kid: it verifies when one of them signed it (the IG: try each candidate)', async () => {
  const a = backendKey('RS384');
  const b = { ...backendKey('RS384'), kid: a.kid };
  const jwks = { keys: [...a.jwks.keys, { ...b.jwks.keys[0], kid: a.kid }] };
  const client = await registerClient(server, { auth: 'private_key_jwt', backend: true, scope: 'system/*.rs', jwks: jwks });
  for (const key of [a, b]) await backendServicesToken(server, { clientId: client.clientId, key, scope: 'system/Patient.rs' });
  const stranger = { ...backendKey('RS384'), kid: a.kid };
  assertInvalidClient(
    await backendTokenRequest(server, {
      clientId: client.clientId,
      assertion: clientAssertion(client.clientId, stranger),
      scope: 'system/Patient.rs',
    }),
    'no candidate verifies',
  );
});

test('a replayed jti is refused', async () => {
  const assertion = clientAssertion(rs.client.clientId, rs.key);
  assert.equal((await backendTokenRequest(server, { clientId: rs.client.clientId, assertion, scope: 'system/*.rs' })).status, 200);
  assertInvalidClient(
    await backendTokenRequest(server, { clientId: rs.client.clientId, assertion, scope: 'system/*.rs' }),
    'replayed assertion',
  );
  const sameJti = clientAssertion(rs.client.clientId, rs.key, {
    claims: { jti: JSON.parse(Buffer.from(assertion.split('.')[1], 'base64url').toString()).jti },
  });
  assertInvalidClient(
    await backendTokenRequest(server, { clientId: rs.client.clientId, assertion: sameJti, scope: 'system/*.rs' }),
    'new assertion, old jti',
  );
});

test('assertions that break the rules are invalid_client', async () => {
  const id = rs.client.clientId;
  const now = Math.floor(Date.now() / 1000);
  const hs = signJwt(
    { privateKey: rs.key.privateKey, alg: 'RS384' },
    { alg: 'RS384', kid: rs.key.kid, typ: 'JWT' },
    { iss: id, sub: id, aud: 'x', exp: now + 60, jti: 'j' },
  );
  const cases: [string, string][] = [
    ['exp 10 minutes ahead', clientAssertion(id, rs.key, { claims: { exp: now + 600 } })],
    ['expired', clientAssertion(id, rs.key, { claims: { exp: now - 120 } })],
    ['no exp', clientAssertion(id, rs.key, { claims: { exp: undefined } })],
    ['no jti', clientAssertion(id, rs.key, { claims: { jti: undefined } })],
    ['aud is not the token URL', clientAssertion(id, rs.key, { claims: { aud: FHIR_BASE } })],
    ['sub is not the client', clientAssertion(id, rs.key, { claims: { sub: 'someone-else' } })],
    ['iss is not the client', clientAssertion(id, rs.key, { claims: { iss: 'someone-else' } })],
    ['no kid', clientAssertion(id, rs.key, { header: { kid: undefined } })],
    ['unknown kid', clientAssertion(id, rs.key, { header: { kid: 'other-kid' } })],
    ['alg none', clientAssertion(id, rs.key, { header: { alg: 'none' } })],
    ['alg RS256 (not allowed)', clientAssertion(id, rs.key, { header: { alg: 'RS256' } })],
    ['signed by another key', clientAssertion(id, { ...backendKey('RS384'), kid: rs.key.kid })],
    ['aud wrong, tampered', hs],
    ['jku with inline keys (no registered URL)', clientAssertion(id, rs.key, { header: { jku: 'http://127.0.0.1:1/jwks.json' } })],
    ['typ not JWT', clientAssertion(id, rs.key, { header: { typ: 'JOSE+JSON' } })],
  ];
  for (const [why, assertion] of cases)
    assertInvalidClient(await backendTokenRequest(server, { clientId: id, assertion, scope: 'system/*.rs' }), why);
});

test('the assertion aud must be the token URL: the issuer, or a list holding it, is invalid_client', async () => {
  const id = rs.client.clientId;
  const token = await backendTokenRequest(server, {
    clientId: id,
    assertion: clientAssertion(id, rs.key, { claims: { aud: TOKEN_URL } }),
    scope: 'system/*.rs',
  });
  assert.equal(token.status, 200, token.text);
  for (const aud of [ISSUER, [ISSUER], [TOKEN_URL, ISSUER], `${TOKEN_URL}/`, []]) {
    const res = await backendTokenRequest(server, {
      clientId: id,
      assertion: clientAssertion(id, rs.key, { claims: { aud } }),
      scope: 'system/*.rs',
    });
    assertInvalidClient(res, `aud ${JSON.stringify(aud)}`);
  }
  // Introspection: the assertion is posted to /auth/introspect, whose URL is accepted as well as the token URL; the issuer is not.
  const introspectWith = (aud: string) =>
    server.http
      .post('/auth/introspect')
      .type('form')
      .send({
        token: token.body.access_token,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: clientAssertion(id, rs.key, { claims: { aud } }),
      });
  assert.equal((await introspectWith(TOKEN_URL)).body.active, true);
  assertInvalidClient(await introspectWith(ISSUER), 'introspection with aud = issuer');
});

test('an HS256 assertion keyed with anything is refused', async () => {
  const { createHmac } = await import('node:crypto');
  const id = rs.client.clientId;
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'HS256', typ: 'JWT', kid: rs.key.kid })}.${enc({ iss: id, sub: id, aud: 'http://localhost:8080/auth/token', exp: Math.floor(Date.now() / 1000) + 60, jti: 'hs' })}`;
  const jwt = `${input}.${createHmac('sha256', JSON.stringify(rs.key.jwks.keys[0])).update(input).digest('base64url')}`;
  assertInvalidClient(await backendTokenRequest(server, { clientId: id, assertion: jwt, scope: 'system/*.rs' }), 'HS256');
});

test('a JWKS URL on a loopback address is not fetched unless its host is allowed (SSRF)', async () => {
  const blocked = await startTestServer({ AUTH_MODE: 'smart' });
  try {
    const client = await registerClient(blocked, { auth: 'private_key_jwt', backend: true, scope: 'system/*.rs', jwksUri: jwksUrl });
    const before = jwksHits;
    const res = await backendTokenRequest(blocked, {
      clientId: client.clientId,
      assertion: clientAssertion(client.clientId, remoteKey),
      scope: 'system/*.rs',
    });
    assertInvalidClient(res, 'JWKS URL blocked');
    assert.equal(jwksHits, before);
  } finally {
    await blocked.close();
  }
});

test('an unknown client and a missing assertion are refused', async () => {
  assertInvalidClient(
    await backendTokenRequest(server, { clientId: 'nobody', assertion: clientAssertion('nobody', rs.key), scope: 'system/*.rs' }),
    'unknown client',
  );
  const res = await server.http.post('/auth/token').type('form').send({ grant_type: 'client_credentials', scope: 'system/*.rs' });
  assert.ok(res.status === 400 || res.status === 401);
  assert.ok(['invalid_client', 'invalid_request'].includes(res.body.error));
});

test('a malformed client_credentials request is 400 with an OAuth error naming what is wrong', async () => {
  const id = rs.client.clientId;
  const form = (extra: Record<string, string>) => ({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: clientAssertion(id, rs.key),
    scope: 'system/*.rs',
    ...extra,
  });
  const cases: [string, Record<string, string>, string, RegExp][] = [
    ['wrong client_assertion_type', form({ client_assertion_type: 'urn:example:other' }), 'invalid_request', /client_assertion_type/],
    ['unknown grant_type', form({ grant_type: 'urn:example:grant' }), 'unsupported_grant_type', /grant_type/],
  ];
  for (const [why, body, error, message] of cases) {
    const res = await server.http.post('/auth/token').type('form').send(body);
    assert.equal(res.status, 400, why);
    assert.equal(res.body.error, error, why);
    assert.match(res.body.error_description, message, why);
  }
  const { scope: _omitted, ...noScope } = form({});
  const res = await server.http.post('/auth/token').type('form').send(noScope);
  assert.equal(res.status, 400);
  assert.equal(res.body.error, 'invalid_request');
  assert.match(res.body.error_description, /'scope'/);
  const json = await server.http
    .post('/auth/token')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(form({})));
  assert.equal(json.status, 400, 'the token endpoint takes form posts only');
  assert.equal(json.body.error, 'invalid_request');
});
