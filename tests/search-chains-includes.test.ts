// Chained and reverse-chained parameters, compartment search, _include and _revinclude.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
const ids: Record<string, string> = {};
const post = async (type: string, body: unknown) =>
  (await s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body.id as string;
const search = async (path: string) => {
  const res = await s.http.get(`/fhir/${path}`);
  assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 300)}`);
  const entries = res.body.entry as { resource: { resourceType: string; id: string }; search: { mode: string } }[];
  const ref = (e: (typeof entries)[number]) => `${e.resource.resourceType}/${e.resource.id}`;
  return {
    matches: entries
      .filter((e) => e.search.mode === 'match')
      .map(ref)
      .sort(),
    included: entries
      .filter((e) => e.search.mode === 'include')
      .map(ref)
      .sort(),
  };
};

before(async () => {
  s = await startTestServer();
  ids.acme = await post('Organization', { resourceType: 'Organization', name: 'Acme Pain Clinic' });
  ids.other = await post('Organization', { resourceType: 'Organization', name: 'Other Hospital' });
  ids.ann = await post('Patient', patient({ name: [{ family: 'Ann' }], managingOrganization: { reference: `Organization/${ids.acme}` } }));
  ids.bob = await post('Patient', patient({ name: [{ family: 'Bob' }], managingOrganization: { reference: `Organization/${ids.other}` } }));
  ids.annPain = await post('Observation', painScore(`Patient/${ids.ann}`, 8));
  ids.bobPain = await post('Observation', painScore(`Patient/${ids.bob}`, 2));
  ids.prov = await post('Provenance', {
    resourceType: 'Provenance',
    target: [{ reference: `Observation/${ids.annPain}` }],
    recorded: '2026-11-01T08:00:00Z',
    agent: [{ who: { reference: `Patient/${ids.ann}` } }],
  });
});
after(async () => {
  await s.close();
});

describe('chaining', () => {
  test('one level, with and without the target type', async () => {
    assert.deepEqual((await search('Observation?subject:Patient.name=ann')).matches, [`Observation/${ids.annPain}`]);
    assert.deepEqual((await search('Observation?subject.family=bob')).matches, [`Observation/${ids.bobPain}`]);
  });

  test('two levels: observations of patients managed by Acme', async () => {
    assert.deepEqual((await search('Observation?patient.organization.name=acme')).matches, [`Observation/${ids.annPain}`]);
    assert.deepEqual((await search('Observation?patient.organization.name=nobody')).matches, []);
  });

  test('an unknown parameter in a chain is 400', async () => {
    const res = await s.http.get('/fhir/Observation?subject.nonsense=1');
    assert.equal(res.status, 400);
    assert.deepEqual(res.body.issue[0].expression, ['subject.nonsense']);
  });
});

describe('_has', () => {
  test('patients with a pain score above 5', async () => {
    assert.deepEqual((await search('Patient?_has:Observation:patient:value-quantity=gt5')).matches, [`Patient/${ids.ann}`]);
  });

  test('nested: organizations whose patients have an observation with a Provenance', async () => {
    const found = await search(
      'Organization?_has:Patient:organization:_has:Observation:patient:_has:Provenance:target:agent=Patient/' + ids.ann,
    );
    assert.deepEqual(found.matches, [`Organization/${ids.acme}`]);
  });
});

describe('compartments', () => {
  test("Patient/[id]/Observation finds only that patient's observations, with further criteria", async () => {
    assert.deepEqual((await search(`Patient/${ids.ann}/Observation`)).matches, [`Observation/${ids.annPain}`]);
    assert.deepEqual((await search(`Patient/${ids.bob}/Observation?value-quantity=gt5`)).matches, []);
  });

  test('types outside the compartment, and non-compartments, are 400', async () => {
    assert.equal((await s.http.get(`/fhir/Patient/${ids.ann}/Organization`)).status, 400);
    assert.equal((await s.http.get(`/fhir/Observation/${ids.annPain}/Patient`)).status, 400);
    assert.equal((await s.http.post(`/fhir/Patient/${ids.ann}/Observation`)).status, 405);
  });
});

describe('_include and _revinclude', () => {
  test('_include adds the referenced patient once, marked include', async () => {
    const found = await search(`Observation?code=72514-3&_include=Observation:subject`);
    assert.deepEqual(found.matches, [`Observation/${ids.annPain}`, `Observation/${ids.bobPain}`].sort());
    assert.deepEqual(found.included, [`Patient/${ids.ann}`, `Patient/${ids.bob}`].sort());
  });

  test('a target type narrows _include; * follows every reference', async () => {
    assert.deepEqual((await search(`Observation?_id=${ids.annPain}&_include=Observation:subject:Group`)).included, []);
    assert.deepEqual((await search(`Patient?_id=${ids.ann}&_include=Patient:*`)).included, [`Organization/${ids.acme}`]);
  });

  test('_revinclude adds what refers to the matches; :iterate continues from the included', async () => {
    assert.deepEqual((await search(`Observation?_id=${ids.annPain}&_revinclude=Provenance:target`)).included, [`Provenance/${ids.prov}`]);
    const iterated = await search(`Patient?_id=${ids.ann}&_revinclude=Observation:subject&_revinclude:iterate=Provenance:target`);
    assert.deepEqual(iterated.included, [`Observation/${ids.annPain}`, `Provenance/${ids.prov}`].sort());
  });

  test('malformed includes are 400', async () => {
    assert.equal((await s.http.get('/fhir/Observation?_include=Observation:code')).status, 400);
    assert.equal((await s.http.get('/fhir/Observation?_include=Nope:subject')).status, 400);
  });
});

// `patient` (subject restricted to Patients) and Condition's compartment parameter `patient` have no rows of their
// own (definitions/derived-params.ts): every way of asking reads the subject rows that point at a Patient.
describe('derived parameters', () => {
  let groupPain: string;
  let annCondition: string;
  before(async () => {
    const group = await post('Group', {
      resourceType: 'Group',
      type: 'person',
      actual: true,
      member: [{ entity: { reference: `Patient/${ids.ann}` } }],
    });
    groupPain = await post('Observation', painScore(`Group/${group}`, 9));
    annCondition = await post('Condition', {
      resourceType: 'Condition',
      subject: { reference: `Patient/${ids.ann}` },
      code: { text: 'fibromyalgia' },
    });
  });

  test('patient matches, includes and revincludes only references to a Patient', async () => {
    assert.deepEqual((await search(`Observation?patient=${ids.ann}`)).matches, [`Observation/${ids.annPain}`]);
    assert.deepEqual((await search(`Observation?patient:missing=true&code=72514-3`)).matches, [`Observation/${groupPain}`]);
    const withPatients = await search(`Observation?code=72514-3&_include=Observation:patient`);
    assert.deepEqual(withPatients.included, [`Patient/${ids.ann}`, `Patient/${ids.bob}`].sort());
    const rev = await search(`Patient?_id=${ids.ann}&_revinclude=Observation:patient&_revinclude=Condition:patient`);
    assert.deepEqual(rev.included, [`Condition/${annCondition}`, `Observation/${ids.annPain}`].sort());
  });

  test('a compartment whose parameter is derived (Condition: patient), and sorting on a derived parameter', async () => {
    assert.deepEqual((await search(`Patient/${ids.ann}/Condition`)).matches, [`Condition/${annCondition}`]);
    assert.deepEqual((await search(`Patient/${ids.bob}/Condition`)).matches, []);
    const sorted = await s.http.get(`/fhir/Observation?code=72514-3&_sort=-patient&_count=3`);
    const order = sorted.body.entry.map((e: { resource: { subject: { reference: string } } }) => e.resource.subject.reference);
    const patients = [`Patient/${ids.ann}`, `Patient/${ids.bob}`].sort().reverse();
    // highest patient id first; the Group's Observation has no patient, so it sorts last
    assert.deepEqual(order, [...patients, order[2]]);
    assert.match(order[2], /^Group\//);
  });
});
