// create, read, vread, update, delete through HTTP against real MariaDB.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { patient, outcomeCode } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const create = (body: unknown) => s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(body));

describe('create', () => {
  test('assigns id, version 1 and lastUpdated, and answers 201 with Location and ETag', async () => {
    const res = await create(patient({ id: 'client-chosen' }));
    assert.equal(res.status, 201);
    assert.match(res.headers['content-type'], /^application\/fhir\+json/);
    assert.notEqual(res.body.id, 'client-chosen', 'the server ignores an id in a create');
    assert.equal(res.body.meta.versionId, '1');
    assert.ok(Date.parse(res.body.meta.lastUpdated) > Date.now() - 60_000);
    assert.equal(res.headers.location, `http://localhost:8080/fhir/Patient/${res.body.id}/_history/1`);
    assert.equal(res.headers.etag, 'W/"1"');
    assert.ok(res.headers['last-modified']);
    const rows = await s.sql<{ version_id: number }[]>('SELECT version_id FROM resource WHERE res_type = ? AND res_id = ?', [
      'Patient',
      res.body.id,
    ]);
    assert.equal(rows[0].version_id, 1);
  });

  test('Prefer: return=minimal answers with no body, return=OperationOutcome with an outcome', async () => {
    const minimal = await create(patient()).set('Prefer', 'return=minimal');
    assert.equal(minimal.status, 201);
    assert.equal(minimal.text, '');
    assert.ok(minimal.headers.location);
    const oo = await create(patient()).set('Prefer', 'return=OperationOutcome');
    assert.equal(oo.status, 201);
    assert.equal(oo.body.resourceType, 'OperationOutcome');
  });

  test('application/json is accepted and echoed', async () => {
    const res = await s.http
      .post('/fhir/Patient')
      .set('Content-Type', 'application/json')
      .set('Accept', 'application/json')
      .send(patient());
    assert.equal(res.status, 201);
    assert.match(res.headers['content-type'], /^application\/json/);
  });

  test('a body whose resourceType differs from the URL is refused and nothing is stored', async () => {
    const before = await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource');
    const res = await s.http.post('/fhir/Observation').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()));
    assert.equal(res.status, 400);
    assert.equal(outcomeCode(res.body), 'invalid');
    assert.deepEqual(res.body.issue[0].expression, ['resourceType']);
    const afterRows = await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource');
    assert.equal(afterRows[0].n, before[0].n);
  });
});

