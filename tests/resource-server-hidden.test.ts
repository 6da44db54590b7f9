// Ids cannot be probed: a resource outside what the token may read answers exactly as an unknown id (404, same
// body and headers), for read, vread, history, deleted resources and instance operations that read. Writes into
// another patient's record stay a clear 403. Real tokens, AUTH_MODE=smart. https://hl7.org/fhir/R4/http.html#read
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Bundle } from 'fhir/r4.js';
import { VITALS, as, assertForbidden, assertHidden, startFixture, type Fixture } from './resource-server-fixture.js';

describe("another patient's resources answer as unknown ids", () => {
  let f: Fixture;
  let alpha: ReturnType<typeof as>;
  let system: ReturnType<typeof as>;
  const gone = (id: string, who: string) => ({
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { text: 'gone' },
    subject: { reference: `Patient/${who}` },
  });

  before(async () => {
    f = await startFixture();
    alpha = as(f.server, (await f.patientToken('a', 'patient/*.cruds')).access_token);
    system = as(f.server, f.system);
    for (const [id, who] of [
      ['del-a', 'a'],
      ['del-b', 'b'],
    ]) {
      assert.equal((await system.put(`Observation/${id}`, gone(id, who))).status, 201);
      assert.equal((await system.delete(`Observation/${id}`)).status, 204);
    }
  });
  after(() => f.server.close());

  it('read, vread and instance history', async () => {
    assertHidden(await alpha.get('Observation/ob1'), await alpha.get('Observation/zz1'), 'ob1', 'zz1');
    assertHidden(await alpha.get('Patient/b'), await alpha.get('Patient/zz'), 'b', 'zz');
    assertHidden(await alpha.get('Observation/ob1/_history/1'), await alpha.get('Observation/zz1/_history/1'), 'ob1', 'zz1');
    assertHidden(await alpha.get('Observation/ob1/_history'), await alpha.get('Observation/zz1/_history'), 'ob1', 'zz1');
    assertHidden(await alpha.get('Patient/b/_history'), await alpha.get('Patient/zz/_history'), 'b', 'zz');
    // A conditional read does not tell either.
    assertHidden(
      await alpha.get('Observation/ob1').set('If-None-Match', 'W/"1"'),
      await alpha.get('Observation/zz1').set('If-None-Match', 'W/"1"'),
      'ob1',
      'zz1',
    );
  });

  it('a deleted resource of another patient is not 410', async () => {
    assertHidden(await alpha.get('Observation/del-b'), await alpha.get('Observation/zz-b'), 'del-b', 'zz-b');
    assertHidden(await alpha.get('Observation/del-b/_history/2'), await alpha.get('Observation/zz-b/_history/2'), 'del-b', 'zz-b');
    assertHidden(await alpha.get('Observation/del-b/_history'), await alpha.get('Observation/zz-b/_history'), 'del-b', 'zz-b');
    // The own deleted resource is still gone, with its history.
    assert.equal((await alpha.get('Observation/del-a')).status, 410);
    assert.equal((await alpha.get('Observation/del-a/_history')).status, 200);
  });

  it('instance operations that read', async () => {
    assertHidden(await alpha.get('Observation/ob1/$validate'), await alpha.get('Observation/zz1/$validate'), 'ob1', 'zz1');
    assertHidden(await alpha.get('Patient/b/$validate'), await alpha.get('Patient/zz/$validate'), 'b', 'zz');
    const job = '3f1b2c4d-0000-4000-8000-000000000000';
    assertHidden(await alpha.get(`Patient/b/$import-wearable/${job}`), await alpha.get(`Patient/zz/$import-wearable/${job}`), 'b', 'zz');
  });

  it('batch entries read as unknown too', async () => {
    const res = await alpha.post('', {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [{ request: { method: 'GET', url: 'Observation/ob1' } }, { request: { method: 'GET', url: 'Observation/zz1' } }],
    });
    assert.equal(res.status, 200, res.text);
    const [hidden, unknown] = (res.body as Bundle).entry!.map((e) => e.response!);
    assert.equal(hidden.status, unknown.status);
    assert.equal(JSON.stringify(hidden.outcome).replace('ob1', 'zz1'), JSON.stringify(unknown.outcome));
  });

  it("writes into another patient's record stay 403", async () => {
    assertForbidden(await alpha.post('Patient/b/$import-wearable', {}), /Patient\/b is another patient's record/);
    assertForbidden(await alpha.get('Patient/b/Observation'), /Patient\/b is another patient's record/);
    assertForbidden(await alpha.put('Observation/ob1', gone('ob1', 'a')), /Observation\/ob1 \(as stored\)/);
    assertForbidden(await alpha.post('Observation', gone('x', 'b')), /Patient\/b \(subject\)/);
  });

  it('a conditional create matching a resource the token may search but not read answers 200 without it', async () => {
    const token = await f.patientToken('a', `patient/Observation.cs patient/Observation.r?category=${VITALS}`);
    const narrow = as(f.server, token.access_token);
    const body = { resourceType: 'Observation', status: 'final', code: { text: 'dup' }, subject: { reference: 'Patient/a' } };
    const res = await narrow.post('Observation', body).set('If-None-Exist', '_id=oa2');
    assert.equal(res.status, 200, res.text);
    assert.ok(!res.text.includes('oa2'), res.text);
    const tx = await narrow.post('', {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: body, request: { method: 'POST', url: 'Observation', ifNoneExist: '_id=oa2' } }],
    });
    assert.equal(tx.status, 200, tx.text);
    assert.equal((tx.body as Bundle).entry![0].response?.status.slice(0, 3), '200');
    assert.equal((tx.body as Bundle).entry![0].resource, undefined);
  });

  it("a practitioner's user/ scopes still read every patient", async () => {
    const doctor = as(f.server, (await f.userToken('user/*.rs')).access_token);
    assert.equal((await doctor.get('Observation/ob1')).status, 200);
    assert.equal((await doctor.get('Observation/del-b')).status, 410);
  });
});
