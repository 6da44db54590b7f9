// `fibrotrack export` as a separate process against the test server's database: the ndjson files it writes hold what
// the API's $export returns, --type narrows, --group confines, bad arguments exit 2 and an unknown group exits 1.
// https://hl7.org/fhir/uv/bulkdata/export.html
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import { downloadAll, kickOff, manifestOf } from './support/bulk-export.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'fibrotrack.js');
const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const blobDir = mkdtempSync(join(tmpdir(), 'export-cli-blob-'));
const outRoot = mkdtempSync(join(tmpdir(), 'export-cli-out-'));
const SETTINGS = { BLOB_DIR: blobDir, EXPORT_FILE_MAX_BYTES: '1500', EXPORT_SETTLE_MS: '100', EXPORT_POLL_MS: '200' };
let server: TestServer;

type Failure = { code: number; stdout: string; stderr: string };
const fibrotrack = (...args: string[]) =>
  run(process.execPath, [BIN, 'export', ...args], { env: { ...process.env, ...SETTINGS, DATABASE_URL: `${ROOT}/${server.database}` } });
const fails = async (...args: string[]): Promise<Failure> => {
  try {
    await fibrotrack(...args);
  } catch (err) {
    return err as Failure;
  }
  throw new Error(`fibrotrack export ${args.join(' ')} succeeded`);
};

/** The files of an --out folder: name → resources. */
function written(dir: string): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const name of readdirSync(dir).sort()) {
    out.set(
      name,
      readFileSync(join(dir, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Resource),
    );
  }
  return out;
}
const byType = (files: Map<string, Resource[]>) => {
  const out = new Map<string, Resource[]>();
  for (const resources of files.values()) for (const r of resources) out.set(r.resourceType, [...(out.get(r.resourceType) ?? []), r]);
  for (const list of out.values()) list.sort((a, b) => a.id!.localeCompare(b.id!));
  return out;
};

before(async () => {
  server = await startTestServer(SETTINGS);
  for (const id of ['pa', 'pb'])
    await server.http
      .put(`/fhir/Patient/${id}`)
      .set('Content-Type', FHIR_JSON)
      .send({ resourceType: 'Patient', id, name: [{ family: id }] });
  for (let i = 0; i < 15; i++) {
    const res = await server.http
      .post('/fhir/Observation')
      .set('Content-Type', FHIR_JSON)
      .send({
        resourceType: 'Observation',
        status: 'final',
        subject: { reference: `Patient/${i < 12 ? 'pa' : 'pb'}` },
        code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
        valueQuantity: { value: i, unit: 'score' },
      });
    assert.equal(res.status, 201, res.text);
  }
  await server.http
    .put('/fhir/Group/g1')
    .set('Content-Type', FHIR_JSON)
    .send({ resourceType: 'Group', id: 'g1', type: 'person', actual: true, member: [{ entity: { reference: 'Patient/pb' } }] });
});

after(async () => {
  await server?.close();
  rmSync(blobDir, { recursive: true, force: true });
  rmSync(outRoot, { recursive: true, force: true });
});

test('export writes one ndjson file per manifest part, holding what the API export returns, and prints counts per type', async () => {
  const out = join(outRoot, 'all');
  const { stdout, stderr } = await fibrotrack('--out', out);
  const files = written(out);
  const manifest = await manifestOf(server, await kickOff(server, '$export'));
  const api = await downloadAll(server, manifest);
  for (const list of api.values()) list.sort((a, b) => a.id!.localeCompare(b.id!));
  assert.deepEqual(byType(files), api);
  assert.deepEqual([...files.keys()], manifest.output.map((o) => o.url.slice(o.url.lastIndexOf('/') + 1)).sort());
  assert.ok([...files.keys()].filter((n) => n.startsWith('Observation-')).length > 1, 'Observations split over several files');
  const total = [...files.values()].reduce((n, list) => n + list.length, 0);
  assert.match(stdout, new RegExp(`^Exported ${total} resources as of \\S+ into ${files.size} files in ${out}$`, 'm'));
  assert.match(stdout, /^ {2}Observation: 15$/m);
  assert.match(stdout, /^ {2}Patient: 2$/m);
  assert.match(stdout, /^ {2}Group: 1$/m);
  // stderr is a pipe: plain progress lines, no redrawn bar.
  assert.match(stderr, /^export (queued|exporting): \d+ resources$/m);
  assert.doesNotMatch(stderr, /\r/);
});

test("--type narrows the export, --type-filter filters it; --group confines it to the group's patients", async () => {
  const typed = join(outRoot, 'typed');
  await fibrotrack('--type', 'Patient', '--out', typed);
  assert.deepEqual([...written(typed).keys()], ['Patient-1.ndjson']);
  assert.deepEqual(
    written(typed)
      .get('Patient-1.ndjson')!
      .map((r) => r.id)
      .sort(),
    ['pa', 'pb'],
  );

  const filtered = join(outRoot, 'filtered');
  await fibrotrack('--type', 'Patient', '--type-filter', 'Patient?family=pa', '--out', filtered);
  assert.deepEqual(
    written(filtered)
      .get('Patient-1.ndjson')!
      .map((r) => r.id),
    ['pa'],
  );

  const group = join(outRoot, 'group');
  const { stdout } = await fibrotrack('--group', 'g1', '--type', 'Patient,Observation', '--out', group);
  const types = byType(written(group));
  assert.deepEqual(
    types.get('Patient')!.map((r) => r.id),
    ['pb'],
  );
  assert.equal(types.get('Observation')!.length, 3);
  assert.match(stdout, /^ {2}Observation: 3$/m);
});

test('bad arguments exit 2 naming the argument; an unknown group exits 1 naming it', async () => {
  const since = await fails('--since', 'yesterday', '--out', join(outRoot, 'x'));
  assert.equal(since.code, 2);
  assert.match(since.stderr, /--since: _since 'yesterday' is not a FHIR instant/);
  const type = await fails('--type', 'Nonsense', '--out', join(outRoot, 'x'));
  assert.equal(type.code, 2);
  assert.match(type.stderr, /--type: .*'Nonsense' is not a resource type/);
  const unknown = await fails('--colour', 'blue', '--out', join(outRoot, 'x'));
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /--colour/);
  const noOut = await fails('--type', 'Patient');
  assert.equal(noOut.code, 2);
  assert.match(noOut.stderr, /--out/);
  const group = await fails('--group', 'nope', '--out', join(outRoot, 'x'));
  assert.equal(group.code, 1);
  assert.match(group.stderr, /Group\/nope is not known/);
});
