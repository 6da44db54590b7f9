// Walks /metadata and exercises what it declares: every interaction, search parameter, include, revinclude and
// operation for a sample type answers without 4xx; a sample of what it does not declare answers 4xx.
// https://hl7.org/fhir/R4/http.html#capabilities https://hl7.org/fhir/R4/capabilitystatement.html
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';
import { as, startFixture } from './resource-server-fixture.js';

const SAMPLE_VALUE: Record<string, string> = {
  token: 'http://loinc.org|x',
  string: 'x',
  reference: 'Patient/x',
  date: 'ge2020-01-01',
  number: 'ge1',
  quantity: 'ge1',
  uri: 'http://example.org/x',
};

let s: TestServer;
let cap: CapabilityStatement;
let pat = '';
let obs = '';
const resourceOf = (type: string) => cap.rest![0].resource!.find((r) => r.type === type) as CapabilityStatementRestResource;
const ok = (what: string, res: { status: number; text: string }) =>
  assert.ok(res.status < 400, `${what}: ${res.status} ${res.text.slice(0, 300)}`);

before(async () => {
  s = await startTestServer();
  cap = (await s.http.get('/fhir/metadata')).body;
  pat = (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(patient()))).body.id;
  obs = (
    await s.http
      .post('/fhir/Observation')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify(painScore(`Patient/${pat}`, 4)))
  ).body.id;
});
after(async () => {
  await s.close();
});

describe('what /metadata declares works', () => {
  test('conditional read is declared and answers 304', async () => {
    assert.equal(resourceOf('Observation').conditionalRead, 'full-support');
    const read = await s.http.get(`/fhir/Observation/${obs}`);
    assert.equal((await s.http.get(`/fhir/Observation/${obs}`).set('If-None-Match', read.headers.etag)).status, 304);
    assert.equal(
      (await s.http.get(`/fhir/Observation/${obs}`).set('If-Modified-Since', new Date(Date.now() + 60_000).toUTCString())).status,
      304,
    );
  });
  test('every search parameter of Observation, and the system-level ones, are accepted', async () => {
    const params = resourceOf('Observation').searchParam!;
    assert.ok(params.length > 30);
    for (const p of params) {
      let value = SAMPLE_VALUE[p.type];
      if (p.type === 'composite')
        value = p.name.includes('quantity')
          ? 'http://loinc.org|x$ge1'
          : p.name.includes('date')
            ? 'http://loinc.org|x$ge2020'
            : 'http://loinc.org|x$http://loinc.org|y';
      if (p.name === '_id') value = 'x';
      ok(`Observation?${p.name}`, await s.http.get(`/fhir/Observation?${p.name}=${encodeURIComponent(value)}`));
    }
    const system = cap.rest![0].searchParam!.map((p) => p.name).sort();
    assert.deepEqual(system, ['_content', '_id', '_lastUpdated', '_profile', '_security', '_source', '_tag', '_text']);
    for (const name of system)
      ok(
        `Patient?${name}`,
        await s.http.get(`/fhir/Patient?${name}=${name === '_lastUpdated' ? 'ge2020' : name === '_id' ? 'x' : 'http://x'}`),
      );
  });
  test('every searchInclude of Observation and searchRevInclude of Patient works', async () => {
    const includes = resourceOf('Observation').searchInclude!;
    assert.ok(includes.includes('Observation:subject'));
    for (const inc of includes) ok(`_include=${inc}`, await s.http.get(`/fhir/Observation?_include=${encodeURIComponent(inc)}`));
    const revs = resourceOf('Patient').searchRevInclude!;
    assert.ok(revs.includes('Observation:subject') && revs.includes('Provenance:target'));
    const res = await s.http.get(`/fhir/Patient?_id=${pat}&_revinclude=Observation:subject`);
    assert.ok(res.body.entry.some((e: { search: { mode: string } }) => e.search.mode === 'include'));
    for (const rev of revs.slice(0, 40)) ok(`_revinclude=${rev}`, await s.http.get(`/fhir/Patient?_revinclude=${encodeURIComponent(rev)}`));
  });
  test('the operations declared on Observation and for every type answer', async () => {
    const names = resourceOf('Observation')
      .operation!.map((o) => o.name)
      .sort();
    assert.deepEqual(names, ['lastn', 'reindex', 'stats', 'validate']);
    assert.equal((await s.http.post('/fhir/Observation/$reindex')).status, 202);
    ok('$lastn', await s.http.get(`/fhir/Observation/$lastn?patient=${pat}&category=survey`));
    ok(
      '$validate',
      await s.http
        .post('/fhir/Observation/$validate')
        .set('Content-Type', FHIR_JSON)
        .send(JSON.stringify(painScore(`Patient/${pat}`, 1))),
    );
  });
  test('the system interactions answer', async () => {
    assert.deepEqual(cap.rest![0].interaction!.map((i) => i.code).sort(), ['batch', 'history-system', 'transaction']);
    ok('history-system', await s.http.get('/fhir/_history'));
    assert.deepEqual(
      cap.rest![0].operation!.map((o) => o.name),
      ['reindex', 'export'],
    );
    assert.equal((await s.http.post('/fhir/$reindex?type=Patient')).status, 202);
    assert.equal((await s.http.get('/fhir/$export?_type=Patient').set('Prefer', 'respond-async')).status, 202);
    for (const type of ['batch', 'transaction'])
      ok(
        type,
        await s.http
          .post('/fhir')
          .set('Content-Type', FHIR_JSON)
          .send(JSON.stringify({ resourceType: 'Bundle', type, entry: [] })),
      );
  });
  test('full-text search is declared: _content and _text, and :text among the modifiers a parameter takes', async () => {
    const params = new Map(resourceOf('Condition').searchParam!.map((p) => [p.name, p]));
    for (const name of ['_content', '_text']) assert.match(params.get(name)?.documentation ?? '', /Full-text/, name);
    assert.match(params.get('code')!.documentation!, /:text/);
    assert.match(resourceOf('Patient').searchParam!.find((p) => p.name === 'name')!.documentation!, /:exact, :contains, :text/);
    ok('_content', await s.http.get('/fhir/Condition?_content=hypertension'));
  });
  test('mode=terminology: the code systems held and the $expand parameters honoured', async () => {
    const tc = (await s.http.get('/fhir/metadata?mode=terminology')).body;
    assert.equal(tc.resourceType, 'TerminologyCapabilities');
    assert.ok(tc.codeSystem.some((c: { uri: string }) => c.uri === 'http://hl7.org/fhir/administrative-gender'));
    assert.equal(
      tc.codeSystem.some((c: { uri: string }) => c.uri === 'http://loinc.org'),
      false,
      'LOINC is not held',
    );
    for (const name of ['filter', 'count', 'offset'])
      assert.ok(
        tc.expansion.parameter.some((p: { name: string }) => p.name === name),
        name,
      );
    const page = await s.http.get('/fhir/ValueSet/$expand?url=http://hl7.org/fhir/ValueSet/administrative-gender&filter=fem&count=1');
    assert.deepEqual(
      page.body.expansion.contains.map((c: { code: string }) => c.code),
      ['female'],
    );
    assert.equal((await s.http.get('/fhir/metadata?mode=terminology&_elements=expansion')).body.codeSystem, undefined);
  });
  test('_summary=true and mode= are honoured', async () => {
    const full = await s.http.get('/fhir/metadata');
    const summary = await s.http.get('/fhir/metadata?_summary=true');
    assert.equal(summary.status, 200);
    assert.equal(summary.body.fhirVersion, '4.0.1');
    assert.ok(summary.text.length < full.text.length / 2, `${summary.text.length} vs ${full.text.length}`);
    assert.equal((await s.http.get('/fhir/metadata?_elements=fhirVersion')).body.rest, undefined);
    assert.equal((await s.http.get('/fhir/metadata?mode=normative')).status, 200);
    const terminology = await s.http.get('/fhir/metadata?mode=terminology');
    assert.equal(terminology.status, 200);
    assert.equal(terminology.body.resourceType, 'TerminologyCapabilities');
    assert.equal((await s.http.get('/fhir/metadata?mode=banana')).status, 400);
    assert.equal((await s.http.get('/fhir/metadata')).text, full.text, 'shaping leaves the statement as it was');
  });
});

