// /metadata is generated from the route table: it lists every type and only interactions that answer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { handleFhirRequest } from '../server/src/fhir/router.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

test('lists all 146 R4 resource types with their interactions and search parameters', async () => {
  const res = await s.http.get('/fhir/metadata');
  assert.equal(res.status, 200);
  assert.equal(res.body.resourceType, 'CapabilityStatement');
  assert.equal(res.body.fhirVersion, '4.0.1');
  const resources = res.body.rest[0].resource;
  assert.equal(resources.length, 146);
  const obs = resources.find((r: { type: string }) => r.type === 'Observation');
  const codes = obs.interaction.map((i: { code: string }) => i.code).sort();
  assert.deepEqual(codes, ['create', 'delete', 'history-instance', 'history-type', 'patch', 'read', 'search-type', 'update', 'vread']);
  assert.ok(obs.searchParam.some((p: { name: string }) => p.name === 'patient'));
  assert.deepEqual(res.body.rest[0].interaction.map((i: { code: string }) => i.code).sort(), ['batch', 'history-system', 'transaction']);
});

test('every interaction it claims for a type answers something other than 404/405', async () => {
  const cap = (await s.http.get('/fhir/metadata')).body;
  const claimed = cap.rest[0].resource.find((r: { type: string }) => r.type === 'Basic').interaction.map((i: { code: string }) => i.code);
  const probe: Record<string, () => Promise<{ status: number }>> = {
    read: () => s.http.get('/fhir/Basic/x'),
    vread: () => s.http.get('/fhir/Basic/x/_history/1'),
    update: () =>
      s.http
        .put('/fhir/Basic/x')
        .set('Content-Type', 'application/fhir+json')
        .send('{"resourceType":"Basic","id":"x","code":{"text":"t"}}'),
    patch: () => s.http.patch('/fhir/Basic/x').set('Content-Type', 'application/json-patch+json').send('[]'),
    delete: () => s.http.delete('/fhir/Basic/y'),
    'history-instance': () => s.http.get('/fhir/Basic/x/_history'),
    'history-type': () => s.http.get('/fhir/Basic/_history'),
    create: () =>
      s.http.post('/fhir/Basic').set('Content-Type', 'application/fhir+json').send('{"resourceType":"Basic","code":{"text":"t"}}'),
    'search-type': () => s.http.get('/fhir/Basic'),
  };
  assert.equal((await probe.update()).status, 201);
  for (const code of claimed) {
    assert.ok(probe[code], `a probe exists for ${code}`);
    const res = await probe[code]();
    assert.ok(res.status < 400, `${code} answered ${res.status}`);
  }
});

test('is built once per server, not once per request; a runtime SearchParameter builds it again', async () => {
  // Each request runs with a context of its own (http/fhir-handler.ts, contextFor), as here.
  const ask = async () =>
    (await handleFhirRequest({ method: 'GET', path: 'metadata', query: new URLSearchParams(), headers: {} }, { ...s.built.ctx })).resource;
  const first = await ask();
  assert.equal(await ask(), first, 'the same statement, not one built again');
  const sp = {
    resourceType: 'SearchParameter',
    url: 'https://example.org/sp/capability-cache',
    name: 'CapabilityCache',
    status: 'active',
    description: 'x',
    code: 'capability-cache',
    base: ['Basic'],
    type: 'string',
    expression: 'Basic.code.text',
  };
  const created = await s.http.post('/fhir/SearchParameter').set('Content-Type', FHIR_JSON).send(sp);
  assert.equal(created.status, 201, created.text);
  const basic = (await s.http.get('/fhir/metadata')).body.rest[0].resource.find((r: { type: string }) => r.type === 'Basic');
  assert.ok(
    basic.searchParam.some((p: { name: string }) => p.name === 'capability-cache'),
    'listed once it is known',
  );
});
