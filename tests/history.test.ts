// history at instance, type and system level with _since, _at, _count and paging.
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const post = (body: unknown) => s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
const put = (body: { id: string }) => s.http.put(`/fhir/Patient/${body.id}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
const pathOf = (url: string) => url.replace('http://localhost:8080', '');

test('instance history lists versions newest first with request and response details', async () => {
  const v1 = (await post(patient())).body;
  await put({ ...v1, gender: 'male' });
  const res = await s.http.get(`/fhir/Patient/${v1.id}/_history`);
  assert.equal(res.status, 200);
  assert.equal(res.body.type, 'history');
  assert.equal(res.body.total, 2);
  assert.deepEqual(
    res.body.entry.map((e: { response: { etag: string } }) => e.response.etag),
    ['W/"2"', 'W/"1"'],
  );
  assert.equal(res.body.entry[0].request.method, 'PUT');
  assert.equal(res.body.entry[1].request.method, 'POST');
  assert.equal(res.body.entry[1].response.status, '201');
});

test('paging with _count follows next links without skipping or repeating, even while data changes', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) ids.push((await post(patient({ gender: 'unknown' }))).body.id);
  const seen: string[] = [];
  let url: string | undefined = '/fhir/Patient/_history?_count=3';
  let first = true;
  while (url) {
    const page = await s.http.get(url);
    assert.equal(page.status, 200);
    for (const e of page.body.entry) seen.push(`${e.resource.id}@${e.response.etag}`);
    if (first) {
      await post(patient()); // a write during paging must not shift later pages
      first = false;
    }
    const next = page.body.link.find((l: { relation: string }) => l.relation === 'next');
    url = next ? pathOf(next.url) : undefined;
  }
  assert.equal(new Set(seen).size, seen.length, 'no entry repeats');
  for (const id of ids) assert.ok(seen.includes(`${id}@W/"1"`), `page chain includes ${id}`);
});

test('_since keeps versions written at or after the instant; _at gives the version current then', async () => {
  const v1 = (await post(patient())).body;
  await sleep(20);
  const between = new Date().toISOString();
  await sleep(20);
  await put({ ...v1, gender: 'male' });
  const since = await s.http.get(`/fhir/Patient/${v1.id}/_history?_since=${encodeURIComponent(between)}`);
  assert.deepEqual(
    since.body.entry.map((e: { response: { etag: string } }) => e.response.etag),
    ['W/"2"'],
  );
  const at = await s.http.get(`/fhir/Patient/${v1.id}/_history?_at=${encodeURIComponent(between)}`);
  assert.deepEqual(
    at.body.entry.map((e: { response: { etag: string } }) => e.response.etag),
    ['W/"1"'],
  );
});

test('system history includes other types; unknown or malformed parameters are 400', async () => {
  await s.http
    .post('/fhir/Observation')
    .set('Content-Type', FHIR_JSON)
    .send(
      JSON.stringify({
        resourceType: 'Observation',
        status: 'final',
        code: { text: 'x' },
      }),
    );
  const sys = await s.http.get('/fhir/_history?_count=100');
  assert.ok(sys.body.entry.some((e: { resource?: { resourceType: string } }) => e.resource?.resourceType === 'Observation'));
  const typeOnly = await s.http.get('/fhir/Observation/_history');
  assert.ok(typeOnly.body.entry.every((e: { resource: { resourceType: string } }) => e.resource.resourceType === 'Observation'));
  assert.equal((await s.http.get('/fhir/_history?_since=yesterday')).status, 400);
  assert.equal((await s.http.get('/fhir/_history?_count=-1')).status, 400);
  assert.equal((await s.http.get('/fhir/_history?foo=1')).status, 400);
  assert.equal((await s.http.get('/fhir/_history?_cursor=garbage')).status, 400);
});

test('instance history of an id never stored is 404, as its read is; a deleted resource keeps its history', async () => {
  const res = await s.http.get('/fhir/Patient/never-stored-here/_history');
  assert.equal(res.status, 404, res.text);
  assert.equal(res.body.issue[0].code, 'not-found');
  assert.match(res.body.issue[0].diagnostics, /Patient\/never-stored-here is not known/);
  const { id } = (await post(patient())).body;
  assert.equal((await s.http.delete(`/fhir/Patient/${id}`)).status, 204);
  const deleted = await s.http.get(`/fhir/Patient/${id}/_history`);
  assert.equal(deleted.status, 200);
  assert.equal(deleted.body.total, 2);
});
