// Concurrent writers: If-Match lets exactly one writer win per version; without it no update is lost.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

test('ten concurrent If-Match updates of version 1: exactly one succeeds, nine get 412', async () => {
  const created = (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()))).body;
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      s.http
        .put(`/fhir/Patient/${created.id}`)
        .set('Content-Type', FHIR_JSON)
        .set('If-Match', 'W/"1"')
        .send(JSON.stringify({ ...created, name: [{ family: `Writer${i}` }] })),
    ),
  );
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, ...Array(9).fill(412)]);
  const winner = results.find((r) => r.status === 200)!.body.name[0].family;
  const current = await s.http.get(`/fhir/Patient/${created.id}`);
  assert.equal(current.body.meta.versionId, '2');
  assert.equal(current.body.name[0].family, winner);
});

test('ten concurrent updates without If-Match produce ten distinct versions and lose none', async () => {
  const created = (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()))).body;
  const results = await Promise.all(
    Array.from({ length: 10 }, (_, i) =>
      s.http
        .put(`/fhir/Patient/${created.id}`)
        .set('Content-Type', FHIR_JSON)
        .send(JSON.stringify({ ...created, name: [{ family: `W${i}` }] })),
    ),
  );
  assert.ok(results.every((r) => r.status === 200));
  const versions = results.map((r) => Number(r.body.meta.versionId)).sort((a, b) => a - b);
  assert.deepEqual(versions, [2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  const history = await s.http.get(`/fhir/Patient/${created.id}/_history?_count=50`);
  assert.equal(history.body.total, 11);
});

test('concurrent update-as-create of the same new id: one 201, the others update it', async () => {
  const results = await Promise.all(
    Array.from({ length: 6 }, () =>
      s.http
        .put('/fhir/Patient/race-1')
        .set('Content-Type', FHIR_JSON)
        .send(JSON.stringify(patient({ id: 'race-1' }))),
    ),
  );
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 201]);
  const current = await s.http.get('/fhir/Patient/race-1');
  assert.equal(current.body.meta.versionId, '6');
});

test('concurrent conditional creates with the same If-None-Exist create one resource', async () => {
  const body = JSON.stringify(patient({ identifier: [{ system: 'http://example.org/mrn', value: 'ONCE' }] }));
  const results = await Promise.all(
    Array.from({ length: 8 }, () =>
      s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).set('If-None-Exist', 'identifier=http://example.org/mrn|ONCE').send(body),
    ),
  );
  assert.deepEqual(results.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 201]);
  assert.equal(new Set(results.map((r) => r.body.id)).size, 1);
});
