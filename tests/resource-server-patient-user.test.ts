// A user who is a Patient is permitted their own record only: user/ scopes granted to them reach their own
// compartment, never other patients'. https://hl7.org/fhir/smart-app-launch/STU2.2/scopes-and-launch-context.html
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { as, assertHidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';

describe('user/ scopes of a Patient user', () => {
  let f: Fixture;
  let alphaUser: ReturnType<typeof as>;

  before(async () => {
    f = await startFixture();
    alphaUser = as(f.server, (await f.patientUserToken('a', 'user/*.rs')).access_token);
  });
  after(() => f.server.close());

  it("read the own record and are refused other patients' records", async () => {
    const own = await alphaUser.get('Patient/a');
    assert.equal(own.status, 200);
    assert.equal(own.headers['cache-control'], 'no-store', 'data read with a token is never cached');
    assert.equal((await alphaUser.get('Observation/oa1')).status, 200);
    assertHidden(await alphaUser.get('Patient/b'), await alphaUser.get('Patient/x'), 'b', 'x');
    assertHidden(await alphaUser.get('Observation/ob1'), await alphaUser.get('Observation/nx1'), 'ob1', 'nx1');
  });

  it('search only the own compartment', async () => {
    assert.deepEqual(ids(await alphaUser.get('Observation')), ['Observation/oa1', 'Observation/oa2', 'Observation/oa3']);
    assert.deepEqual(ids(await alphaUser.get('Patient')), ['Patient/a']);
  });

  it("while a practitioner's user/ scopes reach every patient", async () => {
    const doctor = as(f.server, (await f.userToken('user/*.rs')).access_token);
    assert.equal((await doctor.get('Observation/ob1')).status, 200);
  });
});
