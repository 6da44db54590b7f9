// AuditEvents for FHIR API access and authorization events: who, what, outcome; readable only under
// system/AuditEvent.rs, never writable; never holding a token, code, secret or password.
// https://hl7.org/fhir/R4/auditevent.html
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AuditEvent, Bundle } from 'fhir/r4.js';
import { CLIENT_ID_SYSTEM } from '../server/src/audit/audit-event.js';
import { addUser, authorize, exchangeCode, refresh, registerClient, tokenRequest } from './support/smart-tokens.js';
import { as, assertForbidden, ids, startFixture, type Fixture } from './resource-server-fixture.js';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';

describe('audit', () => {
  let f: Fixture;
  let auditor: ReturnType<typeof as>;
  const events = async (query: string): Promise<AuditEvent[]> => {
    const res = await auditor.get(`AuditEvent?${query}&_count=1000`);
    assert.equal(res.status, 200, res.text);
    return ((res.body as Bundle).entry ?? []).map((e) => e.resource as AuditEvent);
  };
  const clientOf = (e: AuditEvent) => e.agent.find((a) => a.who?.identifier?.system === CLIENT_ID_SYSTEM)?.who?.identifier?.value;

  before(async () => {
    f = await startFixture();
    auditor = as(f.server, (await f.backendToken('system/AuditEvent.rs')).access_token);
  });
  after(() => f.server.close());

  it('records a read of patient data: who (client and user), what, action and outcome', async () => {
    const token = await f.patientToken('a', 'patient/*.rs');
    assert.equal((await as(f.server, token.access_token).get('Observation/oa1')).status, 200);
    const [event, ...more] = (await events('entity=Observation/oa1')).filter((e) => clientOf(e) === token.registeredClientId);
    assert.equal(more.length, 0);
    assert.deepEqual(event.type, {
      system: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
      code: 'rest',
      display: 'RESTful Operation',
    });
    assert.deepEqual(event.subtype, [{ system: 'http://hl7.org/fhir/restful-interaction', code: 'read' }]);
    assert.equal(event.action, 'R');
    assert.equal(event.outcome, '0');
    const user = event.agent.find((a) => a.requestor);
    assert.equal(user?.who?.reference, 'Patient/a');
    assert.ok(event.entity?.some((e) => e.what?.reference === 'Patient/a' && e.role?.code === '1'));
    // Searchable by patient, by user and by client too.
    assert.ok((await events('patient=a')).some((e) => e.id === event.id));
    assert.ok((await events('agent=Patient/a')).some((e) => e.id === event.id));
    assert.ok((await events(`agent:identifier=${CLIENT_ID_SYSTEM}|${token.registeredClientId}`)).some((e) => e.id === event.id));
  });

  it('records a search as a DCM Query with the query as entity', async () => {
    const token = await f.patientToken('a', 'patient/*.rs');
    assert.equal((await as(f.server, token.access_token).get('Observation?category=vital-signs')).status, 200);
    const event = (await events(`subtype=search-type`)).find((e) => clientOf(e) === token.registeredClientId)!;
    assert.equal(event.type.code, '110112');
    assert.equal(event.action, 'E');
    const query = event.entity?.find((e) => e.role?.code === '24');
    assert.equal(Buffer.from(query!.query!, 'base64').toString(), 'Observation?category=vital-signs');
    // A practitioner's search over every patient names the patients whose data it returned.
    const doctor = await f.userToken('user/Observation.rs');
    assert.equal((await as(f.server, doctor.access_token).get('Observation?category=vital-signs')).status, 200);
    const search = (await events('patient=b&subtype=search-type')).find((e) => clientOf(e) === doctor.registeredClientId);
    assert.ok(search, 'the search is found under Patient/b');
    assert.ok(search.entity?.some((e) => e.what?.reference === 'Patient/a'));
  });

  it('records writes and refusals with their outcome', async () => {
    const token = await f.patientToken('a', 'patient/*.cruds');
    const alpha = as(f.server, token.access_token);
    const created = await alpha.post('Observation', {
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'audited' },
      subject: { reference: 'Patient/a' },
    });
    assert.equal(created.status, 201);
    const [write] = (await events(`entity=Observation/${created.body.id}&action=C`)).filter(
      (e) => clientOf(e) === token.registeredClientId,
    );
    assert.equal(write.outcome, '0');
    // Answered as an unknown id, recorded as the refusal it is.
    assert.equal((await alpha.get('Observation/ob1')).status, 404);
    const [refused] = (await events('entity=Observation/ob1&outcome=4')).filter((e) => clientOf(e) === token.registeredClientId);
    assert.match(refused.outcomeDesc ?? '', /outside Patient\/a's record/);
  });

  it('records requests without a valid token', async () => {
    assert.equal((await f.server.http.get('/fhir/Observation/oa1?marker=unauthenticated')).status, 401);
    const refused = (await events('outcome=4')).filter((e) => /needs an access token/.test(e.outcomeDesc ?? ''));
    assert.ok(refused.length > 0);
    assert.ok(refused.every((e) => e.agent.some((a) => a.who?.display === 'unauthenticated client')));
  });

  it('records logins, token grants and token failures from the authorization server', async () => {
    const token = await f.patientToken('a', 'patient/*.rs');
    const auth = await events(`type=${DCM}|110114`);
    const ofClient = auth.filter((e) => clientOf(e) === token.registeredClientId);
    assert.ok(
      ofClient.some((e) => e.subtype?.some((s) => s.code === '110122') && e.outcome === '0'),
      'login',
    );
    assert.ok(
      ofClient.some((e) => e.subtype?.some((s) => s.code === 'grant.success:authorization_code')),
      'token',
    );
    const wrongPassword = `wrong-${Date.now()}-password`;
    const failed1 = await authorize(f.server, {
      client: { clientId: token.registeredClientId },
      user: { username: token.username!, password: wrongPassword },
      scope: 'launch/patient openid fhirUser patient/*.rs',
    });
    assert.equal(failed1.stoppedAt?.status, 401);
    const signIns = await events(`type=${DCM}|110114&subtype=sign-in.failure`);
    assert.ok(signIns.some((e) => e.outcome === '4' && e.outcomeDesc === 'wrong username or password'));
    assert.ok(!JSON.stringify(signIns).includes(wrongPassword));
    assert.ok((await events(`type=${DCM}|110114&subtype=sign-in.success`)).length > 0);
    const bad = await tokenRequest(
      f.server,
      { clientId: token.registeredClientId },
      {
        grant_type: 'authorization_code',
        code: 'no-such-code',
        redirect_uri: 'http://localhost:8080/app/index.html',
        code_verifier: 'x'.repeat(43),
      },
    );
    assert.equal(bad.status, 400);
    const failed = (await events(`type=${DCM}|110114&outcome=4`)).filter((e) => clientOf(e) === token.registeredClientId);
    assert.ok(
      failed.some((e) => e.subtype?.some((s) => s.code === 'grant.error:authorization_code') && /invalid_grant/.test(e.outcomeDesc ?? '')),
    );
  });

  it('lets only system/AuditEvent.rs read AuditEvents, and nobody write them', async () => {
    const patientAll = as(f.server, (await f.patientToken('a', 'patient/*.cruds')).access_token);
    assertForbidden(await patientAll.get('AuditEvent'), /system\/AuditEvent\.s/);
    // As an include they are left out, like anything else the token may not read.
    assert.deepEqual(ids(await patientAll.get('Patient?_revinclude=AuditEvent:patient')), ['Patient/a']);
    const systemAll = as(f.server, f.system);
    assertForbidden(await systemAll.get('AuditEvent?patient=a'), /system\/AuditEvent\.s/);
    const id = (await events('patient=a'))[0].id!;
    assertForbidden(await systemAll.get(`AuditEvent/${id}`), /system\/AuditEvent\.r/);
    assert.ok(!(await systemAll.get('_history?_count=1000')).text.includes('"AuditEvent"'), 'system history leaves AuditEvents out');
    const writer = as(f.server, (await f.backendToken('system/AuditEvent.cruds')).access_token);
    assert.equal((await writer.get(`AuditEvent/${id}`)).status, 200);
    assertForbidden(await writer.post('AuditEvent', { resourceType: 'AuditEvent' }), /written by the server only/);
    assertForbidden(await writer.put(`AuditEvent/${id}`, { resourceType: 'AuditEvent', id }), /written by the server only/);
    assertForbidden(await writer.delete(`AuditEvent/${id}`), /written by the server only/);
    assertForbidden(
      await writer.post('', {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [{ request: { method: 'DELETE', url: `AuditEvent/${id}` } }],
      }),
      /written by the server only/,
    );
    assert.equal((await writer.get(`AuditEvent/${id}`)).status, 200);
  });

  it('never stores tokens, codes, secrets or passwords', async () => {
    // A confidential client through the whole flow, with a refresh, so every kind of credential passes by.
    const password = `pw-${Date.now()}-correct-horse-battery`;
    await addUser(f.server, { username: 'audit-user', password, fhirUser: 'Patient/a' });
    const client = await registerClient(f.server, {
      auth: 'client_secret_basic',
      scope: 'launch/patient openid fhirUser offline_access patient/*.rs',
    });
    const flow = await authorize(f.server, {
      client,
      user: { username: 'audit-user', password },
      scope: 'launch/patient openid fhirUser offline_access patient/*.rs',
    });
    const tokens = (await exchangeCode(f.server, client, flow)).body as { access_token: string; refresh_token: string; id_token: string };
    const refreshed = (await refresh(f.server, client, tokens.refresh_token)).body as { access_token: string };
    const app = as(f.server, tokens.access_token);
    assert.equal((await app.get('Observation/oa1')).status, 200);
    await app.get(`Observation?code=x&access_token=${tokens.access_token}`);
    await f.server.http.get('/fhir/Patient/a').set('Authorization', `Bearer ${refreshed.access_token}x`);

    const all = await events('_sort=-date');
    assert.ok(all.some((e) => clientOf(e) === client.clientId));
    const stored =
      JSON.stringify(all) +
      all
        .flatMap((e) => e.entity ?? [])
        .map((e) => (e.query ? Buffer.from(e.query, 'base64').toString() : ''))
        .join();
    const secrets = {
      password,
      clientSecret: client.clientSecret!,
      code: flow.code!,
      verifier: flow.verifier,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      idToken: tokens.id_token,
      refreshed: refreshed.access_token,
      system: f.system,
    };
    for (const [name, secret] of Object.entries(secrets)) assert.ok(!stored.includes(secret), `${name} was stored in an AuditEvent`);
  });
});
