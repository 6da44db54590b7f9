// Prefer: handling=lenient on create, update and Bundle entries: known-imperfect legacy data (here exactly the six
// official R4 examples that break R4's own reference targets, cardinalities and invariants) is stored, tagged, with
// its issues answered as warnings and recorded in the AuditEvent; allowed only to system/ tokens under SMART (and in
// AUTH_MODE=open, which has no tokens); without the Prefer it is refused as ever. https://hl7.org/fhir/R4/http.html#ops
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent, Bundle, Coding, OperationOutcome } from 'fhir/r4.js';
import { LENIENT_DETAIL } from '../server/src/audit/audit-event.js';
import { LENIENT_TAG } from '../server/src/fhir/lenient-writes.js';
import { DEFECTIVE_EXAMPLES, readExample } from './support/official-examples.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';
import { as, assertForbidden, startFixture, type Fixture } from './resource-server-fixture.js';

const SIX = [
  'DeviceMetric-example.json',
  'DeviceUseStatement-example.json',
  'MedicationRequest-medrx0301.json',
  'Observation-clinical-gender.json',
  'Questionnaire-bb.json',
  'Questionnaire-qs1.json',
];
type Res = { resourceType: string; id: string; meta?: { tag?: Coding[]; versionId?: string; lastUpdated?: string } };
const LENIENT = 'handling=lenient';
const isLenientTag = (t: Coding) => t.system === LENIENT_TAG.system && t.code === LENIENT_TAG.code;
const withoutMeta = ({ meta: _m, ...rest }: Res) => rest;

describe('AUTH_MODE=open', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(async () => {
    await s.close();
  });
  const put = (r: Res, prefer?: string) => {
    const req = s.http.put(`/fhir/${r.resourceType}/${r.id}`).set('Content-Type', FHIR_JSON);
    return (prefer ? req.set('Prefer', prefer) : req).send(JSON.stringify(r));
  };

  test('the six defective examples are refused without the Prefer', async () => {
    for (const file of SIX) {
      assert.ok(DEFECTIVE_EXAMPLES[file], file);
      const res = await put(readExample<Res>(file));
      assert.equal(res.status, 400, `${file}: ${res.text}`);
      assert.equal((await s.http.get(`/fhir/${readExample<Res>(file).resourceType}/${readExample<Res>(file).id}`)).status, 404);
    }
  });

  test('under handling=lenient each is stored, tagged, and its issues come back as warnings', async () => {
    for (const file of SIX) {
      const original = readExample<Res>(file);
      const refused = (await put(original)).body as OperationOutcome;
      const res = await put(original, `${LENIENT}, return=OperationOutcome`);
      assert.equal(res.status, 201, `${file}: ${res.text}`);
      const oo = res.body as OperationOutcome;
      assert.equal(oo.issue[0].severity, 'information');
      const warnings = oo.issue.slice(1);
      assert.ok(warnings.length > 0, file);
      assert.ok(
        warnings.every((i) => i.severity === 'warning'),
        file,
      );
      // The same issues the strict write was refused for.
      assert.deepEqual(
        warnings.map((i) => i.diagnostics),
        refused.issue.map((i) => i.diagnostics),
        file,
      );
      const read = await s.http.get(`/fhir/${original.resourceType}/${original.id}`);
      assert.equal(read.status, 200);
      const stored = read.body as Res;
      assert.ok(stored.meta?.tag?.some(isLenientTag), `${file} carries the lenient tag`);
      assert.deepEqual(withoutMeta(stored), withoutMeta(original), `${file} is stored as sent`);
    }
    const tagged = await s.http.get(`/fhir/Questionnaire?_tag=${encodeURIComponent(`${LENIENT_TAG.system}|lenient`)}`);
    assert.deepEqual((tagged.body as Bundle).entry?.map((e) => e.resource?.id).sort(), ['bb', 'qs1']);
  });

  test('a lenient create answers the stored resource, and POST entries of a transaction carry their warnings', async () => {
    const created = await s.http
      .post('/fhir/Observation')
      .set('Content-Type', FHIR_JSON)
      .set('Prefer', LENIENT)
      .send(JSON.stringify(readExample('Observation-clinical-gender.json')));
    assert.equal(created.status, 201, created.text);
    assert.ok((created.body as Res).meta?.tag?.some(isLenientTag));
    const entry = SIX.map((f) => readExample<Res>(f)).map((r) => ({
      resource: { ...r, id: undefined },
      request: { method: 'POST', url: r.resourceType },
    }));
    const tx = await s.http
      .post('/fhir')
      .set('Content-Type', FHIR_JSON)
      .set('Prefer', LENIENT)
      .send(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }));
    assert.equal(tx.status, 200, tx.text);
    for (const e of (tx.body as Bundle).entry!) {
      assert.equal(e.response?.status, '201 Created');
      assert.ok((e.response?.outcome as OperationOutcome).issue.every((i) => i.severity === 'warning'));
    }
    const strict = await s.http
      .post('/fhir')
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }));
    assert.equal(strict.status, 400);
  });

  test('a value of the wrong datatype is refused even under handling=lenient', async () => {
    const bad = { ...readExample<Res>('Observation-clinical-gender.json'), id: 'wrongtype', valueQuantity: { value: 'twelve' } };
    const res = await put(bad, LENIENT);
    assert.equal(res.status, 400, res.text);
    assert.match((res.body as OperationOutcome).issue[0].diagnostics ?? '', /not values of the wrong datatype/);
    assert.equal((await s.http.get('/fhir/Observation/wrongtype')).status, 404);
  });
});

