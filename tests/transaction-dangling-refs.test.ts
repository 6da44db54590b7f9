// urn:uuid / urn:oid references that name no entry of the transaction: the transaction is refused (400, naming the
// entry and the reference) and nothing is stored; batch entries and single writes refuse them too.
// https://hl7.org/fhir/R4/http.html#trules https://hl7.org/fhir/R4/references.html#literal
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const post = (path: string, body: unknown) => s.http.post(path).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
const stored = async () =>
  Number((await s.sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM resource_history WHERE res_type IN ('Patient','Observation')"))[0].n);

const PATIENT_URN = 'urn:uuid:5d0f3c1e-0d6a-4a4e-9f3a-000000000001';
const MISSING_URN = 'urn:uuid:5d0f3c1e-0d6a-4a4e-9f3a-0000000000ff';

describe('transaction with a reference to no entry', () => {
  test('is refused with 400 naming the entry and the reference; nothing is stored', async () => {
    const before = await stored();
    const res = await post('/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: PATIENT_URN, resource: patient(), request: { method: 'POST', url: 'Patient' } },
        { resource: painScore(PATIENT_URN, 4), request: { method: 'POST', url: 'Observation' } },
        {
          resource: { ...painScore(PATIENT_URN, 5), derivedFrom: [{ reference: 'Observation/x' }, { reference: MISSING_URN }] },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    const [first] = res.body.issue;
    assert.equal(first.code, 'invalid');
    assert.match(first.diagnostics, /^Bundle\.entry\[2\]/);
    assert.ok(first.diagnostics.includes(MISSING_URN), first.diagnostics);
    assert.deepEqual(first.expression, ['Bundle.entry[2].resource.derivedFrom[1].reference']);
    assert.equal(await stored(), before);
  });

  test('urn:oid references and PUT entries are checked the same way', async () => {
    const before = await stored();
    const res = await post('/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { ...painScore('urn:oid:1.2.3.4', 2), id: 'dangling-put' },
          request: { method: 'PUT', url: 'Observation/dangling-put' },
        },
      ],
    });
    assert.equal(res.status, 400);
    assert.match(res.body.issue[0].diagnostics, /Bundle\.entry\[0\].*urn:oid:1\.2\.3\.4/);
    assert.equal(await stored(), before);
    assert.equal((await s.http.get('/fhir/Observation/dangling-put')).status, 404);
  });

  test('references that do name an entry are rewritten and stored (control)', async () => {
    const res = await post('/fhir', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: PATIENT_URN, resource: patient(), request: { method: 'POST', url: 'Patient' } },
        { resource: painScore(PATIENT_URN, 4), request: { method: 'POST', url: 'Observation' } },
      ],
    });
    assert.equal(res.status, 200);
    const obs = await s.http.get(`/fhir/${res.body.entry[1].response.location.split('/_history')[0]}`);
    assert.match(obs.body.subject.reference, /^Patient\/[^/]+$/);
  });
});

describe('a urn:uuid reference outside a transaction', () => {
  test('create, update and patch refuse it with 400 naming the element', async () => {
    const created = await post('/fhir/Observation', painScore(MISSING_URN, 3));
    assert.equal(created.status, 400);
    assert.deepEqual(created.body.issue[0].expression, ['Observation.subject.reference']);
    assert.ok(created.body.issue[0].diagnostics.includes(MISSING_URN));

    const updated = await s.http
      .put('/fhir/Observation/urn-put')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ ...painScore(MISSING_URN, 3), id: 'urn-put' }));
    assert.equal(updated.status, 400);
    assert.equal((await s.http.get('/fhir/Observation/urn-put')).status, 404);

    const ok = await post('/fhir/Observation', painScore('Patient/p1', 3));
    assert.equal(ok.status, 201);
    const patched = await s.http
      .patch(`/fhir/Observation/${ok.body.id}`)
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify([{ op: 'replace', path: '/subject/reference', value: MISSING_URN }]));
    assert.equal(patched.status, 400);
    assert.equal((await s.http.get(`/fhir/Observation/${ok.body.id}`)).body.subject.reference, 'Patient/p1');
  });

  test('a batch entry with one fails on its own; the other entries are stored', async () => {
    const res = await post('/fhir', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: painScore(MISSING_URN, 1), request: { method: 'POST', url: 'Observation' } },
        { resource: painScore('Patient/p1', 1), request: { method: 'POST', url: 'Observation' } },
      ],
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.entry[0].response.status, '400');
    assert.ok(res.body.entry[0].response.outcome.issue[0].diagnostics.includes(MISSING_URN));
    assert.match(res.body.entry[1].response.status, /^201/);
  });

  test('a document Bundle stored as a resource keeps its own urn:uuid references', async () => {
    const res = await post('/fhir/Bundle', {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        { fullUrl: PATIENT_URN, resource: patient() },
        { fullUrl: 'urn:uuid:5d0f3c1e-0d6a-4a4e-9f3a-000000000002', resource: painScore(PATIENT_URN, 7) },
      ],
    });
    assert.equal(res.status, 201);
  });
});
