// An import validates each resource once (in the first pass) and the transaction trusts only that same validator.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { generateExport } from '../../../../bench/wearables/generate-export.js';
import { startTestServer, type TestServer } from '../../../../tests/support/test-server.js';
import { OutcomeError } from '../../core/outcomes.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import { transaction } from '../../fhir/interactions/transaction.js';
import { runImport } from './run-import.js';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-run-import-test-'));
const xml = join(dir, 'export.xml');

before(async () => {
  server = await startTestServer({ WEARABLE_SPOOL_DIR: dir });
  await generateExport(xml, 0.3);
  await server.http
    .put('/fhir/Patient/p1')
    .set('Content-Type', 'application/fhir+json')
    .send({ resourceType: 'Patient', id: 'p1' })
    .expect(201);
});

after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * The app's context with its validators counting the resources they check, by type: the base checks, and the profile
 * checks a resource claiming a FibroTrack profile gets alone (validate-write.ts), once each per resource.
 */
function countingContext(): { ctx: FhirContext; calls: Map<string, number> } {
  const calls = new Map<string, number>();
  const base = server.built.ctx;
  const count = (resource: unknown, type: string | undefined) => {
    const t = (resource as { resourceType?: string }).resourceType ?? String(type);
    calls.set(t, (calls.get(t) ?? 0) + 1);
  };
  const validate: FhirContext['validate'] = (resource, type) => (count(resource, type), base.validate(resource, type));
  const profiles = {
    ...base.profiles!,
    validate: ((resource, type, options) => (count(resource, type), base.profiles!.validate(resource, type, options))) as NonNullable<
      FhirContext['profiles']
    >['validate'],
  };
  return { ctx: { ...base, validate, profiles }, calls };
}

const input = { source: 'apple-health-xml' as const, path: xml, fileName: 'export.xml', patientId: 'p1', bestEffort: false };

test('every imported resource is validated once, and a second import validates again but creates nothing', async () => {
  const first = countingContext();
  const summary = await runImport(input, first.ctx, { spoolDir: dir, batchSize: 100 });
  const created = summary.created;
  assert.ok(created.Observation > 200, `expected a few hundred Observations, got ${created.Observation}`);
  assert.equal(first.calls.get('Observation'), created.Observation);
  assert.equal(first.calls.get('Device'), created.Device);
  const [{ n }] = await server.sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM resource WHERE res_type = 'Observation'");
  assert.equal(Number(n), created.Observation);

  const again = countingContext();
  const second = await runImport(input, again.ctx, { spoolDir: dir, batchSize: 100 });
  assert.equal(
    Object.values(second.created).reduce((a, b) => a + b, 0),
    0,
  );
  assert.equal(again.calls.get('Observation'), created.Observation);
});

test('a transaction told another validator checked its entries validates them itself', async () => {
  const ctx = server.built.ctx;
  const bundle: Bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      {
        resource: { resourceType: 'Observation', status: 'no-such-status', code: { text: 'x' } } as never,
        request: { method: 'POST', url: 'Observation' },
      },
    ],
  };
  const other = { validate: () => [], profiles: ctx.profiles };
  await assert.rejects(
    transaction(bundle, 'minimal', ctx, { validatedIn: other }),
    (err) => err instanceof OutcomeError && err.status === 400,
  );
  await assert.rejects(transaction(bundle, 'minimal', ctx), (err) => err instanceof OutcomeError && err.status === 400);
});
