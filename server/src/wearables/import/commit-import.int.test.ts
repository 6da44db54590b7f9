// The second pass stores batches side by side under one import lock: a record repeated in the next batch is stored
// once, a batch's new Device is committed before later batches refer to it, and a failing batch leaves the lock
// released, no batch still writing and a message saying how many batches are stored.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Device, Observation } from 'fhir/r4.js';
import { startTestServer, type TestServer } from '../../../../tests/support/test-server.js';
import { OutcomeError } from '../../core/outcomes.js';
import { BATCHES_IN_FLIGHT, commitImport } from './commit-import.js';
import { emptySummary } from './import-summary.js';
import { patientBundle } from './patient-bundle.js';
import type { StagedImport } from './stage-import.js';
import { importLockKey } from './stored-records.js';

const RECORD = 'https://fhir.fibrotrack.org/identifier/wearable-record';
const DEVICE = 'https://fhir.fibrotrack.org/identifier/wearable-device';
let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-commit-import-test-'));

before(async () => {
  server = await startTestServer({ WEARABLE_SPOOL_DIR: dir });
  for (const id of ['c1', 'c2']) {
    await server.http
      .put(`/fhir/Patient/${id}`)
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'Patient', id })
      .expect(201);
  }
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const device = (key: string): Device => ({
  resourceType: 'Device',
  identifier: [{ system: DEVICE, value: key }],
  deviceName: [{ name: key, type: 'model-name' }],
});
const heartRate = (patient: string, record: string, deviceKey: string, minute: number): Observation => ({
  resourceType: 'Observation',
  identifier: [{ system: RECORD, value: record }],
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: `2026-11-20T08:${String(minute).padStart(2, '0')}:00Z`,
  valueQuantity: { value: 60 + minute, unit: 'beats/minute', system: 'http://unitsofmeasure.org', code: '/min' },
  device: { reference: `Device?identifier=${DEVICE}|${deviceKey}` },
});

/** A staged file of these batches (each a list of Devices and Observations), as stageImport writes it. */
function staged(patient: string, batches: { devices: Device[]; observations: Observation[] }[], name: string): StagedImport {
  const path = join(dir, `${name}.ndjson`);
  writeFileSync(path, batches.map((b) => JSON.stringify(patientBundle({ ...b, skipped: [] }, patient))).join('\n') + '\n');
  const ctx = server.built.ctx;
  return {
    path,
    patientId: patient,
    batches: batches.length,
    summary: emptySummary('apple-health-xml', 'export.xml'),
    validatedIn: { validate: ctx.validate, profiles: ctx.profiles },
  };
}

const lockInUse = async (patient: string) => {
  const [row] = await server.sql<{ used: number | null }[]>(
    `SELECT IS_USED_LOCK(CONCAT('ft:', SHA1(CONCAT(DATABASE(), ':', ?)))) AS used`,
    [importLockKey(patient)],
  );
  return row.used !== null;
};
const stored = async (patient: string) => {
  const rows = await server.sql<{ n: number }[]>(
    "SELECT COUNT(*) AS n FROM idx_reference i JOIN resource r ON r.pk = i.resource_pk WHERE i.res_type = 'Observation' AND i.param = 'subject' AND i.target_id = ? AND r.deleted = 0",
    [patient],
  );
  return Number(rows[0].n);
};

test("batches side by side: records repeated in the next batch stored once, a later batch's new Device there before its Observations", async () => {
  assert.ok(BATCHES_IN_FLIGHT > 1);
  const hr = (record: string, dev: string, minute: number) => heartRate('c1', record, dev, minute);
  const batches = [
    { devices: [device('watch')], observations: [hr('a1', 'watch', 1), hr('a2', 'watch', 2)] },
    { devices: [], observations: [hr('b1', 'watch', 3), hr('b2', 'watch', 4)] },
    // b2 again while batch 2 may still be in flight
    { devices: [], observations: [hr('b2', 'watch', 4), hr('c1', 'watch', 5)] },
    { devices: [device('ring')], observations: [hr('d1', 'ring', 6)] },
    { devices: [], observations: [hr('e1', 'ring', 7), hr('d1', 'ring', 6)] },
  ];
  const s = staged('c1', batches, 'side-by-side');
  const seenLock: boolean[] = [];
  await commitImport(s, server.built.ctx, { onProgress: () => void lockInUse('c1').then((u) => seenLock.push(u)) });
  assert.deepEqual(s.summary.created, { Device: 2, Observation: 7 });
  assert.deepEqual(s.summary.unchanged, { Observation: 2 });
  assert.equal(await stored('c1'), 7);
  assert.equal(await lockInUse('c1'), false);
  const ring = await server.http.get(
    '/fhir/Observation?identifier=' + encodeURIComponent(`${RECORD}|e1`) + '&device.identifier=' + encodeURIComponent(`${DEVICE}|ring`),
  );
  assert.equal(ring.body.total ?? ring.body.entry?.length, 1);

  // Everything again: nothing new, whatever the interleaving.
  const again = staged('c1', batches, 'side-by-side-again');
  await commitImport(again, server.built.ctx);
  assert.deepEqual(again.summary.created, {});
  assert.equal(await stored('c1'), 7);
});

test('a failing batch: the others finish or never start, the lock is released, the message counts the stored batches', async () => {
  const hr = (record: string, minute: number, dev = 'band') => heartRate('c2', record, dev, minute);
  const batches = [
    { devices: [device('band')], observations: [hr('f1', 1)] },
    { devices: [], observations: [hr('g1', 2)] },
    // refers to a Device nobody stores: the transaction refuses the batch
    { devices: [], observations: [hr('h1', 3, 'no-such-device')] },
    { devices: [], observations: [hr('i1', 4)] },
    { devices: [], observations: [hr('j1', 5)] },
    { devices: [], observations: [hr('k1', 6)] },
  ];
  const s = staged('c2', batches, 'failing');
  await assert.rejects(commitImport(s, server.built.ctx), (err: unknown) => {
    assert.ok(err instanceof OutcomeError, String(err));
    assert.ok(err.status >= 400 && err.status < 500, String(err.status));
    const note = err.outcome.issue.at(-1)!.diagnostics!;
    const [, n] = /A batch failed; (\d+) of 6 batches are stored/.exec(note) ?? [];
    assert.ok(n !== undefined, note);
    // Batches 1 and 2 were stored; at most the one beside the failing batch besides.
    assert.ok(Number(n) >= 2 && Number(n) <= 1 + BATCHES_IN_FLIGHT, note);
    return true;
  });
  assert.equal(await lockInUse('c2'), false);
  const after = await stored('c2');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(await stored('c2'), after, 'no batch went on writing after the import answered');
  assert.ok(after >= 2 && after <= 2 + BATCHES_IN_FLIGHT - 1, String(after));
});

test("while one import holds the lock, the same patient's other writers wait for it; another patient's do not", async () => {
  const repo = server.built.ctx.repo;
  let inside = false;
  const held = repo.withLock(importLockKey('c1'), async () => {
    inside = true;
    assert.equal(await lockInUse('c1'), true);
    assert.equal(await lockInUse('c2'), false);
    await repo.transaction(async (tx) => tx.lock(importLockKey('c2')));
    await new Promise((r) => setTimeout(r, 300));
  });
  while (!inside) await new Promise((r) => setTimeout(r, 10));
  const start = Date.now();
  await repo.transaction(async (tx) => tx.lock(importLockKey('c1')));
  assert.ok(Date.now() - start >= 200, `waited ${Date.now() - start} ms`);
  await held;
  assert.equal(await lockInUse('c1'), false);
});
