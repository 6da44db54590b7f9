// Bulk Data $export to the local folder (no BLOB_CONNECTION_STRING): kick-off at system, patient and group level,
// status, manifest, ndjson files, _type, _since, _typeFilter, snapshot at transactionTime, DELETE, 429, restarts.
// https://hl7.org/fhir/uv/bulkdata/export.html
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { downloadAll, fhirPath, idsOf, kickOff, manifestOf } from './support/bulk-export.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'bulk-export-'));
const obsIds: Record<string, string[]> = { a: [], b: [] };

const create = async (resource: object) => {
  const res = await server.http
    .post(`/fhir/${(resource as { resourceType: string }).resourceType}`)
    .set('Content-Type', FHIR_JSON)
    .send(resource);
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
};
const observation = (patient: string, code: string) => ({
  resourceType: 'Observation',
  status: 'final',
  subject: { reference: `Patient/${patient}` },
  code: { coding: [{ system: 'http://loinc.org', code }] },
  valueQuantity: { value: 5, unit: 'score' },
});

before(async () => {
  // Small files, so that one type spans several; no settle wait beyond a moment; quick polls.
  server = await startTestServer({ BLOB_DIR: dir, EXPORT_FILE_MAX_BYTES: '1500', EXPORT_SETTLE_MS: '100', EXPORT_POLL_MS: '200' });
  await server.http
    .put('/fhir/Patient/pa')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Patient', id: 'pa', name: [{ family: 'A' }] });
  await server.http
    .put('/fhir/Patient/pb')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Patient', id: 'pb', name: [{ family: 'B' }] });
  for (let i = 0; i < 12; i++) obsIds.a.push(await create(observation('pa', i % 2 ? '72514-3' : '8867-4')));
  for (let i = 0; i < 3; i++) obsIds.b.push(await create(observation('pb', '72514-3')));
  await server.http
    .put('/fhir/Group/g1')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Group', id: 'g1', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/pb' } }] });
});

after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('system export: 202 + Content-Location, then a manifest whose ndjson files hold every resource, split at EXPORT_FILE_MAX_BYTES', async () => {
  const status = await kickOff(server, '$export');
  const manifest = await manifestOf(server, status);
  assert.equal(manifest.requiresAccessToken, false);
  assert.equal(manifest.request, 'http://localhost:8080/fhir/$export');
  assert.ok(!Number.isNaN(Date.parse(manifest.transactionTime)));
  assert.deepEqual(manifest.error, []);
  const files = await downloadAll(server, manifest);
  assert.deepEqual(idsOf(files.get('Observation')), [...obsIds.a, ...obsIds.b].sort());
  assert.deepEqual(idsOf(files.get('Patient')), ['pa', 'pb']);
  assert.deepEqual(idsOf(files.get('Group')), ['g1']);
  assert.ok(manifest.output.filter((f) => f.type === 'Observation').length > 1, 'Observations split over several files');
});

test('kick-off errors: no Prefer: respond-async, unknown _type, bad _since, bad _typeFilter, unknown parameter, bad _outputFormat', async () => {
  const noPrefer = await server.http.get('/fhir/$export');
  assert.equal(noPrefer.status, 400);
  assert.match(noPrefer.body.issue[0].diagnostics, /respond-async/);
  const cases: [string, RegExp][] = [
    ['$export?_type=Nonsense', /_type: 'Nonsense'/],
    ['$export?_since=yesterday', /_since/],
    ['$export?_typeFilter=Observation?bogus=1', /bogus/],
    ['$export?_type=Patient&_typeFilter=Observation?code=1', /_type does not ask for/],
    ['$export?_typeFilter=Observation?_include=Observation:subject', /_include/],
    ['$export?_outputFormat=text/csv', /_outputFormat/],
    ['$export?frobnicate=1', /frobnicate/],
    ['Group/nope/$export', /Group\/nope/],
  ];
  for (const [path, message] of cases) {
    const res = await server.http.get(`/fhir/${path}`).set('Prefer', 'respond-async');
    assert.ok(res.status === 400 || res.status === 404, `${path}: ${res.status}`);
    assert.equal(res.body.resourceType, 'OperationOutcome', path);
    assert.match(res.body.issue[0].diagnostics, message, path);
  }
});

