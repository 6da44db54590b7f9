// batch and transaction Bundles: atomicity, processing order, urn:uuid and conditional references.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { synthealikeBundle } from './support/synthea-like.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const postBundle = (bundle: unknown, prefer?: string) => {
  const r = s.http.post('/fhir').set('Content-Type', FHIR_JSON);
  if (prefer) r.set('Prefer', prefer);
  return r.send(JSON.stringify(bundle));
};
const count = async (type: string) =>
  Number((await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource WHERE res_type = ? AND deleted = 0', [type]))[0].n);

type Ref = { reference?: string };

describe('transaction', () => {
  test('resolves urn:uuid fullUrls in every reference and answers with locations', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:11111111-1111-4111-8111-111111111111',
          resource: painScore('urn:uuid:22222222-2222-4222-8222-222222222222', 6),
          request: { method: 'POST', url: 'Observation' },
        },
        { fullUrl: 'urn:uuid:22222222-2222-4222-8222-222222222222', resource: patient(), request: { method: 'POST', url: 'Patient' } },
      ],
    };
    const res = await postBundle(bundle);
    assert.equal(res.status, 200);
    assert.equal(res.body.type, 'transaction-response');
    const [obsLoc, patLoc] = res.body.entry.map((e: { response: { status: string; location: string } }) => {
      assert.equal(e.response.status, '201 Created');
      return e.response.location;
    });
    const patientId = patLoc.split('/')[1];
    const obs = await s.http.get(`/fhir/${obsLoc.split('/_history')[0]}`);
    assert.equal(obs.body.subject.reference, `Patient/${patientId}`);
  });

  test('a transaction whose last entry fails stores nothing and names the entry', async () => {
    const before = { p: await count('Patient'), o: await count('Observation') };
    const historyRows = () =>
      s.sql<{ n: number }[]>("SELECT COUNT(*) AS n FROM resource_history WHERE res_type IN ('Patient','Observation')");
    const historyBefore = Number((await historyRows())[0].n);
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { fullUrl: 'urn:uuid:33333333-3333-4333-8333-333333333333', resource: patient(), request: { method: 'POST', url: 'Patient' } },
        { resource: painScore('urn:uuid:33333333-3333-4333-8333-333333333333', 3), request: { method: 'POST', url: 'Observation' } },
        {
          resource: { resourceType: 'Observation', status: 'not-a-status', code: { text: 'x' } },
          request: { method: 'POST', url: 'Observation' },
        },
      ],
    };
    const res = await postBundle(bundle);
    assert.equal(res.status, 400);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.match(res.body.issue[0].diagnostics, /^Bundle\.entry\[2\]/);
    assert.deepEqual({ p: await count('Patient'), o: await count('Observation') }, before);
    assert.equal(Number((await historyRows())[0].n), historyBefore);
  });

  test('processes DELETE, then POST, then PUT, then GET, whatever their order in the Bundle', async () => {
    const existing = (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()))).body;
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { request: { method: 'GET', url: `Patient/${existing.id}` } },
        { resource: { ...existing, gender: 'male' }, request: { method: 'PUT', url: `Patient/${existing.id}` } },
        {
          fullUrl: 'urn:uuid:44444444-4444-4444-8444-444444444444',
          resource: patient({ gender: 'other' }),
          request: { method: 'POST', url: 'Patient' },
        },
        { request: { method: 'DELETE', url: 'Patient?gender=other' } },
      ],
    };
    const res = await postBundle(bundle);
    assert.equal(res.status, 200);
    assert.equal(res.body.entry[0].resource.gender, 'male', 'GET ran after the PUT');
    assert.equal(res.body.entry[3].response.status, '204 No Content');
    assert.equal(res.body.entry[2].response.status, '201 Created', 'the POST ran after the DELETE, so it survives');
    const created = await s.http.get(`/fhir/${res.body.entry[2].response.location.split('/_history')[0]}`);
    assert.equal(created.status, 200);
  });

  test('ifNoneExist and conditional references resolve to existing resources; ifMatch is enforced', async () => {
    const pr = (
      await s.http
        .post('/fhir/Practitioner')
        .set('Content-Type', FHIR_JSON)
        .send(
          JSON.stringify({
            resourceType: 'Practitioner',
            identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567890' }],
          }),
        )
    ).body;
    const ok = await postBundle(
      {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          {
            fullUrl: 'urn:uuid:55555555-5555-4555-8555-555555555555',
            resource: { resourceType: 'Practitioner', identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '1234567890' }] },
            request: { method: 'POST', url: 'Practitioner', ifNoneExist: 'identifier=http://hl7.org/fhir/sid/us-npi|1234567890' },
          },
          {
            resource: {
              resourceType: 'Encounter',
              status: 'finished',
              class: { code: 'AMB' },
              participant: [
                { individual: { reference: 'urn:uuid:55555555-5555-4555-8555-555555555555' } },
                { individual: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1234567890' } },
              ],
            },
            request: { method: 'POST', url: 'Encounter' },
          },
        ],
      },
      'return=representation',
    );
    assert.equal(ok.status, 200);
    assert.equal(ok.body.entry[0].response.status, '200 OK');
    const refs = ok.body.entry[1].resource.participant.map((p: { individual: Ref }) => p.individual.reference);
    assert.deepEqual(refs, [`Practitioner/${pr.id}`, `Practitioner/${pr.id}`]);

    const none = await postBundle({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: {
            resourceType: 'Encounter',
            status: 'finished',
            class: { code: 'AMB' },
            participant: [{ individual: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|0000' } }],
          },
          request: { method: 'POST', url: 'Encounter' },
        },
      ],
    });
    assert.equal(none.status, 412);

    const stale = await postBundle({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: { ...pr, active: true }, request: { method: 'PUT', url: `Practitioner/${pr.id}`, ifMatch: 'W/"7"' } }],
    });
    assert.equal(stale.status, 412);
  });

  test('generated Synthea-like bundles load and every reference resolves to a stored resource', async () => {
    for (let seed = 0; seed < 4; seed++) {
      const { bundle } = synthealikeBundle(seed, 6);
      const res = await postBundle(bundle);
      assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
    }
    assert.equal((await count('Practitioner')) >= 3, true);
    const dangling = await s.sql<{ n: number }[]>(
      `SELECT COUNT(*) AS n FROM idx_reference i LEFT JOIN resource t ON t.res_type = i.target_type AND t.res_id = i.target_id
       WHERE i.target_id IS NOT NULL AND i.url IS NULL AND t.pk IS NULL`,
    );
    assert.equal(Number(dangling[0].n), 0);
    // The conformance resources seeded at start quote urn:uuid in their documentation; the loaded clinical data must not.
    const urns = await s.sql<{ n: number }[]>(
      `SELECT COUNT(*) AS n FROM resource_history WHERE res_type IN ('Patient', 'Practitioner', 'Organization', 'Encounter', 'Observation', 'Condition', 'MedicationRequest')
       AND (content LIKE '%urn:uuid:%' OR content LIKE '%Practitioner?identifier%')`,
    );
    assert.equal(Number(urns[0].n), 0);
  });
});

