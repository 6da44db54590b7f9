// Bearer tokens at the FHIR API (401 without, bad, expired or revoked), CORS for registered origins only,
// and the per-client rate limit (429 + Retry-After), with real tokens from the authorization server.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OperationOutcome } from 'fhir/r4.js';
import type { Response } from 'supertest';
import { registerClient, revoke } from './support/smart-tokens.js';
import { as, startFixture, type Fixture } from './resource-server-fixture.js';

function assertUnauthorized(res: Response, challenge: RegExp): void {
  assert.equal(res.status, 401, res.text);
  assert.match(res.headers['www-authenticate'] ?? '', challenge);
  const oo = res.body as OperationOutcome;
  assert.equal(oo.resourceType, 'OperationOutcome');
  assert.equal(oo.issue[0].code, 'login');
}

describe('bearer tokens', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.server.close());

  it('401s a request without a token, with a bare Bearer challenge', async () => {
    const res = await f.server.http.get('/fhir/Patient/a');
    assertUnauthorized(res, /^Bearer realm="fhir"$/);
    assert.match((res.body as OperationOutcome).issue[0].diagnostics!, /needs an access token/);
    assertUnauthorized(await f.server.http.post('/fhir').send({}), /^Bearer/);
  });

  it('401s a malformed header and an unknown token as invalid_token', async () => {
    assertUnauthorized(await f.server.http.get('/fhir/Patient/a').set('Authorization', 'Basic dXNlcjpwdw=='), /error="invalid_token"/);
    assertUnauthorized(
      await f.server.http.get('/fhir/Patient/a').set('Authorization', 'Bearer not-a-real-token-0123456789abcdef'),
      /error="invalid_token"/,
    );
  });

  it('401s an expired token', async () => {
    const token = (await f.patientToken('a', 'patient/*.rs')).access_token;
    // Time passes for this one token: its stored expiry is moved into the past (the TTL is kept). Before its first
    // use: a token verified once is taken from the token cache until its expiry as verified (token-cache.test.ts).
    const { key, payload } = await storedToken(f, token);
    assert.ok(Number(payload.exp) * 1000 > Date.now(), 'the token was issued valid');
    await f.server.built.redis!.set(key, JSON.stringify({ ...payload, exp: Math.floor(Date.now() / 1000) - 5 }), 'KEEPTTL');
    assertUnauthorized(await as(f.server, token).get('Patient/a'), /invalid_token/);
  });

  it('401s a revoked token', async () => {
    const token = (await f.patientToken('a', 'patient/*.rs')).access_token;
    assert.equal((await as(f.server, token).get('Patient/a')).status, 200);
    const { payload } = await storedToken(f, token);
    const revoked = await revoke(f.server, { clientId: String(payload.clientId) }, token);
    assert.equal(revoked.status, 200, revoked.text);
    assertUnauthorized(await as(f.server, token).get('Patient/a'), /invalid_token/);
  });
});

/** The access token as the authorization server stored it in Redis (oidc-provider's opaque token record). */
async function storedToken(f: Fixture, token: string): Promise<{ key: string; payload: Record<string, unknown> }> {
  const redis = f.server.built.redis!;
  const [, [key]] = await redis.scan('0', 'MATCH', `*oidc:AccessToken:${token}`, 'COUNT', 100000);
  assert.ok(key, 'the token is stored in Redis');
  return { key, payload: JSON.parse((await redis.get(key))!) as Record<string, unknown> };
}

describe('CORS on the FHIR API', () => {
  let f: Fixture;
  const registered = 'https://pain-diary.example.org';
  before(async () => {
    f = await startFixture();
    await registerClient(f.server, { scope: 'patient/*.rs', redirectUris: [`${registered}/callback`] });
  });
  after(() => f.server.close());

  it('answers a preflight from a registered origin', async () => {
    const res = await f.server.http
      .options('/fhir/Observation')
      .set('Origin', registered)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], registered);
    assert.match(res.headers['access-control-allow-headers'], /Authorization/);
    assert.match(res.headers['access-control-allow-methods'], /PATCH/);
    assert.match(res.headers.vary, /Origin/);
  });

  it('sends CORS headers on responses to a registered origin, 401s included', async () => {
    const token = (await f.patientToken('a', 'patient/*.rs')).access_token;
    const ok = await as(f.server, token).get('Observation/oa1').set('Origin', registered);
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], registered);
    assert.match(ok.headers['access-control-expose-headers'], /ETag/);
    const denied = await f.server.http.get('/fhir/Observation/oa1').set('Origin', registered);
    assert.equal(denied.status, 401);
    assert.equal(denied.headers['access-control-allow-origin'], registered);
  });

  it('sends none to other origins', async () => {
    const preflight = await f.server.http
      .options('/fhir/Observation')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'GET');
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(preflight.headers['access-control-allow-methods'], undefined);
    const token = (await f.patientToken('a', 'patient/*.rs')).access_token;
    const res = await as(f.server, token).get('Observation/oa1').set('Origin', 'https://evil.example.com');
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });
});

describe('rate limit per client', () => {
  let f: Fixture;
  const LIMIT = 3;
  before(async () => {
    f = await startFixture({ RATE_LIMIT_PER_MINUTE: String(LIMIT) });
  });
  after(() => f.server.close());

  it('429s requests past the limit with Retry-After and a throttled OperationOutcome, per client', async () => {
    const first = as(f.server, (await f.patientToken('a', 'patient/*.rs')).access_token);
    // A minute window may turn over between two requests; within 2 x LIMIT + 1 requests one window overflows.
    const statuses: number[] = [];
    let throttled: Response | undefined;
    for (let i = 0; i < 2 * LIMIT + 1 && !throttled; i++) {
      const res = await first.get('Patient/a');
      statuses.push(res.status);
      if (res.status === 429) throttled = res;
    }
    assert.ok(throttled, `no 429 in ${statuses.join(',')}`);
    assert.ok(statuses.filter((s) => s === 200).length >= LIMIT, statuses.join(','));
    const retryAfter = Number(throttled.headers['retry-after']);
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${throttled.headers['retry-after']}`);
    const oo = throttled.body as OperationOutcome;
    assert.equal(oo.issue[0].code, 'throttled');
    assert.match(oo.issue[0].diagnostics!, /3 requests per minute/);
    // Another client has its own count.
    const second = as(f.server, (await f.patientToken('b', 'patient/*.rs')).access_token);
    assert.equal((await second.get('Patient/b')).status, 200);
  });
});
