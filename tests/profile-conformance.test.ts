// The FibroTrack conformance resources at start: stored (idempotently) so search finds them, canonical URLs that
// resolve, /metadata's supportedProfile and implementationGuide, the package download, and writes held to the
// profiles they claim (422) or, with REQUIRE_PROFILES=true, to the profile their code calls for.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { readConformanceFiles } from '../server/src/conformance/conformance-files.js';
import { withoutExamples } from '../server/src/conformance/load-conformance.js';
import { seedConformance } from '../server/src/conformance/seed-conformance.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const GENERATED = new URL('../profiles/generated/', import.meta.url);
const FT = 'https://fhir.fibrotrack.org';
const PAIN = `${FT}/StructureDefinition/fibrotrack-pain-severity`;
type Json = Record<string, any>;
const example = (name: string): Json => JSON.parse(readFileSync(new URL(`examples/${name}.json`, GENERATED), 'utf8'));
const files = readdirSync(GENERATED).filter((f) => f.endsWith('.json'));
/** The pain example with another score (a UCUM {score} Quantity, 0 to 10 by invariant ft-pain-1). */
const painScored = (value: number): Json => {
  const pain = example('Observation-example-pain-severity');
  return { ...pain, valueQuantity: { ...pain.valueQuantity, value } };
};

let s: TestServer;
let strict: TestServer;
/** Read when the server starts (as it does), so a concurrent rebuild of profiles/generated cannot skew the restart test. */
let loadedAtStart: ReturnType<typeof readConformanceFiles>;
before(async () => {
  loadedAtStart = readConformanceFiles(GENERATED.pathname);
  s = await startTestServer();
  strict = await startTestServer({ REQUIRE_PROFILES: 'true' });
});
after(async () => {
  await s.close();
  await strict.close();
});

const post = (server: TestServer, type: string, body: unknown) =>
  server.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
const countRows = async (server: TestServer, type: string) =>
  (await server.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource WHERE res_type = ?', [type]))[0].n;

test('every generated conformance resource is stored at start and found by url (and version)', async () => {
  assert.ok(files.length >= 20, `${files.length} files`);
  for (const file of files) {
    const r = JSON.parse(readFileSync(new URL(file, GENERATED), 'utf8')) as Json;
    const res = await s.http.get(`/fhir/${r.resourceType}?url=${encodeURIComponent(r.url)}&version=${encodeURIComponent(r.version ?? '')}`);
    assert.equal(res.status, 200, file);
    assert.deepEqual(
      res.body.entry?.map((e: Json) => e.resource.id),
      [r.id],
      `${file} found by ${r.url}`,
    );
  }
  const sd = await s.http.get(`/fhir/StructureDefinition?url=${encodeURIComponent(PAIN)}`);
  assert.ok(sd.body.entry[0].resource.snapshot.element.length > 10, 'served with its snapshot');
});

test('loading again (a restart) adds no versions', async () => {
  const result = await seedConformance(s.built.ctx, loadedAtStart.resources.map(withoutExamples));
  assert.deepEqual(result.written, []);
  assert.deepEqual(result.failed, []);
  const read = await s.http.get('/fhir/StructureDefinition/fibrotrack-pain-severity');
  assert.equal(read.body.meta.versionId, '1');
});

test('a canonical URL resolves: GET /StructureDefinition/<id> redirects to the stored resource', async () => {
  const res = await s.http.get('/StructureDefinition/fibrotrack-pain-severity');
  assert.equal(res.status, 302);
  assert.equal(res.headers.location, 'http://localhost:8080/fhir/StructureDefinition/fibrotrack-pain-severity');
  const ig = await s.http.get('/fhir/ImplementationGuide/fibrotrack');
  assert.equal(ig.status, 200);
  assert.equal(ig.body.url, `${FT}/ImplementationGuide/fibrotrack`);
  const listed = ig.body.definition.resource.map((e: Json) => e.reference.reference as string);
  assert.ok(listed.includes('StructureDefinition/fibrotrack-pain-severity'));
  assert.ok(!listed.some((ref: string) => ref.startsWith('Observation/')), 'examples are in the package, not the store');
  const dangling = await s.sql<{ n: number }[]>(
    `SELECT COUNT(*) AS n FROM idx_reference i LEFT JOIN resource t ON t.res_type = i.target_type AND t.res_id = i.target_id
     WHERE i.target_id IS NOT NULL AND i.url IS NULL AND t.pk IS NULL`,
  );
  assert.equal(Number(dangling[0].n), 0, 'every reference among the stored conformance resources resolves');
  const missing = await s.http.get('/StructureDefinition/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.resourceType, 'OperationOutcome');
});

test('/metadata lists the FibroTrack profiles in supportedProfile and the implementation guide', async () => {
  const res = await s.http.get('/fhir/metadata');
  const of = (type: string) => (res.body.rest[0].resource as Json[]).find((r) => r.type === type)!;
  assert.ok(of('Observation').supportedProfile.includes(PAIN));
  assert.ok(of('Observation').supportedProfile.includes(`${FT}/StructureDefinition/fibrotrack-heart-rate`));
  assert.deepEqual(of('MedicationStatement').supportedProfile, [`${FT}/StructureDefinition/fibrotrack-medication-statement`]);
  assert.deepEqual(of('Device').supportedProfile, [`${FT}/StructureDefinition/fibrotrack-wearable-device`]);
  assert.equal(of('Patient').supportedProfile, undefined);
  assert.deepEqual(res.body.implementationGuide, [`${FT}/ImplementationGuide/fibrotrack`]);
});

test('the package downloads from /ig/package.tgz', async () => {
  const res = await s.http
    .get('/ig/package.tgz')
    .buffer(true)
    .parse((r, done) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => done(null, Buffer.concat(chunks)));
    });
  assert.equal(res.status, 200);
  assert.equal(res.headers['content-type'], 'application/gzip');
  const tar = gunzipSync(res.body as Buffer).toString('latin1');
  assert.ok(tar.includes('package/package.json'), 'an NPM package');
  assert.ok(tar.includes('StructureDefinition-fibrotrack-pain-severity.json'));
});

