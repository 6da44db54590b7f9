// $import-wearable under AUTH_MODE=smart with a patient's own token: imports into their record (Devices
// included, which a patient scope alone could not create), refused for anyone else's record and without a token.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { heartIntraday } from './support/fake-fitbit.js';
import { answerCount, assertCountsAddUp } from './support/import-answer.js';
import { addUser, authorizationCodeToken, createResource, registerClient } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let jane: string;
let john: string;
let token: string;
const day = JSON.stringify(
  heartIntraday('2026-11-20', [
    { time: '08:00:00', value: 64 },
    { time: '08:01:00', value: 66 },
  ]),
);

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart' });
  jane = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Doe', given: ['Jane'] }] });
  john = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Roe', given: ['John'] }] });
  await addUser(server, { username: 'jane', password: 'jane-secret-pass', fhirUser: `Patient/${jane}` });
  // The resource server asks create (c) on the operation's type for $import-wearable, i.e. patient/Patient.c.
  const scope = 'launch/patient patient/Observation.crs patient/Patient.cr';
  const app = await registerClient(server, { scope: `openid fhirUser ${scope}` });
  const granted = await authorizationCodeToken(server, { client: app, user: { username: 'jane', password: 'jane-secret-pass' }, scope });
  assert.equal(granted.patient, jane);
  token = granted.access_token;
});
after(() => server.close());

const upload = (patient: string, bearer?: string) => {
  const req = server.http.post(`/fhir/Patient/${patient}/$import-wearable?timeZone=Europe/Berlin`).set('Content-Type', 'application/json');
  return (bearer ? req.set('Authorization', `Bearer ${bearer}`) : req).send(day);
};

test('a patient imports into their own record with their token, Device and all', async () => {
  const res = await upload(jane, token);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(answerCount(res.body, 'created'), 4);
  // two readings and the day's resting heart rate
  assertCountsAddUp(res.body, 3);
  const found = await server.http
    .get(`/fhir/Observation?patient=${jane}&code=http://loinc.org|8867-4`)
    .set('Authorization', `Bearer ${token}`);
  assert.equal(found.status, 200);
  assert.equal(found.body.total, 2);
});

test("another patient's record is refused (403) and nothing is stored there; no token is 401", async () => {
  const res = await upload(john, token);
  assert.equal(res.status, 403, JSON.stringify(res.body));
  assert.match(res.body.issue[0].diagnostics, new RegExp(`Patient/${john}`));
  assert.equal((await upload(jane)).status, 401);
  const [{ n }] = await server.sql<{ n: number }[]>(
    "SELECT COUNT(*) AS n FROM idx_reference WHERE res_type = 'Observation' AND param = 'subject' AND target_id = ?",
    [john],
  );
  assert.equal(Number(n), 0);
});