test('Patient/$export keeps to patient compartments; Group/$export to the members; POST patient narrows; _type and _typeFilter select', async () => {
  const patientLevel = await downloadAll(server, await manifestOf(server, await kickOff(server, 'Patient/$export')));
  assert.deepEqual(idsOf(patientLevel.get('Observation')), [...obsIds.a, ...obsIds.b].sort());
  // Group is in the Patient compartment (by member) of the official CompartmentDefinition.
  assert.deepEqual(idsOf(patientLevel.get('Group')), ['g1']);

  const group = await downloadAll(server, await manifestOf(server, await kickOff(server, 'Group/g1/$export?_type=Patient,Observation')));
  assert.deepEqual(idsOf(group.get('Patient')), ['pb']);
  assert.deepEqual(idsOf(group.get('Observation')), [...obsIds.b].sort());

  const body = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'patient', valueReference: { reference: 'Patient/pa' } },
      { name: '_type', valueString: 'Observation' },
    ],
  };
  const posted = await downloadAll(server, await manifestOf(server, await kickOff(server, 'Patient/$export', { body })));
  assert.deepEqual(idsOf(posted.get('Observation')), [...obsIds.a].sort());
  assert.equal(posted.get('Patient'), undefined);

  const filtered = await downloadAll(
    server,
    await manifestOf(
      server,
      await kickOff(server, `$export?_type=Observation&_typeFilter=${encodeURIComponent('Observation?code=8867-4')}`),
    ),
  );
  const expected = obsIds.a.filter((_, i) => i % 2 === 0).sort();
  assert.deepEqual(idsOf(filtered.get('Observation')), expected);
});

test('snapshot: what is written after transactionTime is out (the version before is in), and _since on the next export picks it up', async () => {
  const server2 = await startTestServer({ BLOB_DIR: dir, EXPORT_SETTLE_MS: '1500', EXPORT_POLL_MS: '200' });
  try {
    const put = (body: object) =>
      server2.http
        .put(`/fhir/Patient/${(body as { id: string }).id}`)
        .set('Content-Type', FHIR_JSON)
        .send(body);
    await put({ resourceType: 'Patient', id: 's1', name: [{ family: 'Before' }] });
    const status = await kickOff(server2, '$export?_type=Patient');
    // Written while the job waits out its settle time: after transactionTime.
    await put({ resourceType: 'Patient', id: 's1', name: [{ family: 'After' }] });
    await put({ resourceType: 'Patient', id: 's2', name: [{ family: 'New' }] });
    const manifest = await manifestOf(server2, status);
    const first = (await downloadAll(server2, manifest)).get('Patient')!;
    assert.deepEqual(
      first.map((p) => [p.id, (p as unknown as { name: { family: string }[] }).name[0].family]),
      [['s1', 'Before']],
    );
    const since = await manifestOf(
      server2,
      await kickOff(server2, `$export?_type=Patient&_since=${encodeURIComponent(manifest.transactionTime)}`),
    );
    const second = (await downloadAll(server2, since)).get('Patient')!;
    assert.deepEqual(second.map((p) => [p.id, (p as unknown as { name: { family: string }[] }).name[0].family]).sort(), [
      ['s1', 'After'],
      ['s2', 'New'],
    ]);
  } finally {
    await server2.close();
  }
});

test('DELETE cancels a finished export and removes its files; its status and files then answer 404', async () => {
  const status = await kickOff(server, '$export?_type=Patient');
  const manifest = await manifestOf(server, status);
  const jobId = fhirPath(status).split('/').pop()!;
  assert.ok(existsSync(join(dir, jobId)), 'files written to BLOB_DIR');
  const del = await server.http.delete(fhirPath(status));
  assert.equal(del.status, 202);
  assert.equal(existsSync(join(dir, jobId)), false, 'files removed');
  assert.equal((await server.http.get(fhirPath(status))).status, 404);
  const file = await server.http.get(fhirPath(manifest.output[0].url));
  assert.equal(file.status, 404);
  assert.equal(file.body.resourceType, 'OperationOutcome');
  assert.equal((await server.http.delete('/fhir/$export/00000000-0000-0000-0000-000000000000')).status, 404);
});

test('429 while EXPORT_MAX_ACTIVE exports run; DELETE of a running export stops it and frees its slot', async () => {
  const busy = await startTestServer({ BLOB_DIR: dir, EXPORT_MAX_ACTIVE: '1', EXPORT_SETTLE_MS: '600000', EXPORT_POLL_MS: '200' });
  try {
    const first = await kickOff(busy, '$export');
    const refused = await busy.http.get('/fhir/$export').set('Prefer', 'respond-async');
    assert.equal(refused.status, 429);
    assert.equal(refused.body.issue[0].code, 'throttled');
    assert.ok(Number(refused.headers['retry-after']) > 0);
    const running = await busy.http.get(fhirPath(first));
    assert.equal(running.status, 202);
    assert.equal((await busy.http.delete(fhirPath(first))).status, 202);
    await kickOff(busy, '$export?_type=Patient');
  } finally {
    await busy.close();
  }
});

