// Unit tests for scrypt secret hashing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hashSecret, verifySecret } from './password.js';

test('a hash verifies its secret only, and never contains it', async () => {
  const hash = await hashSecret('correct horse battery');
  assert.match(hash, /^scrypt\$16384\$8\$1\$[\w-]+\$[\w-]+$/);
  assert.ok(!hash.includes('correct'));
  assert.equal(await verifySecret('correct horse battery', hash), true);
  assert.equal(await verifySecret('correct horse batterY', hash), false);
  assert.equal(await verifySecret('', hash), false);
});

test('two hashes of one secret differ (salted), and malformed hashes verify nothing', async () => {
  assert.notEqual(await hashSecret('same'), await hashSecret('same'));
  for (const bad of ['', 'plain', 'bcrypt$1$2$3$abc$def', 'scrypt$16384$8$1$$']) assert.equal(await verifySecret('same', bad), false, bad);
});