describe('batch', () => {
  test('entries succeed or fail independently, each with its own status and outcome', async () => {
    const res = await postBundle({
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        { resource: patient(), request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Patient/nope' } },
        { resource: { resourceType: 'Patient', gender: 'banana' }, request: { method: 'POST', url: 'Patient' } },
        { request: { method: 'GET', url: 'Nonsense/1' } },
        { request: { method: 'GET', url: 'metadata' } },
      ],
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.type, 'batch-response');
    const statuses = res.body.entry.map((e: { response: { status: string } }) => e.response.status.split(' ')[0]);
    assert.deepEqual(statuses, ['201', '404', '400', '404', '200']);
    assert.equal(res.body.entry[1].response.outcome.resourceType, 'OperationOutcome');
    assert.equal((await s.http.get(`/fhir/${res.body.entry[0].response.location.split('/_history')[0]}`)).status, 200);
  });

  test('a Bundle that is neither batch nor transaction, or has malformed entries, is 400', async () => {
    assert.equal((await postBundle({ resourceType: 'Bundle', type: 'collection', entry: [] })).status, 400);
    assert.equal((await postBundle({ resourceType: 'Patient' })).status, 400);
    const noMethod = await postBundle({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: patient(), request: { url: 'Patient' } }],
    });
    assert.equal(noMethod.status, 400);
    assert.match(noMethod.body.issue[0].diagnostics, /entry\[0\]\.request\.method/);
  });
});
