// The FibroTrack IG's own search parameters (profiles/generated: Observation body-site, MedicationStatement
// adherence) are searchable and listed in the CapabilityStatement; over data stored before the server knew them,
// searches are refused until the reindex that builds their rows is done. https://hl7.org/fhir/R4/searchparameter.html
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

type Json = Record<string, any>;
const EXAMPLES = new URL('../profiles/generated/examples/', import.meta.url);
const example = (name: string): Json => JSON.parse(readFileSync(new URL(`${name}.json`, EXAMPLES), 'utf8'));
const SNOMED = 'http://snomed.info/sct';
const LOWER_BACK = '37822005';
const LEFT_SHOULDER = '91775009';
const ADHERENCE = 'https://fhir.fibrotrack.org/CodeSystem/fibrotrack-adherence';

let s: TestServer;

const pain = (site: string): Json => {
  const { id: _id, ...body } = example('Observation-example-pain-severity');
  return { ...body, bodySite: { coding: [{ system: SNOMED, code: site }] } };
};
const medication = (code: string): Json => {
  const { id: _id, ...body } = example('MedicationStatement-example-medication-statement');
  return {
    ...body,
    extension: [
      {
        url: 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-adherence',
        valueCodeableConcept: { coding: [{ system: ADHERENCE, code }] },
      },
    ],
  };
};

async function ids(http: ReturnType<typeof request>, query: string): Promise<string[]> {
  const res = await http.get(`/fhir/${query}`);
  assert.equal(res.status, 200, `${query}: ${res.text}`);
  return (res.body.entry ?? []).map((e: Json) => e.resource.id).sort();
}

/** Polls `query` until it is no longer refused as still being indexed (generous bound: the jobs are tiny). */
async function whenIndexed(http: ReturnType<typeof request>, query: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const res = await http.get(`/fhir/${query}`);
    if (res.status !== 400 || res.body.issue?.[0]?.code !== 'incomplete') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${query} was still being indexed after 30 s`);
}

const created: Record<string, string> = {};

before(async () => {
  s = await startTestServer();
  const patient = example('Patient-example-patient');
  assert.equal(
    (await s.http.put('/fhir/Patient/example-patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient))).status,
    201,
  );
  for (const [name, body] of [
    ['back', pain(LOWER_BACK)],
    ['shoulder', pain(LEFT_SHOULDER)],
    ['taken', medication('taken')],
    ['missed', medication('not-taken')],
  ] as const) {
    const res = await s.http.post(`/fhir/${body.resourceType}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));
    assert.equal(res.status, 201, res.text);
    created[name] = res.body.id;
  }
});
after(() => s.close());

test('Observation body-site and MedicationStatement adherence find what the IG says they do', async () => {
  await whenIndexed(s.http, `Observation?body-site=${LOWER_BACK}`);
  assert.deepEqual(await ids(s.http, `Observation?body-site=${SNOMED}|${LOWER_BACK}`), [created.back]);
  assert.deepEqual(await ids(s.http, `Observation?body-site=${LEFT_SHOULDER},${LOWER_BACK}`), [created.back, created.shoulder].sort());
  assert.deepEqual(await ids(s.http, `Observation?body-site:not=${LOWER_BACK}&subject=Patient/example-patient`), [created.shoulder]);
  await whenIndexed(s.http, 'MedicationStatement?adherence=taken');
  assert.deepEqual(await ids(s.http, `MedicationStatement?adherence=${ADHERENCE}|taken`), [created.taken]);
  assert.deepEqual(await ids(s.http, 'MedicationStatement?adherence=not-taken'), [created.missed]);
});

test('the CapabilityStatement lists the IG parameters with their definitions', async () => {
  const res = await s.http.get('/fhir/metadata');
  assert.equal(res.status, 200);
  const resource = (type: string) => res.body.rest[0].resource.find((r: Json) => r.type === type);
  const bodySite = resource('Observation').searchParam.find((p: Json) => p.name === 'body-site');
  assert.deepEqual([bodySite?.type, bodySite?.definition], ['token', 'https://fhir.fibrotrack.org/SearchParameter/Observation-body-site']);
  assert.ok(resource('MedicationStatement').searchParam.some((p: Json) => p.name === 'adherence'));
});

test('over data stored before the server knew the parameters: refused with a clear 400 until the reindex is done, then complete', async () => {
  // As a database written by a server without runtime parameters: no body-site rows, no parameter state.
  await s.sql(`DELETE FROM idx_token WHERE res_type = 'Observation' AND param = 'body-site'`);
  await s.sql(`DELETE FROM search_param_state`);
  const blocker = await mysql.createConnection(`${process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${s.database}`);
  // Holding the Observations' rows keeps the reindex from finishing while the refusal is checked.
  await blocker.beginTransaction();
  await blocker.query(`SELECT pk FROM resource WHERE res_type = 'Observation' FOR UPDATE`);
  const restarted = await buildApp(
    loadConfig({
      DATABASE_URL: `${process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306'}/${s.database}`,
      BASE_URL: 'http://localhost:8080',
      AUTH_MODE: 'open',
    }),
  );
  const http = request(restarted.app);
  try {
    const refused = await http.get(`/fhir/Observation?body-site=${LOWER_BACK}`);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.resourceType, 'OperationOutcome');
    assert.equal(refused.body.issue[0].code, 'incomplete');
    assert.match(
      refused.body.issue[0].diagnostics,
      /Search parameter 'body-site' of Observation is being indexed .*reindex job [0-9a-f-]{36}/,
    );
    // Parameters not being reindexed still answer.
    assert.deepEqual(await ids(http, `Observation?_id=${created.back}`), [created.back]);
    const job = /reindex job ([0-9a-f-]{36})/.exec(refused.body.issue[0].diagnostics)![1];
    const status = await http.get(`/fhir/$reindex/${job}`);
    assert.equal(status.status, 200, status.text);
    const value = (name: string) => status.body.parameter.find((p: Json) => p.name === name);
    assert.deepEqual([value('type').valueCode, value('total').valueInteger], ['Observation', 2]);
    assert.ok(['queued', 'running'].includes(value('state').valueCode));
    await blocker.commit();
    await whenIndexed(http, `Observation?body-site=${LOWER_BACK}`);
    assert.deepEqual(await ids(http, `Observation?body-site=${LOWER_BACK}`), [created.back]);
    const done = await http.get(`/fhir/$reindex/${job}`);
    assert.deepEqual(
      ['state', 'processed'].map((n) => Object.values(done.body.parameter.find((p: Json) => p.name === n)).at(-1)),
      ['done', 2],
    );
  } finally {
    await blocker.rollback().catch(() => undefined);
    await blocker.end();
    await restarted.close();
  }
});
