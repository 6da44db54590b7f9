// Patient/$everything: a patient's whole record (their compartment and what it refers to), each resource once,
// filtered by start/end, _since and _type, paged without gaps or repeats while others write, and no more than
// the token may read. https://hl7.org/fhir/R4/patient-operation-everything.html
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle, Resource } from 'fhir/r4.js';
import { as, assertForbidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const refs = (b: Bundle) => (b.entry ?? []).map((e) => `${e.resource!.resourceType}/${e.resource!.id}`);
const ref = (r: string) => ({ reference: r });
const obs = (id: string, patient: string, when: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
  subject: ref(`Patient/${patient}`),
  effectiveDateTime: when,
  valueInteger: 4,
  ...extra,
});

/** Ann's record and what it refers to; Bob's, which must stay out of hers; a Practitioner nobody refers to. */
const RECORDS = [
  { resourceType: 'Organization', id: 'org1', name: 'Pain clinic' },
  { resourceType: 'Practitioner', id: 'pr1' },
  { resourceType: 'Practitioner', id: 'pr2' },
  { resourceType: 'Practitioner', id: 'pr3' },
  { resourceType: 'Location', id: 'loc1', name: 'Room 1' },
  { resourceType: 'Medication', id: 'med1', code: { text: 'pregabalin' } },
  { resourceType: 'Patient', id: 'ann', managingOrganization: ref('Organization/org1') },
  { resourceType: 'Patient', id: 'bob', generalPractitioner: [ref('Practitioner/pr2')] },
  { resourceType: 'Device', id: 'watch', patient: ref('Patient/ann') },
  {
    resourceType: 'Encounter',
    id: 'enc1',
    status: 'finished',
    class: { code: 'AMB' },
    subject: ref('Patient/ann'),
    period: { start: '2026-01-10T09:00:00Z', end: '2026-01-10T10:00:00Z' },
    location: [{ location: ref('Location/loc1') }],
  } as Resource,
  obs('jan', 'ann', '2026-01-10T09:30:00Z', { encounter: ref('Encounter/enc1') }),
  obs('mar', 'ann', '2026-03-05T08:00:00Z', { performer: [ref('Practitioner/pr1')], device: ref('Device/watch') }),
  obs('may', 'ann', '2026-05-20T08:00:00Z'),
  {
    resourceType: 'MedicationRequest',
    id: 'mr1',
    status: 'active',
    intent: 'order',
    subject: ref('Patient/ann'),
    medicationReference: ref('Medication/med1'),
    authoredOn: '2026-02-01',
  } as Resource,
  { resourceType: 'Condition', id: 'fibro', subject: ref('Patient/ann'), code: { text: 'fibromyalgia' } } as Resource,
  obs('bob1', 'bob', '2026-03-05T08:00:00Z', { performer: [ref('Practitioner/pr2')] }),
] as Resource[];

const ANN = [
  'Condition/fibro',
  'Device/watch',
  'Encounter/enc1',
  'Location/loc1',
  'Medication/med1',
  'MedicationRequest/mr1',
  'Observation/jan',
  'Observation/mar',
  'Observation/may',
  'Organization/org1',
  'Patient/ann',
  'Practitioner/pr1',
];

