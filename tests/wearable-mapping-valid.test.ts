// Every golden output of the wearable mappings (mappings/test-fixtures/golden) passes the server's own
// validation: the R4 base (schema, cardinalities), one resource at a time and as the transaction bundle it is
// sent in, and the FibroTrack profile each claims in meta.profile (profiles/generated), as writes check them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { r4Definitions } from '../server/src/fhir-services.js';
import { readConformanceFiles } from '../server/src/conformance/conformance-files.js';
import { createConformanceRegistry } from '../server/src/validation/conformance-registry.js';
import { createResourceValidator } from '../server/src/validation/resource-validator.js';
import { toTransactionBundle, type MappedBatch } from '../mappings/src/index.js';
import { GOLDEN, goldenCases } from '../mappings/test/golden-cases.js';

const validator = createResourceValidator(r4Definitions());
const errors = (r: unknown) => validator.validate(r).filter((i) => i.severity === 'error' || i.severity === 'fatal');
const registry = createConformanceRegistry(r4Definitions());
registry.add(readConformanceFiles(fileURLToPath(new URL('../profiles/generated', import.meta.url))).resources);
const profiled = createResourceValidator(r4Definitions(), registry);
const profileErrors = (r: Resource) =>
  profiled.validate(r, undefined, { claimed: true, errorsOnly: true }).filter((i) => i.severity === 'error' || i.severity === 'fatal');

for (const c of goldenCases) {
  test(`${c.name}: every Observation and Device is valid R4 and meets its profile, and its transaction bundle is valid`, () => {
    const golden = JSON.parse(readFileSync(`${GOLDEN}${c.name}.json`, 'utf8')) as MappedBatch;
    const resources: Resource[] = [...golden.devices, ...golden.observations];
    for (const [i, r] of resources.entries()) {
      const what = `${c.name} resource ${i} (${r.resourceType} ${JSON.stringify((r as { identifier?: unknown }).identifier)})`;
      assert.deepEqual(errors(r), [], what);
      assert.deepEqual(profileErrors(r), [], `${what} against ${r.meta?.profile?.[0]}`);
    }
    if (resources.length) assert.deepEqual(errors(toTransactionBundle(golden)), [], `${c.name} bundle`);
  });
}

test('the golden outputs hold every measure the mappings make', () => {
  const profiles = new Set<string>();
  for (const c of goldenCases) {
    const golden = JSON.parse(readFileSync(`${GOLDEN}${c.name}.json`, 'utf8')) as MappedBatch;
    for (const r of [...golden.devices, ...golden.observations]) profiles.add(r.meta?.profile?.[0] ?? `${r.resourceType} without profile`);
  }
  const names = [...profiles].map((p) => p.split('/').pop()).sort();
  assert.deepEqual(names, [
    'Observation without profile',
    'fibrotrack-body-weight',
    'fibrotrack-daily-steps',
    'fibrotrack-heart-rate',
    'fibrotrack-hrv',
    'fibrotrack-oxygen-saturation',
    'fibrotrack-resting-heart-rate',
    'fibrotrack-sleep-duration',
    'fibrotrack-sleep-stage',
    'fibrotrack-steps',
    'fibrotrack-wearable-device',
  ]);
});