test('a write claiming a FibroTrack profile it fails is 422, names the element, and stores nothing', async () => {
  const before = await countRows(s, 'Observation');
  const res = await post(s, 'Observation', painScored(11));
  assert.equal(res.status, 422);
  assert.deepEqual(
    res.body.issue.map((i: Json) => [i.code, i.expression?.[0]]),
    [
      ['processing', 'Observation'],
      ['invariant', 'Observation'],
    ],
  );
  assert.match(res.body.issue[1].diagnostics, /^Observation: ft-pain-1: /);
  assert.match(res.body.issue[0].diagnostics, /fibrotrack-pain-severity it claims in meta.profile/);
  assert.equal(await countRows(s, 'Observation'), before);
  assert.equal((await post(s, 'Observation', example('Observation-example-pain-severity'))).status, 201);
  const typo = await post(s, 'Observation', {
    ...example('Observation-example-pain-severity'),
    meta: { profile: [`${FT}/StructureDefinition/fibrotrack-pain`] },
  });
  assert.equal(typo.status, 422, 'a FibroTrack profile we do not define');
  assert.deepEqual(
    typo.body.issue.map((i: Json) => i.code),
    ['processing', 'not-found'],
  );
  const unclaimed = { ...painScored(11), meta: undefined };
  assert.equal(
    (await post(s, 'Observation', unclaimed)).status,
    201,
    'without REQUIRE_PROFILES an unclaimed pain score is not held to the profile',
  );
});

test('REQUIRE_PROFILES=true: pain, medication and wearable resources must meet their profile even unclaimed', async () => {
  const unclaimed = (name: string, changes: Json = {}) => ({ ...example(name), meta: undefined, ...changes });
  const pain = await post(strict, 'Observation', { ...painScored(11), meta: undefined });
  assert.equal(pain.status, 422);
  assert.match(pain.body.issue[0].diagnostics, /fibrotrack-pain-severity this server requires for it \(REQUIRE_PROFILES\)/);
  assert.equal((await post(strict, 'Observation', unclaimed('Observation-example-pain-severity'))).status, 201);
  // $validate with mode=create answers what the write would: the required profile's failure, as a 200 OperationOutcome.
  const asCreate = await post(strict, 'Observation/$validate?mode=create', { ...painScored(11), meta: undefined });
  assert.equal(asCreate.status, 200);
  assert.deepEqual(
    asCreate.body.issue.filter((i: Json) => i.severity === 'error').map((i: Json) => [i.code, i.expression?.[0]]),
    [
      ['processing', 'Observation'],
      ['invariant', 'Observation'],
    ],
  );
  const plain = await post(strict, 'Observation/$validate', { ...painScored(11), meta: undefined });
  assert.deepEqual(
    plain.body.issue.filter((i: Json) => i.severity === 'error'),
    [],
    'without a mode only what it claims or is asked for',
  );
  const heart = example('Observation-example-heart-rate');
  assert.equal(
    (await post(strict, 'Observation', { ...heart, meta: undefined, identifier: undefined })).status,
    422,
    'a heart rate without its wearable record id',
  );
  assert.equal((await post(strict, 'Observation', { ...heart, meta: undefined })).status, 201);
  const medication = unclaimed('MedicationStatement-example-medication-statement', { medicationCodeableConcept: { text: 'ibuprofen' } });
  assert.equal((await post(strict, 'MedicationStatement', medication)).status, 422);
  const other = { resourceType: 'Observation', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] } };
  assert.equal((await post(strict, 'Observation', other)).status, 201, 'codes without a FibroTrack profile are not held to one');
});
