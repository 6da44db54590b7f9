import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { sweepSpool } from './spool-sweep.js';

test('only our own files untouched for a day are removed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spool-sweep-'));
  const old = `fibrotrack-upload-${randomUUID()}`;
  const staged = `fibrotrack-staged-${randomUUID()}.ndjson`;
  const fresh = `fibrotrack-upload-${randomUUID()}`;
  for (const f of [old, staged, fresh, 'export.zip']) writeFileSync(join(dir, f), 'x');
  const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
  for (const f of [old, staged, 'export.zip']) utimesSync(join(dir, f), twoDaysAgo, twoDaysAgo);
  assert.deepEqual((await sweepSpool(dir)).sort(), [old, staged].sort());
  assert.deepEqual(readdirSync(dir).sort(), ['export.zip', fresh].sort());
});
