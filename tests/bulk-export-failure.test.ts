// A Bulk Data export job that fails for a server reason: its status URL answers 500 with an OperationOutcome
// (https://hl7.org/fhir/uv/bulkdata/export.html#response---error-status-1) whose wording names what failed (reading
// one type's resources, writing one output file) without the server's internals (SQL, table names, folders, errno).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Response } from 'supertest';
import { fhirPath, kickOff } from './support/bulk-export.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'bulk-export-failure-'));
const blobs = join(dir, 'blobs');

before(async () => {
  server = await startTestServer({ BLOB_DIR: blobs, EXPORT_SETTLE_MS: '2000', EXPORT_POLL_MS: '200' });
  const res = await server.http
    .put('/fhir/Patient/pf')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Patient', id: 'pf', name: [{ family: 'F' }] });
  assert.equal(res.status, 201, res.text);
});
after(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The status answer once the job has ended (not 202). */
async function ended(statusUrl: string): Promise<Response> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await server.http.get(fhirPath(statusUrl)).set('Accept', 'application/fhir+json');
    if (res.status !== 202) return res;
    assert.ok(Date.now() < deadline, 'the export did not end within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function assertFailed(res: Response, cause: RegExp, internals: (string | RegExp)[]): void {
  assert.equal(res.status, 500, res.text);
  assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  const [issue] = res.body.issue as { severity: string; code: string; diagnostics: string }[];
  assert.equal(issue.severity, 'error');
  assert.equal(issue.code, 'exception');
  assert.match(issue.diagnostics, cause);
  for (const secret of internals) {
    if (typeof secret === 'string') assert.ok(!issue.diagnostics.includes(secret), `'${secret}' in: ${issue.diagnostics}`);
    else assert.doesNotMatch(issue.diagnostics, secret);
  }
}

test('an export whose output cannot be written: 500, naming the file it could not write, not the folder or the errno', async () => {
  const status = await kickOff(server, '$export?_type=Patient');
  const id = status.split('/').pop()!;
  // Once a node has taken the job (and cleared its folder), it waits EXPORT_SETTLE_MS: a plain file then takes the
  // place of the job's folder, so that its first output file cannot be created.
  const deadline = Date.now() + 5_000;
  while ((await server.sql<{ state: string }[]>('SELECT state FROM export_job WHERE id = ?', [id]))[0]?.state !== 'running')
    assert.ok(Date.now() < deadline, 'the job was not taken within 5 s');
  await new Promise((resolve) => setTimeout(resolve, 300));
  mkdirSync(blobs, { recursive: true });
  writeFileSync(join(blobs, id), 'not a folder');
  assertFailed(
    await ended(status),
    new RegExp(`^Export ${id} failed: writing the output file Patient-1\\.ndjson failed .*logged with export job ${id}`),
    [dir, 'ENOTDIR', 'EEXIST', /\bmkdir\b/],
  );
});

test('an export whose stored resources cannot be read: 500, naming the type it was reading, not the SQL or the tables', async () => {
  await server.sql('RENAME TABLE resource_history TO resource_history_away');
  let status: string;
  try {
    status = await kickOff(server, '$export?_type=Patient');
    await ended(status);
  } finally {
    await server.sql('RENAME TABLE resource_history_away TO resource_history');
  }
  const id = status.split('/').pop()!;
  assertFailed(await ended(status), new RegExp(`^Export ${id} failed: reading the stored Patient resources failed .*logged`), [
    'resource_history',
    server.database,
    /SELECT|ER_/,
  ]);
  // The same export once the table is back succeeds: a failure is the job's, not the server's state.
  const again = await ended(await kickOff(server, '$export?_type=Patient'));
  assert.equal(again.status, 200, again.text);
});
