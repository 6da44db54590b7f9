// Searches scoped to a patient read compartment-scoped index rows; results must be what the criteria say,
// whichever patients a resource refers to and through which parameter. https://hl7.org/fhir/R4/compartmentdefinition-patient.html
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { FHIR_JSON, startTestServer, type TestServer } from '../../../../../tests/support/test-server.js';

let s: TestServer;
const id: Record<string, string> = {};
const label = new Map<string, string>();
const X = 'http://loinc.org|72514-3';

const post = async (name: string, body: Record<string, unknown>) => {
  const res = await s.http
    .post(`/fhir/${String(body.resourceType)}`)
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify(body));
  assert.equal(res.status, 201, res.text);
  id[name] = res.body.id;
  label.set(res.body.id, name);
  return res.body;
};
const obs = (code: string, extra: Record<string, unknown>) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code }] },
  effectiveDateTime: '2026-11-01T08:00:00Z',
  valueQuantity: { value: 5 },
  ...extra,
});
const names = async (path: string) => {
  const res = await s.http.get(`/fhir/${path.replace(/\{(\w+)\}/g, (_m, k: string) => id[k])}`);
  assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
  return (res.body.entry ?? [])
    .map((e: { resource: { id: string } }) => label.get(e.resource.id))
    .sort()
    .join(',');
};

before(async () => {
  s = await startTestServer();
  await post('ann', { resourceType: 'Patient', name: [{ family: 'Ann' }] });
  await post('bob', { resourceType: 'Patient', name: [{ family: 'Bob' }] });
  await post('group', { resourceType: 'Group', type: 'person', actual: true, member: [{ entity: { reference: `Patient/${id.ann}` } }] });
  await post('annByBob', obs('72514-3', { subject: { reference: `Patient/${id.ann}` }, performer: [{ reference: `Patient/${id.bob}` }] }));
  await post(
    'bobs',
    obs('72514-3', { subject: { reference: `Patient/${id.bob}` }, effectiveDateTime: '2026-10-01T08:00:00Z', valueQuantity: { value: 9 } }),
  );
  await post('groups', obs('72514-3', { subject: { reference: `Group/${id.group}` } }));
  await post('annOther', obs('8867-4', { subject: { reference: `Patient/${id.ann}` } }));
});
after(async () => {
  await s.close();
});

test('patient= and subject=Patient/ match the subject only, not other compartment links', async () => {
  assert.equal(await names(`Observation?patient={ann}&code=${X}`), 'annByBob');
  assert.equal(await names(`Observation?patient={bob}&code=${X}`), 'bobs');
  assert.equal(await names(`Observation?subject=Patient/{bob}&code=${X}`), 'bobs');
  assert.equal(await names(`Observation?subject={bob}&code=${X}`), 'bobs');
  assert.equal(await names(`Observation?subject:Patient={bob}&code=${X}`), 'bobs');
  assert.equal(await names(`Observation?performer=Patient/{bob}&code=${X}`), 'annByBob');
  assert.equal(await names(`Observation?patient={ann},{bob}&code=${X}`), 'annByBob,bobs');
  assert.equal(await names(`Observation?subject=Group/{group}&code=${X}`), 'groups');
});

test('compartment search includes every compartment parameter (Observation: subject and performer)', async () => {
  assert.equal(await names(`Patient/{bob}/Observation?code=${X}`), 'annByBob,bobs');
  assert.equal(await names(`Patient/{ann}/Observation?code=${X}`), 'annByBob');
  assert.equal(await names('Patient/{ann}/Observation'), 'annByBob,annOther');
  assert.equal(await names(`Patient/{ann}/Observation?code:not=${X}`), 'annOther');
  assert.equal(await names('Patient/{bob}/Observation?date=ge2026-10-15&value-quantity=5'), 'annByBob');
});

test('chains through the subject to a Patient, and date and quantity criteria, stay exact', async () => {
  assert.equal(await names(`Observation?subject:Patient.name=bob&code=${X}`), 'bobs');
  assert.equal(await names(`Observation?subject:Patient.name=ann&code=${X}`), 'annByBob');
  assert.equal(await names('Observation?patient={bob}&date=lt2026-10-02&value-quantity=gt8'), 'bobs');
  assert.equal(await names('Observation?patient={ann}&date=lt2026-10-02'), '');
});

test('$lastn counts a resource in two compartments once', async () => {
  await post('annEarlier', obs('72514-3', { subject: { reference: `Patient/${id.ann}` }, effectiveDateTime: '2026-10-20T08:00:00Z' }));
  const res = await s.http.get(`/fhir/Observation/$lastn?patient=${id.ann}&code=${X}&max=2`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(
    res.body.entry.map((e: { resource: { id: string } }) => label.get(e.resource.id)),
    ['annByBob', 'annEarlier'],
  );
});

test('an update moves every copy of the rows to the new compartments', async () => {
  const current = (await s.http.get(`/fhir/Observation/${id.annByBob}`)).body;
  const res = await s.http
    .put(`/fhir/Observation/${id.annByBob}`)
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify({ ...current, subject: { reference: `Patient/${id.bob}` }, performer: undefined }));
  assert.equal(res.status, 200, res.text);
  assert.equal(await names(`Observation?patient={ann}&code=${X}`), 'annEarlier');
  assert.equal(await names(`Patient/{ann}/Observation?code=${X}`), 'annEarlier');
  assert.equal(await names(`Observation?patient={bob}&code=${X}`), 'annByBob,bobs');
  const copies = await s.sql<{ compartment: string }[]>(
    'SELECT DISTINCT compartment FROM idx_token i JOIN resource r ON r.pk = i.resource_pk WHERE r.res_id = ?',
    [id.annByBob],
  );
  assert.deepEqual(
    copies.map((c) => c.compartment),
    [id.bob],
  );
});
