// SearchParameters created at runtime are indexed over the data already stored by a reindex job (MySQL, with
// progress), searches with them are refused until it is done, changing or deleting one reindexes again, and
// $reindex starts the same job by hand. Only system/ scopes may do either. https://hl7.org/fhir/R4/searchparameter.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';
import { as, startFixture, type Fixture } from './resource-server-fixture.js';

type Json = Record<string, any>;
const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const MAIDEN = 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName';
const URL_SP = 'https://example.org/SearchParameter/Patient-mothers-maiden-name';

const searchParameter = (expression = `Patient.extension('${MAIDEN}').value`): Json => ({
  resourceType: 'SearchParameter',
  url: URL_SP,
  name: 'mothersMaidenName',
  status: 'active',
  description: "The mother's maiden name",
  code: 'mothers-maiden-name',
  base: ['Patient'],
  type: 'string',
  expression,
});

let s: TestServer;
const patients: Record<string, string> = {};
const post = (path: string, body: unknown) => s.http.post(`/fhir/${path}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));

async function ids(http: ReturnType<typeof request>, query: string): Promise<string[]> {
  const res = await http.get(`/fhir/${query}`);
  assert.equal(res.status, 200, `${query}: ${res.text}`);
  return (res.body.entry ?? []).map((e: Json) => e.resource.id).sort();
}

async function jobState(http: ReturnType<typeof request>, job: string): Promise<Record<string, unknown>> {
  const res = await http.get(`/fhir/$reindex/${job}`);
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries(res.body.parameter.map((p: Json) => [p.name, Object.entries(p).find(([k]) => k.startsWith('value'))![1]]));
}

async function untilEnded(http: ReturnType<typeof request>, job: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 300; i++) {
    const state = await jobState(http, job);
    if (state.state !== 'queued' && state.state !== 'running') return state;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`reindex job ${job} had not ended after 30 s`);
}

/** Holds every Patient row, so that a reindex of Patient cannot finish until `release`. */
async function holdPatients(database: string) {
  const conn = await mysql.createConnection(`${ROOT}/${database}`);
  await conn.beginTransaction();
  await conn.query(`SELECT pk FROM resource WHERE res_type = 'Patient' FOR UPDATE`);
  return {
    release: async () => {
      await conn.commit();
      await conn.end();
    },
  };
}

before(async () => {
  s = await startTestServer();
  for (const [name, maiden] of [
    ['smith', 'Smith'],
    ['jones', 'Jones'],
    ['none', undefined],
  ] as const) {
    const body = {
      resourceType: 'Patient',
      name: [{ family: name }],
      ...(maiden ? { extension: [{ url: MAIDEN, valueString: maiden }] } : {}),
    };
    const res = await post('Patient', body);
    assert.equal(res.status, 201, res.text);
    patients[name] = res.body.id;
  }
});
after(() => s.close());

test('a SearchParameter created at runtime is refused until its reindex is done, then finds the stored data', async () => {
  const unknown = await s.http.get('/fhir/Patient?mothers-maiden-name=smith');
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.issue[0].diagnostics, /Unknown search parameter 'mothers-maiden-name'/);

  const hold = await holdPatients(s.database);
  let job: string;
  try {
    const created = await post('SearchParameter', searchParameter());
    assert.equal(created.status, 201, created.text);
    const refused = await s.http.get('/fhir/Patient?mothers-maiden-name=smith');
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.body.issue[0].code, 'incomplete');
    assert.match(refused.body.issue[0].diagnostics, /'mothers-maiden-name' of Patient is being indexed/);
    job = /reindex job ([0-9a-f-]{36})/.exec(refused.body.issue[0].diagnostics)![1];
    const during = await jobState(s.http, job);
    assert.equal(during.type, 'Patient');
    assert.equal(during.total, 3);
    assert.ok(during.state === 'queued' || during.state === 'running');
  } finally {
    await hold.release();
  }
  const done = await untilEnded(s.http, job);
  assert.equal(done.state, 'done');
  assert.equal(done.processed, 3);
  assert.deepEqual(await ids(s.http, 'Patient?mothers-maiden-name=smi'), [patients.smith]);
  assert.deepEqual(await ids(s.http, 'Patient?mothers-maiden-name:exact=Jones'), [patients.jones]);
  assert.deepEqual(await ids(s.http, 'Patient?mothers-maiden-name:missing=true'), [patients.none]);
  // New writes are indexed by the write itself.
  const later = await post('Patient', { resourceType: 'Patient', extension: [{ url: MAIDEN, valueString: 'Smithers' }] });
  assert.deepEqual(await ids(s.http, 'Patient?mothers-maiden-name=smith'), [later.body.id, patients.smith].sort());
  const metadata = await s.http.get('/fhir/metadata');
  const patient = metadata.body.rest[0].resource.find((r: Json) => r.type === 'Patient');
  assert.ok(patient.searchParam.some((p: Json) => p.name === 'mothers-maiden-name' && p.definition === URL_SP && p.type === 'string'));
  await s.http.delete(`/fhir/Patient/${later.body.id}`);
});

test('changing the SearchParameter reindexes with the new expression; deleting it removes the parameter', async () => {
  const [{ id }] = (await s.http.get(`/fhir/SearchParameter?url=${encodeURIComponent(URL_SP)}`)).body.entry.map((e: Json) => e.resource);
  const changed = await s.http
    .put(`/fhir/SearchParameter/${id}`)
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify({ ...searchParameter('Patient.name.family'), id }));
  assert.equal(changed.status, 200, changed.text);
  for (let i = 0; i < 300; i++) {
    const res = await s.http.get('/fhir/Patient?mothers-maiden-name=jones');
    if (res.status === 200) break;
    assert.equal(res.body.issue[0].code, 'incomplete', res.text);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(await ids(s.http, 'Patient?mothers-maiden-name=none'), [patients.none]);
  assert.deepEqual(await ids(s.http, 'Patient?mothers-maiden-name=smith'), [patients.smith]);
  assert.equal((await s.http.delete(`/fhir/SearchParameter/${id}`)).status, 204);
  const gone = await s.http.get('/fhir/Patient?mothers-maiden-name=smith');
  assert.equal(gone.status, 400);
  assert.match(gone.body.issue[0].diagnostics, /Unknown search parameter/);
});

test('SearchParameters the server cannot index are refused with 422 naming the problem', async () => {
  const cases: [Json, RegExp][] = [
    [
      { ...searchParameter(), url: 'https://example.org/sp/a', code: 'family', expression: 'Patient.name.given' },
      /'family' of Patient is already defined by http:\/\/hl7.org/,
    ],
    [{ ...searchParameter(), url: 'https://example.org/sp/b', code: 'c2', type: 'composite' }, /type 'composite' cannot be indexed/],
    [
      { ...searchParameter(), url: 'https://example.org/sp/c', code: 'c3', expression: 'Patient.name.where(' },
      /does not compile as FHIRPath/,
    ],
    [
      { ...searchParameter(), url: 'https://example.org/sp/d', code: 'c4', base: ['Resource'] },
      /'Resource' is not an R4 resource type \(Resource and DomainResource are not accepted/,
    ],
    [
      { ...searchParameter(), url: 'https://example.org/sp/e', code: 'c5', expression: 'Observation.code' },
      /no part starting with 'Patient'/,
    ],
  ];
  for (const [body, message] of cases) {
    const res = await post('SearchParameter', body);
    assert.equal(res.status, 422, `${body.url}: ${res.text}`);
    assert.equal(res.body.resourceType, 'OperationOutcome');
    assert.match(res.body.issue[0].diagnostics, message);
  }
  // A draft one is stored but not searchable.
  assert.equal(
    (await post('SearchParameter', { ...searchParameter(), url: 'https://example.org/sp/f', code: 'drafted', status: 'draft' })).status,
    201,
  );
  assert.equal((await s.http.get('/fhir/Patient?drafted=x')).status, 400);
});

test('$reindex starts a job per type with a status URL; unknown types and jobs are refused', async () => {
  const started = await s.http.post('/fhir/Patient/$reindex');
  assert.equal(started.status, 202, started.text);
  const location = started.headers['content-location'];
  assert.match(location, /\/fhir\/\$reindex\/[0-9a-f-]{36}$/);
  const job = location.split('/').at(-1)!;
  const done = await untilEnded(s.http, job);
  assert.deepEqual([done.state, done.type, done.processed], ['done', 'Patient', 3]);
  const system = await post('$reindex', {
    resourceType: 'Parameters',
    parameter: [
      { name: 'type', valueCode: 'Patient' },
      { name: 'type', valueCode: 'Observation' },
    ],
  });
  assert.equal(system.status, 202, system.text);
  assert.deepEqual(
    system.body.parameter.map((p: Json) => p.part[0].valueCode),
    ['Patient', 'Observation'],
  );
  const bad = await post('$reindex', { resourceType: 'Parameters', parameter: [{ name: 'type', valueCode: 'Nothing' }] });
  assert.equal(bad.status, 400);
  assert.match(bad.body.issue[0].diagnostics, /'Nothing' is not a resource type/);
  const wrong = await post('$reindex', { resourceType: 'Parameters', parameter: [{ name: 'url', valueString: 'Patient?' }] });
  assert.equal(wrong.status, 400);
  const missing = await s.http.get('/fhir/$reindex/00000000-0000-0000-0000-000000000000');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.resourceType, 'OperationOutcome');
  // The operation's definition, which /metadata names, is published and resolves.
  const defined = await s.http.get('/fhir/OperationDefinition?url=https://fhir.fibrotrack.org/OperationDefinition/reindex');
  assert.equal(defined.body.entry?.[0]?.resource.code, 'reindex', defined.text);
});

test('a job whose server stopped resumes when another starts; a job that cannot finish is reported failed', async () => {
  await s.sql(`INSERT INTO reindex_job (id, res_type, state, reason, total, created_at, heartbeat_at)
    VALUES ('11111111-1111-1111-1111-111111111111', 'Patient', 'running', 'test', 3, NOW(3) - INTERVAL 1 HOUR, NOW(3) - INTERVAL 1 HOUR)`);
  const other = await buildApp(loadConfig({ DATABASE_URL: `${ROOT}/${s.database}`, BASE_URL: 'http://localhost:8080', AUTH_MODE: 'open' }));
  try {
    const resumed = await untilEnded(request(other.app), '11111111-1111-1111-1111-111111111111');
    assert.deepEqual([resumed.state, resumed.processed], ['done', 3]);
  } finally {
    await other.close();
  }
  // A stored resource the indexer cannot read fails the job; the status says why.
  await s.sql(
    `UPDATE resource_history h JOIN resource r ON r.pk = h.resource_pk AND r.version_id = h.version_id SET h.content = '{broken' WHERE r.res_type = 'Patient' AND r.res_id = ?`,
    [patients.none],
  );
  const started = await s.http.post('/fhir/Patient/$reindex');
  const failed = await untilEnded(s.http, started.headers['content-location'].split('/').at(-1)!);
  assert.equal(failed.state, 'failed');
  assert.match(String(failed.error), /JSON/);
});

let f: Fixture;
test('SearchParameter writes and $reindex need system/ scopes: user, patient and absent tokens are refused', async (t) => {
  f = await startFixture();
  t.after(() => f.server.close());
  const sp = { ...searchParameter(), url: 'https://example.org/sp/auth', code: 'maiden2' };
  const user = await f.userToken('user/*.cruds');
  const patient = await f.patientToken('p1', 'patient/*.cruds');
  const narrow = await f.backendToken('system/Patient.cruds');
  for (const token of [user.access_token, patient.access_token, narrow.access_token]) {
    const write = await as(f.server, token).post('SearchParameter', sp);
    assert.equal(write.status, 403, write.text);
    assert.equal(write.body.issue[0].code, 'forbidden');
    const reindex = await as(f.server, token).post('Patient/$reindex', undefined);
    assert.equal(reindex.status, 403, reindex.text);
  }
  assert.match(
    (await as(f.server, user.access_token).post('SearchParameter', sp)).body.issue[0].diagnostics,
    /needs a system\/ scope such as system\/SearchParameter/,
  );
  assert.equal((await f.server.http.post('/fhir/Patient/$reindex')).status, 401);
  assert.equal((await f.server.http.post('/fhir/SearchParameter').set('Content-Type', FHIR_JSON).send(JSON.stringify(sp))).status, 401);
  const admin = await f.backendToken('system/SearchParameter.cru');
  assert.equal((await as(f.server, admin.access_token).post('SearchParameter', sp)).status, 201);
  const started = await as(f.server, admin.access_token).post('Patient/$reindex', undefined);
  assert.equal(started.status, 202, started.text);
  assert.equal(
    (await as(f.server, admin.access_token).get(`$reindex/${started.headers['content-location'].split('/').at(-1)}`)).status,
    200,
  );
  assert.equal(
    (await as(f.server, narrow.access_token).get(`$reindex/${started.headers['content-location'].split('/').at(-1)}`)).status,
    403,
  );
});
