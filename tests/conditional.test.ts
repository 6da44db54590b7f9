// Conditional create, update and delete matching on identifier, _id, patient/subject and code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { painScore, patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer();
});
after(async () => {
  await s.close();
});

const post = (type: string, body: unknown, ifNoneExist?: string) => {
  const r = s.http.post(`/fhir/${type}`).set('Content-Type', FHIR_JSON);
  if (ifNoneExist) r.set('If-None-Exist', ifNoneExist);
  return r.send(JSON.stringify(body));
};
const mrn = (value: string) => patient({ identifier: [{ system: 'http://example.org/mrn', value }] });

describe('conditional create (If-None-Exist)', () => {
  test('creates when nothing matches, returns the match with 200 when one does, 412 when several do', async () => {
    const first = await post('Patient', mrn('C1'), 'identifier=http://example.org/mrn|C1');
    assert.equal(first.status, 201);
    const again = await post('Patient', mrn('C1'), 'identifier=http://example.org/mrn|C1');
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    await post('Patient', mrn('DUP'));
    await post('Patient', mrn('DUP'));
    const several = await post('Patient', mrn('DUP'), 'identifier=http://example.org/mrn|DUP');
    assert.equal(several.status, 412);
    assert.equal(several.body.resourceType, 'OperationOutcome');
  });

  test('matches on _id, patient, subject and code', async () => {
    const p = (await post('Patient', mrn('P-OBS'))).body;
    const obs = (await post('Observation', painScore(`Patient/${p.id}`, 4))).body;
    for (const criteria of [
      `_id=${obs.id}`,
      `patient=Patient/${p.id}`,
      `subject=Patient/${p.id}`,
      `patient=${p.id}&code=http://loinc.org|72514-3`,
      `code=72514-3&subject=${p.id}`,
    ]) {
      const res = await post('Observation', painScore(`Patient/${p.id}`, 9), criteria);
      assert.equal(res.status, 200, `criteria ${criteria} finds the existing Observation`);
      assert.equal(res.body.id, obs.id);
    }
    const other = await post('Observation', painScore(`Patient/${p.id}`, 9), `code=http://loinc.org|8867-4&subject=${p.id}`);
    assert.equal(other.status, 201);
  });

  test('unknown parameters in the criteria are refused with 400 naming them', async () => {
    const res = await post('Patient', mrn('X'), 'identifer=http://example.org/mrn|X');
    assert.equal(res.status, 400);
    assert.match(res.body.issue[0].diagnostics, /identifer/);
    assert.deepEqual(res.body.issue[0].expression, ['identifer']);
  });
});

describe('conditional update', () => {
  const putWhere = (criteria: string, body: unknown) =>
    s.http.put(`/fhir/Patient?${criteria}`).set('Content-Type', FHIR_JSON).send(JSON.stringify(body));

  test('creates when nothing matches, updates the single match, refuses several', async () => {
    const created = await putWhere('identifier=http://example.org/mrn|U1', mrn('U1'));
    assert.equal(created.status, 201);
    const updated = await putWhere('identifier=http://example.org/mrn|U1', { ...mrn('U1'), gender: 'male' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.id, created.body.id);
    assert.equal(updated.body.meta.versionId, '2');
    await post('Patient', mrn('U2'));
    await post('Patient', mrn('U2'));
    assert.equal((await putWhere('identifier=http://example.org/mrn|U2', mrn('U2'))).status, 412);
  });

  test('a body id that differs from the single match is 400', async () => {
    await putWhere('identifier=http://example.org/mrn|U3', mrn('U3'));
    const res = await putWhere('identifier=http://example.org/mrn|U3', { ...mrn('U3'), id: 'someone-else' });
    assert.equal(res.status, 400);
  });
});

describe('conditional delete', () => {
  test('deletes the single match, succeeds on none, refuses several', async () => {
    const p = (await post('Patient', mrn('D1'))).body;
    assert.equal((await s.http.delete('/fhir/Patient?identifier=http://example.org/mrn|D1')).status, 204);
    assert.equal((await s.http.get(`/fhir/Patient/${p.id}`)).status, 410);
    assert.equal((await s.http.delete('/fhir/Patient?identifier=http://example.org/mrn|NONE')).status, 204);
    await post('Patient', mrn('D2'));
    await post('Patient', mrn('D2'));
    assert.equal((await s.http.delete('/fhir/Patient?identifier=http://example.org/mrn|D2')).status, 412);
  });
});
