import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { loadR4Definitions } from '../definitions/r4-definitions.js';
import { createResourceIndexer } from './resource-indexer.js';

const defs = loadR4Definitions();
const fast = createResourceIndexer(defs, 'http://localhost/fhir', true);
const reference = createResourceIndexer(defs, 'http://localhost/fhir', false);
const dir = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));

test('the fast path indexes every official example exactly as fhirpath.js does', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'package.json' && statSync(join(dir, f)).size < 1_000_000);
  assert.ok(files.length > 5000);
  for (const file of files) {
    const resource = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Resource;
    if (!defs.isResourceType(resource.resourceType)) continue;
    assert.deepEqual(fast.index(resource), reference.index(resource), file);
  }
});
