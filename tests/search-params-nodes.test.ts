// A SearchParameter created on one node is indexed and searchable on every node sharing the database: each node
// polls the SearchParameter generation (SEARCH_PARAM_POLL_MS) and reloads, and the reindex waits until they have,
// so a write on another node is neither missed by the job nor left unindexed. https://hl7.org/fhir/R4/searchparameter.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import request from 'supertest';
import { buildApp, type BuiltApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const MAIDEN = 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName';
const POLL = '200';
const searchParameter = {
  resourceType: 'SearchParameter',
  url: 'https://example.org/SearchParameter/Patient-maiden-nodes',
  name: 'maidenNodes',
  status: 'active',
  description: "The mother's maiden name",
  code: 'maiden-nodes',
  base: ['Patient'],
  type: 'string',
  expression: `Patient.extension('${MAIDEN}').value`,
};
const patient = (maiden: string) => ({ resourceType: 'Patient', extension: [{ url: MAIDEN, valueString: maiden }] });

let a: TestServer;
let b: BuiltApp;
let bHttp: ReturnType<typeof request>;

before(async () => {
  a = await startTestServer({ SEARCH_PARAM_POLL_MS: POLL });
  b = await buildApp(
    loadConfig({ DATABASE_URL: `${ROOT}/${a.database}`, BASE_URL: 'http://localhost:8080', AUTH_MODE: 'open', SEARCH_PARAM_POLL_MS: POLL }),
  );
  bHttp = request(b.app);
});
after(async () => {
  await b?.close();
  await a?.close();
});

const create = async (http: ReturnType<typeof request>, body: object) => {
  const res = await http
    .post(`/fhir/${(body as { resourceType: string }).resourceType}`)
    .set('Content-Type', FHIR_JSON)
    .send(body);
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
};

/** The ids a search finds once it is answered (400 while the parameter is unknown there or being indexed). */
async function idsWhenSearchable(http: ReturnType<typeof request>, query: string): Promise<string[]> {
  for (let i = 0; i < 150; i++) {
    const res = await http.get(`/fhir/${query}`);
    if (res.status === 200) return (res.body.entry ?? []).map((e: { resource: { id: string } }) => e.resource.id).sort();
    assert.equal(res.status, 400, res.text);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${query} was not searchable after 15 s`);
}

test('a SearchParameter created on node A is searchable on node B, and writes on B before and after are found', async () => {
  const before = await create(bHttp, patient('Smith'));
  await create(a.http, searchParameter);
  // Node B writes while the reindex on A has not started: B must already index with the new parameter, or the job
  // must still pass over this row.
  const during = await create(bHttp, patient('Smith'));
  const fromB = await idsWhenSearchable(bHttp, 'Patient?maiden-nodes=smith');
  assert.deepEqual(fromB, [before, during].sort());
  const afterwards = await create(bHttp, patient('Smith'));
  assert.deepEqual(await idsWhenSearchable(a.http, 'Patient?maiden-nodes=smith'), [before, during, afterwards].sort());
  assert.deepEqual(await idsWhenSearchable(bHttp, 'Patient?maiden-nodes=smith'), [before, during, afterwards].sort());
});

test('deleting it on node A makes it unknown on node B', async () => {
  const found = await a.http.get(`/fhir/SearchParameter?url=${encodeURIComponent(searchParameter.url)}`);
  const id = found.body.entry[0].resource.id;
  assert.equal((await a.http.delete(`/fhir/SearchParameter/${id}`)).status, 204);
  for (let i = 0; i < 50; i++) {
    const res = await bHttp.get('/fhir/Patient?maiden-nodes=smith');
    if (res.status === 400 && /Unknown search parameter/.test(res.text)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail('node B still knows the deleted parameter after 5 s');
});
