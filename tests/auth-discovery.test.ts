// SMART discovery: .well-known/smart-configuration, the oauth-uris extension in /metadata, the JWKS; and
// the AUTH_MODE switch. https://hl7.org/fhir/smart-app-launch/conformance.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadConfig } from '../server/src/config.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
});

after(async () => {
  await server?.close();
});

test('smart-configuration is JSON with CORS *, absolute URLs, S256 only and every capability we support', async () => {
  const res = await server.http.get('/fhir/.well-known/smart-configuration').set('Origin', 'https://app.example');
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^application\/json/);
  assert.equal(res.headers['access-control-allow-origin'], '*');
  const c = res.body;
  for (const key of ['issuer', 'jwks_uri', 'authorization_endpoint', 'token_endpoint', 'introspection_endpoint', 'revocation_endpoint']) {
    assert.match(c[key], /^http:\/\/localhost:8080\/auth(\/|$)/, key);
  }
  assert.deepEqual(c.code_challenge_methods_supported, ['S256']);
  for (const g of ['authorization_code', 'client_credentials']) assert.ok(c.grant_types_supported.includes(g), g);
  for (const m of ['client_secret_basic', 'private_key_jwt']) assert.ok(c.token_endpoint_auth_methods_supported.includes(m), m);
  assert.deepEqual(c.token_endpoint_auth_signing_alg_values_supported, ['RS384', 'ES384']);
  assert.ok(c.scopes_supported.includes('launch/patient'));
  // We pick no encounter in a standalone launch: neither the scope nor the capability is claimed.
  assert.ok(!c.scopes_supported.includes('launch/encounter'));
  assert.ok(!c.capabilities.includes('context-standalone-encounter'));
  assert.ok(!c.code_challenge_methods_supported.includes('plain'));
  assert.ok(c.response_types_supported.includes('code'));
  for (const cap of [
    'launch-ehr',
    'launch-standalone',
    'authorize-post',
    'client-public',
    'client-confidential-symmetric',
    'client-confidential-asymmetric',
    'sso-openid-connect',
    'context-banner',
    'context-style',
    'context-ehr-patient',
    'context-ehr-encounter',
    'context-standalone-patient',
    'permission-offline',
    'permission-online',
    'permission-patient',
    'permission-user',
    'permission-v1',
    'permission-v2',
  ]) {
    assert.ok(c.capabilities.includes(cap), cap);
  }
});

test('the URLs it names are the ones that answer', async () => {
  const c = (await server.http.get('/fhir/.well-known/smart-configuration')).body;
  const oidc = (await server.http.get('/auth/.well-known/openid-configuration')).body;
  assert.equal(oidc.issuer, c.issuer);
  assert.equal(oidc.token_endpoint, c.token_endpoint);
  assert.equal(oidc.authorization_endpoint, c.authorization_endpoint);
  assert.equal(oidc.introspection_endpoint, c.introspection_endpoint);
  assert.equal(oidc.revocation_endpoint, c.revocation_endpoint);
  assert.equal(oidc.jwks_uri, c.jwks_uri);
  assert.deepEqual(oidc.response_types_supported, ['code']);
  assert.deepEqual(c.response_types_supported, ['code']);
  assert.deepEqual(oidc.code_challenge_methods_supported, ['S256']);
});

test('the JWKS publishes the RS256 signing key without private parts', async () => {
  const res = await server.http.get('/auth/jwks');
  assert.equal(res.status, 200);
  const [key] = res.body.keys;
  assert.equal(key.kty, 'RSA');
  assert.equal(key.alg, 'RS256');
  assert.equal(typeof key.kid, 'string');
  for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[secret], undefined, secret);
});

test('/metadata carries the oauth-uris extension and the SMART-on-FHIR security service', async () => {
  const res = await server.http.get('/fhir/metadata');
  assert.equal(res.status, 200);
  const security = res.body.rest[0].security;
  assert.equal(security.service[0].coding[0].code, 'SMART-on-FHIR');
  const ext = security.extension.find(
    (e: { url: string }) => e.url === 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
  );
  const uris = Object.fromEntries(ext.extension.map((e: { url: string; valueUri: string }) => [e.url, e.valueUri]));
  assert.deepEqual(uris, {
    authorize: 'http://localhost:8080/auth/authorize',
    token: 'http://localhost:8080/auth/token',
    introspect: 'http://localhost:8080/auth/introspect',
    revoke: 'http://localhost:8080/auth/revoke',
  });
});

test('our SMART app is registered at start, exactly once', async () => {
  const rows = await server.sql<{ client_id: string; launch_url: string }[]>(
    "SELECT client_id, launch_url FROM auth_client WHERE client_id = 'fibrotrack-provider-app'",
  );
  assert.equal(rows.length, 1);
  assert.equal(rows[0].launch_url, 'http://localhost:8080/app/launch.html');
});

test('AUTH_MODE=open has no authorization server; smart (the default) may listen on any address, open only on loopback', async () => {
  const open = await startTestServer();
  try {
    assert.equal((await open.http.get('/fhir/.well-known/smart-configuration')).status, 404);
    assert.equal((await open.http.get('/auth/jwks')).status, 404);
    assert.equal(open.built.verifier, undefined);
  } finally {
    await open.close();
  }
  assert.equal(loadConfig({}).authMode, 'smart');
  assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
  assert.throws(() => loadConfig({ HOST: '0.0.0.0', AUTH_MODE: 'open' }), /HOST=0\.0\.0\.0 refused/);
  assert.throws(() => loadConfig({ AUTH_MODE: 'none' }), /AUTH_MODE must be 'smart' or 'open'/);
});
