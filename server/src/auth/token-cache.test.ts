// cachingVerifier: a verified token is looked up once per TOKEN_CACHE_MS, never served past its expiry or after a
// revocation cleared the cache, and unknown tokens are looked up every time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessContext, TokenVerifier } from './access-context.js';
import { cachingVerifier } from './token-cache.js';

/** The tokens a test issued, and how many lookups reached it. */
function issuer(expiresAt: number) {
  const valid = new Map<string, AccessContext>();
  let lookups = 0;
  const verifier: TokenVerifier = {
    verify(token) {
      lookups++;
      return Promise.resolve(valid.get(token));
    },
  };
  return {
    verifier,
    issue: (token: string) => valid.set(token, { clientId: 'c', scopes: ['system/*.rs'], expiresAt }),
    revoke: (token: string) => valid.delete(token),
    lookups: () => lookups,
  };
}

test('a valid token is looked up once within the cache time, then again', async () => {
  let now = 1_000_000;
  const tokens = issuer(now / 1000 + 3600);
  const cache = cachingVerifier(tokens.verifier, 5000, 100, () => now);
  tokens.issue('t1');
  assert.equal((await cache.verify('t1'))?.clientId, 'c');
  assert.equal((await cache.verify('t1'))?.clientId, 'c');
  assert.equal(tokens.lookups(), 1);
  // Revoked on another node: refused once the cache time has passed.
  tokens.revoke('t1');
  now += 5001;
  assert.equal(await cache.verify('t1'), undefined);
});

test('a revocation on this node (clear) takes effect at once', async () => {
  const tokens = issuer(Date.now() / 1000 + 3600);
  const cache = cachingVerifier(tokens.verifier, 60_000);
  tokens.issue('t2');
  assert.ok(await cache.verify('t2'));
  tokens.revoke('t2');
  cache.clear();
  assert.equal(await cache.verify('t2'), undefined);
});

test('a token is never served past its expiry, and unknown tokens are not cached', async () => {
  let now = 2_000_000;
  const tokens = issuer(now / 1000 + 1);
  const cache = cachingVerifier(tokens.verifier, 60_000, 100, () => now);
  tokens.issue('t3');
  assert.ok(await cache.verify('t3'));
  now += 1001;
  tokens.revoke('t3');
  assert.equal(await cache.verify('t3'), undefined);
  await cache.verify('nope');
  await cache.verify('nope');
  assert.equal(tokens.lookups(), 4);
});

test('TOKEN_CACHE_MS=0 looks every request up', async () => {
  const tokens = issuer(Date.now() / 1000 + 3600);
  const cache = cachingVerifier(tokens.verifier, 0);
  tokens.issue('t4');
  await cache.verify('t4');
  await cache.verify('t4');
  assert.equal(tokens.lookups(), 2);
});
