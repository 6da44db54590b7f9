// What the FHIR API answers without a token in AUTH_MODE=smart: discovery and the published definitions
// (read and plain search), never anything that could reach patient data.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';

const PAIN = 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-pain-severity';

describe('public requests', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer({ AUTH_MODE: 'smart' });
  });
  after(() => s.close());

  it('find and read our profiles by canonical URL without a token', async () => {
    const found = await s.http.get(`/fhir/StructureDefinition?url=${encodeURIComponent(PAIN)}`);
    assert.equal(found.status, 200, found.text);
    assert.equal(found.body.entry.length, 1);
    const id = found.body.entry[0].resource.id;
    const read = await s.http.get(`/fhir/StructureDefinition/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.url, PAIN);
    assert.equal((await s.http.get(`/fhir/StructureDefinition/${id}/_history`)).status, 200);
    assert.equal((await s.http.get('/fhir/ValueSet?url=https://fhir.fibrotrack.org/ValueSet/fibrotrack-pain-location')).status, 200);
  });

  it('refuse definition searches that chain, reverse-chain or include, and every other type or method', async () => {
    for (const path of [
      '/fhir/StructureDefinition?_has:Observation:subject:code=x',
      '/fhir/StructureDefinition?_revinclude=Provenance:target',
      '/fhir/StructureDefinition?_include=*',
      '/fhir/StructureDefinition?url:below=https://fhir.fibrotrack.org',
      '/fhir/StructureDefinition/$validate',
      '/fhir/Observation',
      '/fhir/Patient/1',
      '/fhir/_history',
    ]) {
      const res = await s.http.get(path);
      assert.equal(res.status, 401, `${path}: ${res.text}`);
      assert.equal(res.body.resourceType, 'OperationOutcome');
    }
    const write = await s.http
      .post('/fhir/StructureDefinition')
      .set('Content-Type', 'application/fhir+json')
      .send({ resourceType: 'StructureDefinition' });
    assert.equal(write.status, 401);
  });
});