test('finished exports expire after EXPORT_RETENTION_SECONDS: files deleted, status 404', async () => {
  const short = await startTestServer({ BLOB_DIR: dir, EXPORT_RETENTION_SECONDS: '1', EXPORT_SETTLE_MS: '0', EXPORT_POLL_MS: '200' });
  try {
    await short.http.put('/fhir/Patient/e1').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', id: 'e1' });
    const status = await kickOff(short, '$export');
    await manifestOf(short, status);
    const jobId = fhirPath(status).split('/').pop()!;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await short.built.bulk.poll();
    assert.equal((await short.http.get(fhirPath(status))).status, 404);
    assert.equal(existsSync(join(dir, jobId)), false);
    assert.equal(readdirSync(dir).includes(jobId), false);
  } finally {
    await short.close();
  }
});

test('jobs survive a restart: a node closing mid-job hands it back and the next node finishes it; the job of a crashed node is taken over after its lease; one given up too often is reported failed', async () => {
  const { buildApp } = await import('../server/src/app.js');
  const { loadConfig } = await import('../server/src/config.js');
  const { default: request } = await import('supertest');
  const { ExportStore } = await import('../server/src/store/mysql/export-store.js');
  const database = `${server.database}_restart`;
  const env = {
    DATABASE_URL: `mysql://root@127.0.0.1:3306/${database}`,
    BASE_URL: 'http://localhost:8080',
    AUTH_MODE: 'open',
    BLOB_DIR: dir,
    EXPORT_POLL_MS: '200',
    EXPORT_LEASE_SECONDS: '1',
  };
  const nodeA = await buildApp(loadConfig({ ...env, EXPORT_SETTLE_MS: '600000' }));
  const pool = mysql.createPool(env.DATABASE_URL);
  const store = new ExportStore(pool);
  let nodeB: Awaited<ReturnType<typeof buildApp>> | undefined;
  try {
    await request(nodeA.app).put('/fhir/Patient/r1').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient', id: 'r1' });
    const kick = await request(nodeA.app).get('/fhir/$export').set('Prefer', 'respond-async');
    assert.equal(kick.status, 202);
    const statusPath = fhirPath(kick.headers['content-location']);
    const jobId = statusPath.split('/').pop()!;
    // Two nodes never hold one job: A holds it; a claim by another owner fails while A's lease runs.
    assert.equal(await store.claim(jobId, 'intruder', 30), false);
    await nodeA.close();

    nodeB = await buildApp(loadConfig({ ...env, EXPORT_SETTLE_MS: '0' }));
    const b = { http: request(nodeB.app) } as unknown as TestServer;
    const manifest = await manifestOf(b, statusPath);
    assert.deepEqual(idsOf((await downloadAll(b, manifest)).get('Patient')), ['r1']);

    // A node that crashed: its job is 'running' under a lease that ran out; B takes it over and finishes it.
    const crashed = fhirPath((await b.http.get('/fhir/$export?_type=Patient').set('Prefer', 'respond-async')).headers['content-location']);
    const crashedId = crashed.split('/').pop()!;
    await nodeB.bulk.idle();
    await pool.query(
      `UPDATE export_job SET state = 'running', lease_owner = 'dead-node', lease_until = NOW(3) - INTERVAL 1 SECOND, finished_at = NULL, expires_at = NULL WHERE id = ?`,
      [crashedId],
    );
    await pool.query(`DELETE FROM export_file WHERE job_id = ?`, [crashedId]);
    await nodeB.bulk.poll();
    await nodeB.bulk.idle();
    const again = await manifestOf(b, crashed);
    assert.deepEqual(idsOf((await downloadAll(b, again)).get('Patient')), ['r1']);

    // Lost its node three times already: reported failed, never silently lost.
    await pool.query(
      `UPDATE export_job SET state = 'running', lease_owner = 'dead-node', lease_until = NOW(3) - INTERVAL 1 SECOND, attempts = 3, finished_at = NULL, expires_at = NULL WHERE id = ?`,
      [crashedId],
    );
    await nodeB.bulk.poll();
    await nodeB.bulk.idle();
    const failed = await b.http.get(crashed);
    assert.equal(failed.status, 500);
    assert.match(failed.body.issue[0].diagnostics, /interrupted 3 times/);
  } finally {
    await nodeB?.close();
    await pool.end();
    await server.sql(`DROP DATABASE IF EXISTS \`${database}\``);
  }
});
