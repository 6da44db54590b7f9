// Observation/$stats under SMART authorization (AUTH_MODE=smart, real tokens): a patient/ token for its own patient
// only, user/ tokens per scope with their query constraints ANDed in; refused tokens answered 401 or 403.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Observation, Parameters } from 'fhir/r4.js';
import type { Response } from 'supertest';
import { as, assertForbidden, startFixture, VITALS, type Fixture } from './resource-server-fixture.js';

/** total-count per code of the answer (the fixture's Observations carry no values; total-count counts them). */
function totals(res: Response): Record<string, number> {
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries(
    ((res.body as Parameters).parameter ?? []).map((p) => {
      const obs = p.resource as Observation;
      return [obs.code.coding![0].code!, obs.component!.find((c) => c.code.coding![0].code === 'total-count')!.valueInteger!];
    }),
  );
}

const stats = (subject: string) => `Observation/$stats?subject=${subject}&code=8867-4&code=2345-7&statistic=total-count,count`;

describe('Observation/$stats: the one access policy', () => {
  let f: Fixture;
  before(async () => {
    f = await startFixture();
  });
  after(() => f.server.close());

  it("a patient/ token: its own patient's statistics; another patient's are refused", async () => {
    const alpha = as(f.server, (await f.patientToken('a', 'patient/Observation.rs')).access_token);
    // a: oa1 and oa3 (vital signs, 8867-4), oa2 (laboratory, 2345-7); ob2 is b's although its focus is a.
    assert.deepEqual(totals(await alpha.get(stats('Patient/a'))), { '8867-4': 2, '2345-7': 1 });
    assertForbidden(await alpha.get(stats('Patient/b')), /confine this token to Patient\/a; \$stats of Patient\/b/);
  });

  it("a patient/ token's query constraint narrows what is counted", async () => {
    const vitals = as(f.server, (await f.patientToken('a', `patient/Observation.rs?category=${VITALS}`)).access_token);
    assert.deepEqual(totals(await vitals.get(stats('Patient/a'))), { '8867-4': 2 });
  });

  it('too few scopes: no search on Observation is 403; no token is 401', async () => {
    const patientsOnly = as(f.server, (await f.patientToken('a', 'patient/Patient.rs')).access_token);
    assertForbidden(await patientsOnly.get(stats('Patient/a')), /Observation/);
    const readOnly = as(f.server, (await f.patientToken('a', 'patient/Observation.r')).access_token);
    assertForbidden(await readOnly.get(stats('Patient/a')), /Observation/);
    assert.equal((await f.server.http.get(`/fhir/${stats('Patient/a')}`)).status, 401);
  });

  it('a user/ token answers for any patient its scopes reach', async () => {
    const doctor = as(f.server, (await f.userToken('user/Observation.rs')).access_token);
    assert.deepEqual(totals(await doctor.get(stats('Patient/b'))), { '8867-4': 1, '2345-7': 1 });
    const post = await doctor.post('Observation/$stats', {
      resourceType: 'Parameters',
      parameter: [
        { name: 'subject', valueUri: 'Patient/a' },
        { name: 'code', valueString: '8867-4' },
        { name: 'statistic', valueCode: 'total-count' },
      ],
    });
    assert.deepEqual(totals(post), { '8867-4': 2 });
  });
});
