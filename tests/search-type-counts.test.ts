// `_total` and `_summary=count` on a type alone read the per-type counts the writes keep (migration 030): they must
// equal the resources a search finds after concurrent creates, deletes, re-creates and failed transactions.
// https://hl7.org/fhir/R4/search.html#total
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const TYPE = 'Device'; // a type no other part of this file writes
const create = async () => {
  const res = await s.http
    .post(`/fhir/${TYPE}`)
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify({ resourceType: TYPE }));
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
};
const totals = async () => {
  const stored = await s.sql<{ n: number }[]>(`SELECT COUNT(*) AS n FROM resource WHERE res_type = '${TYPE}' AND deleted = 0`);
  const counted = await s.http.get(`/fhir/${TYPE}?_summary=count`);
  const accurate = await s.http.get(`/fhir/${TYPE}?_total=accurate&_count=1`);
  const estimate = await s.http.get(`/fhir/${TYPE}?_total=estimate&_count=1`);
  for (const r of [counted, accurate, estimate]) assert.equal(r.status, 200, r.text);
  return { stored: Number(stored[0].n), count: counted.body.total, accurate: accurate.body.total, estimate: estimate.body.total };
};
const assertAgree = async (expected: number) => {
  assert.deepEqual(await totals(), { stored: expected, count: expected, accurate: expected, estimate: expected });
};

before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

test('a type with no resources counts 0', async () => {
  await assertAgree(0);
});

test('concurrent creates and deletes leave the count equal to what is stored', async () => {
  const first = await Promise.all(Array.from({ length: 20 }, create));
  await Promise.all([
    ...Array.from({ length: 20 }, create),
    ...first.slice(0, 12).map((id) => s.http.delete(`/fhir/${TYPE}/${id}`)),
    // Deleting twice changes nothing the second time.
    ...first.slice(0, 4).map((id) => s.http.delete(`/fhir/${TYPE}/${id}`)),
  ]);
  await assertAgree(28);
  // Updating a live resource keeps the count; re-creating a deleted one (update after delete) adds it back.
  const put = (id: string) =>
    s.http
      .put(`/fhir/${TYPE}/${id}`)
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ resourceType: TYPE, id }));
  await Promise.all([put(first[0]), put(first[1]), put(first[19])].map(async (p) => assert.ok([200, 201].includes((await p).status))));
  await assertAgree(30);
});

test('a transaction that fails adds nothing; one that succeeds adds all its creates', async () => {
  const entry = (extra: object = {}) => ({ resource: { resourceType: TYPE, ...extra }, request: { method: 'POST', url: TYPE } });
  const failed = await s.http
    .post('/fhir')
    .set('Content-Type', FHIR_JSON)
    .send(
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [entry(), entry(), { request: { method: 'DELETE', url: `${TYPE}?_id=a,b` } }, entry({ status: 'not-a-status' })],
      }),
    );
  assert.ok(failed.status >= 400 && failed.status < 500, failed.text);
  await assertAgree(30);
  const ok = await s.http
    .post('/fhir')
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [entry(), entry(), entry()] }));
  assert.equal(ok.status, 200, ok.text.slice(0, 300));
  await assertAgree(33);
});

test('a total on one criterion counts each live match once, whatever compartments its rows are copied to', async () => {
  const post = async (body: object) => {
    const res = await s.http
      .post(`/fhir/${(body as { resourceType: string }).resourceType}`)
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify(body));
    assert.equal(res.status, 201, res.text);
    return res.body.id as string;
  };
  const [a, b] = [await post({ resourceType: 'Patient' }), await post({ resourceType: 'Patient' })];
  const code = { coding: [{ system: 'urn:test:counts', code: 'one' }] };
  // In two Patient compartments (subject and performer): its token rows are stored twice.
  const ids = [];
  for (let i = 0; i < 5; i++) {
    ids.push(
      await post({
        resourceType: 'Observation',
        status: 'final',
        code,
        subject: { reference: `Patient/${a}` },
        performer: [{ reference: `Patient/${b}` }],
      }),
    );
  }
  await Promise.all(ids.slice(0, 2).map((id) => s.http.delete(`/fhir/Observation/${id}`)));
  const res = await s.http.get('/fhir/Observation?code=urn:test:counts|one&_total=accurate&_count=1');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.total, 3);
  const counted = await s.http.get('/fhir/Observation?code=urn:test:counts|one&_summary=count');
  assert.equal(counted.body.total, 3);
});
