// Create/read round trip of every official R4 example (hl7.fhir.r4.examples@4.0.1) through the API,
// then searches over them checked against an oracle that scans the JSON.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';
import { DEFECTIVE_EXAMPLES, exampleFiles, readExample } from './support/official-examples.js';

/**
 * The eight definition bundles (Bundle-resources.json etc., up to 35 MB) exceed the request size limit, and the
 * core ImplementationGuide (2.7 MB, two copies) the limit of items in one array (its manifest lists 12,085 resources).
 */
const MAX_FILE_BYTES = 2_600_000;
const BATCH = 100;

const files = exampleFiles(MAX_FILE_BYTES);

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

type Res = { resourceType: string; id: string; meta?: Record<string, unknown> };
const withoutServerMeta = (r: Res) => {
  const { versionId: _v, lastUpdated: _l, ...meta } = r.meta ?? {};
  const copy: Record<string, unknown> = { ...r, meta };
  if (Object.keys(meta).length === 0) delete copy.meta;
  // A Subscription's status and error are the server's to set (https://hl7.org/fhir/R4/subscription.html#2.46.7.1):
  // a written one becomes `requested`, then `active` or `error` by its handshake.
  if (r.resourceType === 'Subscription') {
    delete copy.status;
    delete copy.error;
  }
  return copy;
};

test(`all ${files.length} official R4 examples round-trip through update-as-create and read`, async () => {
  assert.ok(files.length > 5000);
  const latest = new Map<string, Res>();
  for (let i = 0; i < files.length; i += BATCH) {
    const chunk = files.slice(i, i + BATCH);
    const resources = chunk.map((f) => readExample<Res>(f));
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: resources.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })),
    };
    const res = await s.http.post('/fhir').set('Content-Type', FHIR_JSON).send(JSON.stringify(bundle));
    assert.equal(res.status, 200);
    res.body.entry.forEach((e: { response: { status: string; outcome?: unknown } }, j: number) => {
      const file = chunk[j];
      const status = Number(e.response.status.split(' ')[0]);
      if (DEFECTIVE_EXAMPLES[file]) {
        assert.equal(status, 400, `${file} (${DEFECTIVE_EXAMPLES[file]}) is refused`);
      } else {
        assert.ok(status === 201 || status === 200, `${file}: ${status} ${JSON.stringify(e.response.outcome)}`);
        latest.set(`${resources[j].resourceType}/${resources[j].id}`, resources[j]);
      }
    });
  }
  for (const [ref, original] of latest) {
    const read = await s.http.get(`/fhir/${ref}`);
    assert.equal(read.status, 200, ref);
    assert.deepEqual(withoutServerMeta(read.body), withoutServerMeta(original), `${ref} reads back as written`);
  }
  await searchesMatchOracle(latest);
  for (const file of Object.keys(DEFECTIVE_EXAMPLES)) {
    const r = readExample<Res>(file);
    if (latest.has(`${r.resourceType}/${r.id}`)) continue;
    const read = await s.http.get(`/fhir/${r.resourceType}/${r.id}`);
    assert.ok(read.status === 404 || read.status === 400, `${file} was not stored`);
  }
});

type Json = Record<string, unknown>;
const list = (v: unknown): Json[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]) as Json[];
const codings = (cc: unknown) => list((cc as Json | undefined)?.coding);
const fold = (v: unknown) =>
  (typeof v === 'string' ? v : '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

/** Searches over the stored examples, each checked against the same question answered by scanning the JSON. */
async function searchesMatchOracle(stored: Map<string, Res>): Promise<void> {
  const all = [...stored.values()] as unknown as (Json & Res)[];
  const ofType = (t: string) => all.filter((r) => r.resourceType === t);
  const oracles: [string, string, (r: Json) => boolean][] = [
    [
      'Observation',
      'code=http://loinc.org|29463-7',
      (r) => codings(r.code).some((c) => c.system === 'http://loinc.org' && c.code === '29463-7'),
    ],
    ['Observation', 'subject=Patient/example', (r) => (r.subject as Json | undefined)?.reference === 'Patient/example'],
    ['Patient', 'family=chalmers', (r) => list(r.name).some((n) => fold(n.family).startsWith('chalmers'))],
    ['Patient', 'birthdate=1974-12-25', (r) => typeof r.birthDate === 'string' && r.birthDate.startsWith('1974-12-25')],
    ['Patient', 'gender=female', (r) => r.gender === 'female'],
    ['Condition', 'clinical-status=active', (r) => codings(r.clinicalStatus).some((c) => c.code === 'active')],
    ['MedicationRequest', 'intent=order', (r) => r.intent === 'order'],
  ];
  for (const [type, query, matches] of oracles) {
    const expected = ofType(type)
      .filter(matches)
      .map((r) => r.id)
      .sort();
    assert.ok(expected.length > 0, `${type}?${query} has matches among the examples`);
    const res = await s.http.get(`/fhir/${type}?${query}&_count=1000`);
    assert.equal(res.status, 200, `${type}?${query}`);
    const actual = res.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort();
    assert.deepEqual(actual, expected, `${type}?${query}`);
  }
}
