import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { openToken, sealToken } from './token-crypto.js';

test('tokens round-trip, never appear in the ciphertext, and fail on another row or key', () => {
  const key = randomBytes(32);
  const token = 'eyJhbGciOiJIUzI1NiJ9.secret-access-token';
  const sealed = sealToken(key, 'patient-1', token);
  assert.equal(openToken(key, 'patient-1', sealed), token);
  assert.equal(sealed.includes(Buffer.from('secret-access-token')), false);
  assert.notDeepEqual(sealToken(key, 'patient-1', token), sealed);
  assert.throws(() => openToken(key, 'patient-2', sealed));
  assert.throws(() => openToken(randomBytes(32), 'patient-1', sealed));
});