describe('AUTH_MODE=smart', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(async () => {
    await f.server.close();
  });

  test('a user token is refused 403 naming the system/ scope it needs; nothing is stored', async () => {
    const user = as(f.server, (await f.userToken('user/*.cruds')).access_token);
    const r = readExample<Res>('DeviceMetric-example.json');
    const res = await user.put(`${r.resourceType}/${r.id}`, JSON.stringify(r)).set('Prefer', LENIENT);
    assertForbidden(res, /handling=lenient .* system\/DeviceMetric\.u/);
    assert.equal((await as(f.server, f.system).get(`${r.resourceType}/${r.id}`)).status, 404);
    // A system/ token allowed to read only is refused too (by its scopes, before any validation).
    const reader = as(f.server, (await f.backendToken('system/*.rs')).access_token);
    assert.equal((await reader.put(`${r.resourceType}/${r.id}`, JSON.stringify(r)).set('Prefer', LENIENT)).status, 403);
  });

  test('a system/ token stores all six; the AuditEvent of each write lists its issues', async () => {
    const migrator = await f.backendToken('system/*.cruds');
    const client = as(f.server, migrator.access_token);
    for (const file of SIX) {
      const r = readExample<Res>(file);
      assert.equal((await client.put(`${r.resourceType}/${r.id}`, JSON.stringify(r))).status, 400, file);
      const res = await client.put(`${r.resourceType}/${r.id}`, JSON.stringify(r)).set('Prefer', LENIENT);
      assert.equal(res.status, 201, `${file}: ${res.text}`);
      assert.ok((res.body as Res).meta?.tag?.some(isLenientTag));
    }
    const auditor = as(f.server, (await f.backendToken('system/AuditEvent.rs')).access_token);
    for (const file of SIX) {
      const r = readExample<Res>(file);
      const found = await auditor.get(`AuditEvent?entity=${r.resourceType}/${r.id}&_count=100`);
      const events = ((found.body as Bundle).entry ?? []).map((e) => e.resource as AuditEvent);
      const written = events.filter((e) => e.subtype?.some((c) => c.code === 'update') && e.outcome === '0');
      assert.equal(written.length, 1, file);
      const entity = written[0].entity?.find((e) => e.what?.reference === `${r.resourceType}/${r.id}`);
      const details = entity?.detail?.filter((d) => d.type === LENIENT_DETAIL) ?? [];
      assert.ok(details.length > 0, `${file}: the AuditEvent records the issues`);
      assert.ok(details.every((d) => (d.valueString ?? '').length > 0));
    }
  });
});
