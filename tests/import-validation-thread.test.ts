// Where an import's first pass validates: in a worker thread for `serve` (the app), in the main thread for the
// FHIR layer alone (what `fibrotrack import` runs on, to keep to its memory bound); WEARABLE_VALIDATION_THREAD overrides.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import mysql from 'mysql2/promise';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { buildFhirServices } from '../server/src/fhir-services.js';
import { wearablesOf } from '../server/src/wearables/wearable-services.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';

async function checksOf(kind: 'app' | 'services', env: Record<string, string>): Promise<'thread' | 'main thread'> {
  const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
  const config = loadConfig({ DATABASE_URL: `${ROOT}/${database}`, AUTH_MODE: 'open', ...env });
  const built = kind === 'app' ? await buildApp(config) : await buildFhirServices(config);
  try {
    const { checks } = wearablesOf(built.ctx).importOptions;
    if (!checks || !('ready' in checks)) return 'main thread';
    // Already loaded when the app is handed out: the race goes to it, not to the promise made after it.
    assert.equal(await Promise.race([checks.ready, Promise.resolve('still loading')]), true);
    return 'thread';
  } finally {
    await built.close();
    const conn = await mysql.createConnection(ROOT);
    await conn.query(`DROP DATABASE \`${database}\``);
    await conn.end();
  }
}

test('the server validates imports in its thread, loaded when the app is handed out, unless told not to', async () => {
  assert.equal(await checksOf('app', {}), 'thread');
  assert.equal(await checksOf('app', { WEARABLE_VALIDATION_THREAD: 'false' }), 'main thread');
});

test('the FHIR layer alone (the CLI import) validates in the main thread unless told otherwise', async () => {
  assert.equal(await checksOf('services', {}), 'main thread');
  assert.equal(await checksOf('services', { WEARABLE_VALIDATION_THREAD: 'true' }), 'thread');
});