describe('read and vread', () => {
  test('read returns the stored resource with ETag and Last-Modified', async () => {
    const created = (await create(patient())).body;
    const res = await s.http.get(`/fhir/Patient/${created.id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, created);
    assert.equal(res.headers.etag, 'W/"1"');
    assert.equal(res.headers['last-modified'], new Date(created.meta.lastUpdated).toUTCString());
  });

  test('If-None-Match with the current ETag and If-Modified-Since after the change give 304', async () => {
    const created = (await create(patient())).body;
    const etag = await s.http.get(`/fhir/Patient/${created.id}`).set('If-None-Match', 'W/"1"');
    assert.equal(etag.status, 304);
    const stale = await s.http.get(`/fhir/Patient/${created.id}`).set('If-None-Match', 'W/"0"');
    assert.equal(stale.status, 200);
    const later = new Date(Date.now() + 5000).toUTCString();
    assert.equal((await s.http.get(`/fhir/Patient/${created.id}`).set('If-Modified-Since', later)).status, 304);
    const earlier = new Date(Date.now() - 3_600_000).toUTCString();
    assert.equal((await s.http.get(`/fhir/Patient/${created.id}`).set('If-Modified-Since', earlier)).status, 200);
  });

  test('unknown id is 404, unknown type is 404, malformed id is 400, all OperationOutcomes', async () => {
    const missing = await s.http.get('/fhir/Patient/does-not-exist');
    assert.equal(missing.status, 404);
    assert.equal(outcomeCode(missing.body), 'not-found');
    const type = await s.http.get('/fhir/Patientz/1');
    assert.equal(type.status, 404);
    assert.match(type.body.issue[0].diagnostics, /Unknown resource type 'Patientz'/);
    const bad = await s.http.get('/fhir/Patient/bad$id');
    assert.equal(bad.status, 400);
  });

  test('vread returns each version; an unknown version is 404', async () => {
    const created = (await create(patient())).body;
    await s.http
      .put(`/fhir/Patient/${created.id}`)
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ ...created, gender: 'other' }));
    const v1 = await s.http.get(`/fhir/Patient/${created.id}/_history/1`);
    const v2 = await s.http.get(`/fhir/Patient/${created.id}/_history/2`);
    assert.equal(v1.body.gender, 'female');
    assert.equal(v2.body.gender, 'other');
    assert.equal(v2.headers.etag, 'W/"2"');
    assert.equal((await s.http.get(`/fhir/Patient/${created.id}/_history/9`)).status, 404);
  });

  test('_summary and _elements shape a read', async () => {
    const created = (await create(patient({ text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">Jane</div>' } })))
      .body;
    const elements = await s.http.get(`/fhir/Patient/${created.id}?_elements=birthDate`);
    assert.equal(elements.body.birthDate, '1980-04-02');
    assert.equal(elements.body.name, undefined);
    const text = await s.http.get(`/fhir/Patient/${created.id}?_summary=text`);
    assert.ok(text.body.text);
    assert.equal(text.body.birthDate, undefined);
    assert.equal((await s.http.get(`/fhir/Patient/${created.id}?_summary=count`)).status, 400);
    const data = await s.http.get(`/fhir/Patient/${created.id}?_summary=data`);
    assert.equal(data.body.text, undefined);
    assert.equal(data.body.birthDate, '1980-04-02');
  });

  test('_pretty indents the JSON', async () => {
    const created = (await create(patient())).body;
    const res = await s.http.get(`/fhir/Patient/${created.id}?_pretty=true`);
    assert.match(res.text, /\n {2}"resourceType"/);
  });
});

describe('update', () => {
  test('increments the version and keeps the id', async () => {
    const created = (await create(patient())).body;
    const res = await s.http
      .put(`/fhir/Patient/${created.id}`)
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ ...created, gender: 'male' }));
    assert.equal(res.status, 200);
    assert.equal(res.body.meta.versionId, '2');
    assert.equal(res.headers.etag, 'W/"2"');
    assert.equal(res.body.gender, 'male');
  });

  test('update-as-create with a client id answers 201', async () => {
    const res = await s.http
      .put('/fhir/Patient/chosen-by-client')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify(patient({ id: 'chosen-by-client' })));
    assert.equal(res.status, 201);
    assert.equal(res.body.id, 'chosen-by-client');
    assert.equal(res.headers.location, 'http://localhost:8080/fhir/Patient/chosen-by-client/_history/1');
  });

  test('a body id that differs from the URL, or is missing, is 400', async () => {
    const mismatch = await s.http
      .put('/fhir/Patient/a1')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify(patient({ id: 'b2' })));
    assert.equal(mismatch.status, 400);
    assert.match(mismatch.body.issue[0].diagnostics, /does not match/);
    const missing = await s.http.put('/fhir/Patient/a1').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()));
    assert.equal(missing.status, 400);
  });

  test('If-Match with a stale version is 412 and changes nothing; the current one succeeds', async () => {
    const created = (await create(patient())).body;
    const put = (etag: string, gender: string) =>
      s.http
        .put(`/fhir/Patient/${created.id}`)
        .set('Content-Type', FHIR_JSON)
        .set('If-Match', etag)
        .send(JSON.stringify({ ...created, gender }));
    assert.equal((await put('W/"1"', 'male')).status, 200);
    const stale = await put('W/"1"', 'other');
    assert.equal(stale.status, 412);
    assert.equal(stale.body.issue[0].details.coding[0].code, 'MSG_VERSION_AWARE_CONFLICT');
    assert.equal((await s.http.get(`/fhir/Patient/${created.id}`)).body.gender, 'male');
  });
});

describe('delete', () => {
  test('delete answers 204, read then answers 410 Gone, history keeps every version', async () => {
    const created = (await create(patient())).body;
    const del = await s.http.delete(`/fhir/Patient/${created.id}`);
    assert.equal(del.status, 204);
    const read = await s.http.get(`/fhir/Patient/${created.id}`);
    assert.equal(read.status, 410);
    assert.equal(outcomeCode(read.body), 'deleted');
    assert.equal(read.headers.etag, 'W/"2"');
    const history = await s.http.get(`/fhir/Patient/${created.id}/_history`);
    assert.equal(history.body.total, 2);
    assert.equal(history.body.entry[0].request.method, 'DELETE');
    assert.equal(history.body.entry[1].resource.id, created.id);
    assert.equal((await s.http.get(`/fhir/Patient/${created.id}/_history/1`)).status, 200);
    assert.equal((await s.http.get(`/fhir/Patient/${created.id}/_history/2`)).status, 410);
  });

  test('deleting again or deleting the unknown succeeds without a new version', async () => {
    const created = (await create(patient())).body;
    await s.http.delete(`/fhir/Patient/${created.id}`);
    assert.equal((await s.http.delete(`/fhir/Patient/${created.id}`)).status, 204);
    assert.equal((await s.http.delete('/fhir/Patient/never-was')).status, 204);
    const rows = await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM resource_history WHERE res_id = ?', [created.id]);
    assert.equal(Number(rows[0].n), 2);
  });

  test('a deleted resource can be brought back with PUT as the next version', async () => {
    const created = (await create(patient())).body;
    await s.http.delete(`/fhir/Patient/${created.id}`);
    const res = await s.http.put(`/fhir/Patient/${created.id}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(created));
    assert.equal(res.status, 201);
    assert.equal(res.body.meta.versionId, '3');
  });
});
