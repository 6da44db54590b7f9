import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from './config.js';

test('defaults follow the documented contract', () => {
  const c = loadConfig({});
  assert.equal(c.port, 8080);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.baseUrl, 'http://localhost:8080');
  assert.equal(c.databaseUrl, 'mysql://root@127.0.0.1:3306/fibrotrack');
  assert.equal(c.redisUrl, 'redis://127.0.0.1:6379');
  assert.equal(c.workers, 1);
});

test('tokens are required by default; the open mode refuses to listen beyond loopback', () => {
  assert.equal(loadConfig({}).authMode, 'smart');
  assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
  assert.throws(() => loadConfig({ AUTH_MODE: 'open', HOST: '0.0.0.0' }), /refused/);
  assert.throws(() => loadConfig({ AUTH_MODE: 'open', HOST: '10.1.2.3' }), /refused/);
  assert.equal(loadConfig({ AUTH_MODE: 'open', HOST: '::1' }).host, '::1');
  assert.throws(() => loadConfig({ AUTH_MODE: 'none' }), /AUTH_MODE/);
});

test('malformed numbers are refused with the variable named', () => {
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  assert.throws(() => loadConfig({ MAX_BODY_BYTES: '-1' }), /MAX_BODY_BYTES/);
  assert.equal(loadConfig({ BASE_URL: 'https://fhir.example.org/' }).baseUrl, 'https://fhir.example.org');
});

test('WEARABLE_VALIDATION_THREAD is true, false or unset (each command then has its default)', () => {
  assert.equal(loadConfig({}).wearables.validationThread, undefined);
  assert.equal(loadConfig({ WEARABLE_VALIDATION_THREAD: 'true' }).wearables.validationThread, true);
  assert.equal(loadConfig({ WEARABLE_VALIDATION_THREAD: 'false' }).wearables.validationThread, false);
  assert.throws(() => loadConfig({ WEARABLE_VALIDATION_THREAD: 'yes' }), /WEARABLE_VALIDATION_THREAD must be true or false, got 'yes'/);
});