describe('Patient/$everything', () => {
  let s: TestServer;
  const get = async (path: string) => {
    const res = await s.http.get(`/fhir/${path}`);
    assert.equal(res.status, 200, res.text);
    return res.body as Bundle;
  };
  /** Follows next links to the end: every entry's reference, in order. */
  const allPages = async (path: string, between: (page: number) => Promise<void> = () => Promise.resolve()) => {
    const seen: string[] = [];
    let url: string | undefined = `/fhir/${path}`;
    for (let page = 0; url; page++) {
      const res = await s.http.get(url);
      assert.equal(res.status, 200, res.text);
      seen.push(...refs(res.body));
      url = (res.body as Bundle).link?.find((l) => l.relation === 'next')?.url?.replace('http://localhost:8080', '');
      await between(page);
    }
    return seen;
  };
  const put = async (r: Resource) => {
    const res = await s.http.put(`/fhir/${r.resourceType}/${r.id}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(r));
    assert.ok(res.status === 200 || res.status === 201, res.text);
    return res.body as Resource;
  };

  before(async () => {
    s = await startTestServer();
    for (const r of RECORDS) await put(r);
  });
  after(() => s.close());

  it('gives the Patient first, its compartment and what they refer to, each once, as a searchset with its total', async () => {
    const b = await get('Patient/ann/$everything');
    assert.equal(b.type, 'searchset');
    assert.equal(refs(b)[0], 'Patient/ann');
    assert.deepEqual([...refs(b)].sort(), ANN);
    assert.equal(b.total, ANN.length);
    assert.equal(
      b.link?.find((l) => l.relation === 'next'),
      undefined,
    );
    assert.equal(b.link?.find((l) => l.relation === 'self')?.url, 'http://localhost:8080/fhir/Patient/ann/$everything');
    assert.deepEqual([...refs(await get('Patient/bob/$everything'))].sort(), ['Observation/bob1', 'Patient/bob', 'Practitioner/pr2']);
  });

  it('start and end keep care in that range (and records with no clinical date), and only what those refer to', async () => {
    const b = await get('Patient/ann/$everything?start=2026-02-15&end=2026-04-30');
    // Out: January's encounter and observation (so Location/loc1), February's order (so Medication/med1), May.
    assert.deepEqual([...refs(b)].sort(), [
      'Condition/fibro',
      'Device/watch',
      'Observation/mar',
      'Organization/org1',
      'Patient/ann',
      'Practitioner/pr1',
    ]);
    const sinceMay = await get('Patient/ann/$everything?start=2026-05');
    assert.ok(refs(sinceMay).includes('Observation/may') && !refs(sinceMay).includes('Observation/mar'));
    const untilJan = await get('Patient/ann/$everything?end=2026-01-31');
    assert.ok(
      refs(untilJan).includes('Observation/jan') && refs(untilJan).includes('Location/loc1') && !refs(untilJan).includes('Observation/mar'),
    );
  });

  it('_since gives only what changed since; _type only those types (referenced ones too)', async () => {
    const mark = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 10));
    await put({ ...RECORDS.find((r) => r.id === 'may')!, valueInteger: 7 } as Resource);
    assert.deepEqual(refs(await get(`Patient/ann/$everything?_since=${encodeURIComponent(mark)}`)), ['Observation/may']);
    assert.deepEqual([...refs(await get('Patient/ann/$everything?_type=Observation,Practitioner'))].sort(), [
      'Observation/jan',
      'Observation/mar',
      'Observation/may',
      'Practitioner/pr1',
    ]);
    assert.deepEqual(refs(await get('Patient/ann/$everything?_type=Patient')), ['Patient/ann']);
  });

  it('POST takes the same inputs as a Parameters body', async () => {
    const res = await s.http
      .post('/fhir/Patient/ann/$everything')
      .set('Content-Type', FHIR_JSON)
      .send(
        JSON.stringify({
          resourceType: 'Parameters',
          parameter: [
            { name: '_type', valueCode: 'Observation' },
            { name: 'start', valueDate: '2026-03-01' },
            { name: '_count', valueInteger: 1 },
          ],
        }),
      );
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(refs(res.body), ['Observation/mar']);
    // The next page is a GET with the same inputs.
    const next = (res.body as Bundle).link!.find((l) => l.relation === 'next')!.url;
    assert.match(next, /_type=Observation/);
    assert.deepEqual(refs(await get(next.replace('http://localhost:8080/fhir/', ''))), ['Observation/may']);
    assert.equal((await s.http.post('/fhir/Patient/ann/$everything').send('')).status, 200);
  });

  it('pages with _count: every resource exactly once, even while the record is written to between pages', async () => {
    const before = (await get('Patient/ann/$everything?_count=1000')).entry!.length;
    let added = 0;
    const seen = await allPages('Patient/ann/$everything?_count=3', async (page) => {
      // New care, an update of what was given already, of what is still to come, and a new referenced Practitioner.
      await put(obs(`new${page}`, 'ann', '2026-06-01T08:00:00Z', { performer: [ref(`Practitioner/late${page}`)] }));
      await put({ resourceType: 'Practitioner', id: `late${page}` });
      added += 2;
      await put({ ...RECORDS.find((r) => r.id === (page % 2 === 0 ? 'jan' : 'fibro'))!, meta: undefined });
    });
    assert.equal(new Set(seen).size, seen.length, `no repeats: ${seen.join(' ')}`);
    for (const r of ANN) assert.ok(seen.includes(r), `${r} was not skipped`);
    assert.ok(seen.length >= before && seen.length <= before + added);
  });

  it("at type level, gives every patient's record in turn, pages included", async () => {
    const seen = await allPages('Patient/$everything?_count=4');
    assert.equal(new Set(seen).size, seen.length);
    for (const r of [...ANN, 'Patient/bob', 'Observation/bob1', 'Practitioner/pr2']) assert.ok(seen.includes(r), r);
    assert.ok(!seen.includes('Practitioner/pr3'), 'nobody refers to pr3');
  });

  it('refuses what it cannot answer with an OperationOutcome naming the problem', async () => {
    const cases: [string, number, RegExp][] = [
      ['Patient/nobody/$everything', 404, /nobody/],
      ['Patient/ann/$everything?start=2026-13-01', 400, /start/],
      ['Patient/ann/$everything?start=2026-05-01&end=2026-01-01', 400, /start is after end/],
      ['Patient/ann/$everything?_type=Nonsense', 400, /Nonsense/],
      ['Patient/ann/$everything?_count=many', 400, /_count/],
      ['Patient/ann/$everything?category=vital-signs', 400, /category/],
      ['Patient/ann/$everything?_cursor=bm9wZQ', 400, /cursor/],
      ['Patient/$everything?_cursor=bm9wZQ', 400, /cursor/],
    ];
    for (const [path, status, pattern] of cases) {
      const res = await s.http.get(`/fhir/${path}`);
      assert.equal(res.status, status, `${path}: ${res.text}`);
      assert.equal(res.body.resourceType, 'OperationOutcome');
      assert.match(res.body.issue[0].diagnostics, pattern, path);
    }
    const bad = await s.http
      .post('/fhir/Patient/ann/$everything')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Patient' }));
    assert.equal(bad.status, 400, bad.text);
    await s.http.delete('/fhir/Observation/bob1');
    await s.http.delete('/fhir/Patient/bob');
    assert.equal((await s.http.get('/fhir/Patient/bob/$everything')).status, 404);
  });

  it('is listed in the CapabilityStatement on Patient', async () => {
    const cap = await s.http.get('/fhir/metadata');
    const patient = cap.body.rest[0].resource.find((r: { type: string }) => r.type === 'Patient');
    assert.deepEqual(
      patient.operation.filter((o: { name: string }) => o.name === 'everything'),
      [{ name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' }],
    );
  });
});

describe('Patient/$everything under SMART', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.server.close());
  const everything = (a: Fixture['patientToken'] extends (...x: never[]) => Promise<infer T> ? T : never, path: string) =>
    as(f.server, a.access_token).get(path);

  it("a patient token gets its own record only; another patient's answers 404 as an unknown one", async () => {
    const alpha = await f.patientToken('a', 'patient/*.rs');
    // oa3 names Patient/b as performer: Patient/b itself stays out; ob2 (b's, focus a) is not in a's compartment.
    assert.deepEqual(ids(await everything(alpha, 'Patient/a/$everything')), [
      'Observation/oa1',
      'Observation/oa2',
      'Observation/oa3',
      'Patient/a',
    ]);
    const other = await everything(alpha, 'Patient/b/$everything');
    assert.equal(other.status, 404, other.text);
    assert.equal((await everything(alpha, 'Patient/zz/$everything')).status, 404);
    assert.deepEqual(ids(await everything(alpha, 'Patient/$everything')), [
      'Observation/oa1',
      'Observation/oa2',
      'Observation/oa3',
      'Patient/a',
    ]);
  });

  it('constrained scopes hold on every resource; too few scopes answer 403, no token 401', async () => {
    const vitals = await f.patientToken(
      'a',
      'patient/Patient.r patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs',
    );
    assert.deepEqual(ids(await everything(vitals, 'Patient/a/$everything')), ['Observation/oa1', 'Observation/oa3', 'Patient/a']);
    const noPatient = await f.patientToken('a', 'patient/Observation.rs');
    assertForbidden(await everything(noPatient, 'Patient/a/$everything'), /Patient/);
    const anon = await f.server.http.get('/fhir/Patient/a/$everything');
    assert.equal(anon.status, 401, anon.text);
    // A practitioner with user/ scopes sees any patient's record: b's holds oa3, which b performed (the definition's
    // performer), but not ob2's focus Patient/a.
    const doctor = await f.userToken('user/*.rs');
    assert.deepEqual(ids(await everything(doctor, 'Patient/b/$everything')), [
      'Observation/oa3',
      'Observation/ob1',
      'Observation/ob2',
      'Patient/b',
    ]);
  });

  it('the AuditEvent names the patient whose record was given', async () => {
    const alpha = await f.patientToken('a', 'patient/*.rs');
    assert.equal((await everything(alpha, 'Patient/a/$everything')).status, 200);
    const auditor = as(f.server, (await f.backendToken('system/AuditEvent.rs')).access_token);
    const res = await auditor.get('AuditEvent?patient=a&_count=1000');
    assert.equal(res.status, 200, res.text);
    const mine = (res.body as Bundle)
      .entry!.map(
        (e) => e.resource as { agent: { who?: { identifier?: { value?: string } } }[]; entity?: { what?: { reference?: string } }[] },
      )
      .filter((e) => e.agent.some((a) => a.who?.identifier?.value === alpha.registeredClientId));
    assert.equal(mine.length, 1);
    assert.ok(mine[0].entity?.some((e) => e.what?.reference === 'Patient/a'));
  });
});
