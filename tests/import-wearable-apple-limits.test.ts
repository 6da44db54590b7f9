// Patient/$import-wearable with hostile Apple Health exports: endless tags, attributes and comments, zip bombs,
// and a client that leaves mid-import. Each is refused (or stopped) early with an OperationOutcome naming where.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { listen } from './support/listen.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';
import { zipOf } from './support/zip-file.js';

const MiB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-apple-limits-'));
let server: TestServer;

const HEADER = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout)*)>
]>
<HealthData locale="en_DE">
 <ExportDate value="2026-11-30 21:00:00 +0100"/>
`;
const FOOTER = '</HealthData>\n';
const appleDate = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} +0000`;
const heartRate = (i: number) => {
  const at = appleDate(Date.UTC(2026, 10, 1) + i * 60_000);
  return ` <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Janes Watch" unit="count/min" startDate="${at}" endDate="${at}" value="${60 + (i % 40)}"/>\n`;
};
const records = (n: number, from = 0) => Array.from({ length: n }, (_, i) => heartRate(from + i)).join('');

async function newPatient(): Promise<string> {
  return (await server.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id;
}
const upload = (patientId: string, body: Buffer | string, type: string, name: string) =>
  server.http
    .post(`/fhir/Patient/${patientId}/$import-wearable`)
    .set('Content-Type', type)
    .set('Content-Disposition', `attachment; filename="${name}"`)
    .send(body);
const storedFor = async (patientId: string) =>
  Number(
    (
      await server.sql<{ n: number }[]>(
        "SELECT COUNT(*) AS n FROM idx_reference WHERE res_type = 'Observation' AND param = 'subject' AND target_id = ?",
        [patientId],
      )
    )[0].n,
  );
const spoolFiles = () => readdirSync(dir).filter((f) => f.startsWith('fibrotrack-'));

before(async () => {
  server = await startTestServer({ WEARABLE_SPOOL_DIR: dir });
});
after(() => server.close());

test('a 10 MB attribute is refused with 422 naming the line and the 1 MiB limit; nothing is stored', async () => {
  const patient = await newPatient();
  const xml = `${HEADER}${records(2)} <Record type="HKQuantityTypeIdentifierHeartRate" sourceName="${'x'.repeat(10_000_000)}"/>\n${FOOTER}`;
  const res = await upload(patient, xml, 'application/xml', 'export.xml');
  assert.equal(res.status, 422, JSON.stringify(res.body).slice(0, 500));
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.equal(res.body.issue[0].location[0], 'export.xml line 9');
  assert.match(res.body.issue[0].diagnostics, /the tag <Record> starting here is longer than 1048576 bytes/);
  assert.equal(await storedFor(patient), 0);
  assert.deepEqual(spoolFiles(), []);
});

test('a 10 MB comment and a 10 MB processing instruction are refused the same way', async () => {
  const patient = await newPatient();
  for (const [markup, what] of [
    [`<!--${'-x'.repeat(5_000_000)}-->`, 'a comment'],
    [`<?pi ${'?'.repeat(10_000_000)}?>`, 'a processing instruction'],
  ]) {
    const res = await upload(patient, `${HEADER}${records(1)}\n\n ${markup}\n${FOOTER}`, 'application/xml', 'export.xml');
    assert.equal(res.status, 422, what);
    assert.equal(res.body.issue[0].location[0], 'export.xml line 10', what);
    assert.match(res.body.issue[0].diagnostics, new RegExp(`${what} starting here is longer than 1048576 bytes`));
  }
  assert.equal(await storedFor(patient), 0);
});

test('an attribute just under the limit, and 40 MB of whitespace between tags, are read and the records stored', async () => {
  const patient = await newPatient();
  const big = 'y'.repeat(MiB - 200);
  const xml = `${HEADER} <Me note="${big}"/>\n${records(3)}${' \n'.repeat(20 * MiB)}${records(2, 3)}${FOOTER}`;
  const res = await upload(patient, xml, 'application/xml', 'export.xml');
  assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
  assert.equal(await storedFor(patient), 5);
});

/** An export.xml with `whitespaceMiB` of blanks after its records: compresses about 1000 times. */
function* bombXml(whitespaceMiB: number): Generator<string | Buffer> {
  yield HEADER + records(3);
  const blanks = Buffer.alloc(MiB, ' ');
  for (let i = 0; i < whitespaceMiB; i++) yield blanks;
  yield FOOTER;
}

test('zip bomb: an export.xml inflating 1000 times its size is refused with 413 naming the entry, before it is inflated', async () => {
  const patient = await newPatient();
  const zip = await zipOf('apple_health_export/export.xml', bombXml(256));
  assert.ok(zip.length < 1 * MiB, `the bomb is ${zip.length} bytes`);
  const res = await upload(patient, zip, 'application/zip', 'export.zip');
  assert.equal(res.status, 413, JSON.stringify(res.body));
  assert.equal(res.body.issue[0].code, 'too-costly');
  assert.equal(res.body.issue[0].location[0], 'export.zip/apple_health_export/export.xml');
  assert.match(res.body.issue[0].diagnostics, /more than 100 times its compressed size/);
  assert.equal(await storedFor(patient), 0);
  assert.deepEqual(spoolFiles(), []);
});

test('zip bomb whose declared size lies: stopped while inflating, 4xx naming the entry', async () => {
  const patient = await newPatient();
  const zip = await zipOf('apple_health_export/export.xml', bombXml(256), { declaredSize: () => 4 * MiB });
  const res = await upload(patient, zip, 'application/zip', 'export.zip');
  assert.ok(res.status === 413 || res.status === 422, `${res.status} ${JSON.stringify(res.body)}`);
  assert.equal(res.body.resourceType, 'OperationOutcome');
  assert.equal(res.body.issue[0].location[0], 'export.zip/apple_health_export/export.xml');
  assert.equal(await storedFor(patient), 0);
  assert.deepEqual(spoolFiles(), []);
});

test('an ordinary export.zip (about 20 times smaller) is imported', async () => {
  const patient = await newPatient();
  const zip = await zipOf('apple_health_export/export.xml', [HEADER, records(3000), FOOTER]);
  const res = await upload(patient, zip, 'application/zip', 'export.zip');
  assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
  assert.equal(await storedFor(patient), 3000);
});

test('WEARABLE_MAX_UNZIPPED_BYTES, WEARABLE_MAX_ZIP_RATIO and WEARABLE_MAX_XML_MARKUP_BYTES are the limits applied', async () => {
  const strict = await startTestServer({
    WEARABLE_SPOOL_DIR: dir,
    WEARABLE_VALIDATION_THREAD: 'false',
    WEARABLE_MAX_UNZIPPED_BYTES: String(2 * MiB),
    WEARABLE_MAX_ZIP_RATIO: '5',
    WEARABLE_MAX_XML_MARKUP_BYTES: '4096',
  });
  try {
    const patient = (await strict.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send({ resourceType: 'Patient' })).body.id;
    const send = (body: Buffer | string, type: string, name: string) =>
      strict.http
        .post(`/fhir/Patient/${patient}/$import-wearable`)
        .set('Content-Type', type)
        .set('Content-Disposition', `attachment; filename="${name}"`)
        .send(body);

    const large = await send(
      await zipOf('apple_health_export/export.xml', [HEADER, records(20_000), FOOTER]),
      'application/zip',
      'large.zip',
    );
    assert.equal(large.status, 413, JSON.stringify(large.body));
    assert.match(large.body.issue[0].diagnostics, /may inflate to at most 2097152 bytes/);
    assert.equal(large.body.issue[0].location[0], 'large.zip/apple_health_export/export.xml');

    const ratio = await send(
      await zipOf('apple_health_export/export.xml', [HEADER, records(10_000), FOOTER]),
      'application/zip',
      'ratio.zip',
    );
    assert.equal(ratio.status, 413, JSON.stringify(ratio.body));
    assert.match(ratio.body.issue[0].diagnostics, /more than 5 times its compressed size/);

    const tag = await send(`${HEADER} <Me note="${'z'.repeat(5000)}"/>\n${FOOTER}`, 'application/xml', 'export.xml');
    assert.equal(tag.status, 422);
    assert.match(tag.body.issue[0].diagnostics, /the tag <Me> starting here is longer than 4096 bytes/);
    const fits = await send(`${HEADER} <Me note="${'z'.repeat(4000)}"/>\n${records(1)}${FOOTER}`, 'application/xml', 'export.xml');
    assert.equal(fits.status, 200, JSON.stringify(fits.body));
  } finally {
    await strict.close();
  }
});

test('a client that disconnects mid-import stops it: nothing is stored and the spooled files go', async () => {
  const patient = await newPatient();
  const body = Buffer.from(HEADER + records(30_000) + FOOTER);
  const live = await listen(server.built.app);
  try {
    const req = httpRequest(`${live.base}/fhir/Patient/${patient}/$import-wearable`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/xml',
        'Content-Length': body.length,
        'Content-Disposition': 'attachment; filename="export.xml"',
      },
    });
    req.on('error', () => undefined);
    req.end(body);
    // The upload is on disk and being mapped once its staged Bundles file appears: then the client leaves.
    await until(() => spoolFiles().some((f) => f.startsWith('fibrotrack-staged-')), 'the import to start staging');
    req.destroy();
    await until(() => spoolFiles().length === 0, 'the import to stop and remove its files');
    assert.equal(await storedFor(patient), 0);
  } finally {
    await live.close();
  }
});

async function until(done: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > timeoutMs) assert.fail(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