describe('what it does not declare is refused', () => {
  test('undeclared parameters, includes and operations are 4xx', async () => {
    const declared = new Set(resourceOf('Observation').searchParam!.map((p) => p.name));
    assert.equal(declared.has('banana'), false);
    assert.equal((await s.http.get('/fhir/Observation?banana=x')).status, 400);
    assert.equal((await s.http.get('/fhir/Observation?_include=Observation:code')).status, 400);
    assert.equal((await s.http.get('/fhir/Patient/$lastn')).status, 404);
    assert.equal((await s.http.get('/fhir/Observation/$everything')).status, 404);
  });
  test('under SMART, AuditEvent declares only what a token may do, and a write is 403', async () => {
    const f = await startFixture();
    try {
      const smartCap = (await f.server.http.get('/fhir/metadata')).body as CapabilityStatement;
      const audit = smartCap.rest![0].resource!.find((r) => r.type === 'AuditEvent')!;
      assert.deepEqual(audit.interaction!.map((i) => i.code).sort(), ['history-instance', 'history-type', 'read', 'search-type', 'vread']);
      assert.equal(audit.conditionalDelete, 'not-supported');
      const res = await as(f.server, f.system).post('AuditEvent', JSON.stringify({ resourceType: 'AuditEvent' }));
      assert.equal(res.status, 403);
      const observation = smartCap.rest![0].resource!.find((r) => r.type === 'Observation')!;
      assert.ok(observation.interaction!.some((i) => i.code === 'create'));
    } finally {
      await f.server.close();
    }
  });
});
