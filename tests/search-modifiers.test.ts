// Modifiers that need their own index rows: reference :identifier and token :of-type.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const ids: Record<string, string> = {};
const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const post = async (type: string, body: unknown) =>
  (await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body.id as string;
const found = async (query: string) => {
  const res = await s.http.get(`/fhir/${query}`);
  assert.equal(res.status, 200, res.text);
  return res.body.entry.map((e: { resource: { id: string } }) => e.resource.id).sort();
};

before(async () => {
  s = await startTestServer();
  ids.mr = await post('Patient', {
    resourceType: 'Patient',
    identifier: [{ type: { coding: [{ system: V2, code: 'MR' }] }, system: 'urn:mrn', value: '1001' }],
  });
  ids.ss = await post('Patient', {
    resourceType: 'Patient',
    identifier: [{ type: { coding: [{ system: V2, code: 'SS' }] }, system: 'urn:ssn', value: '1001' }],
  });
  ids.logical = await post('Observation', {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'pain' },
    subject: { identifier: { system: 'urn:mrn', value: '1001' } },
  });
  ids.literal = await post('Observation', {
    resourceType: 'Observation',
    status: 'final',
    code: { text: 'pain' },
    subject: { reference: `Patient/${ids.mr}` },
  });
});
after(async () => {
  await s.close();
});

test(':of-type matches the identifier type and value together', async () => {
  assert.deepEqual(await found(`Patient?identifier:of-type=${V2}|MR|1001`), [ids.mr]);
  assert.deepEqual(await found(`Patient?identifier:of-type=${V2}|SS|1001`), [ids.ss]);
  assert.deepEqual(await found(`Patient?identifier:of-type=${V2}|MR|9999`), []);
  const bad = await s.http.get('/fhir/Patient?identifier:of-type=MR|1001');
  assert.equal(bad.status, 400);
});

test(':identifier finds logical references, the plain parameter only literal ones', async () => {
  assert.deepEqual(await found('Observation?subject:identifier=urn:mrn|1001'), [ids.logical]);
  assert.deepEqual(await found(`Observation?subject=Patient/${ids.mr}`), [ids.literal]);
  assert.deepEqual(await found('Observation?subject:identifier=urn:ssn|1001'), []);
});
