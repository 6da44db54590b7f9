// The authorization pages a person reads: the standalone patient picker searches by name, birth date and MRN
// (bounded list, deceased marked), the consent page says what each scope allows in plain words (the raw scope in a
// details element) and names the patient only for patient-confined grants; /ehr/ lists the chosen patient's
// encounters only. https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import { ehrSignIn, EHR_ORIGIN } from './support/ehr-simulator.js';
import { addUser, authorize, createResource, registerClient } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let app: RegisteredClient;
const ids: Record<string, string> = {};
const doctor = { username: 'dr.pages', password: 'pages-password-1' };
const MR = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] };

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart', EHR_SIMULATOR: 'true' });
  ids.rivera = await createResource(server, {
    resourceType: 'Patient',
    name: [{ family: 'Rivera', given: ['Ana'] }],
    birthDate: '1971-03-04',
    gender: 'female',
    identifier: [{ type: MR, value: 'MRN-4411' }],
  });
  ids.okafor = await createResource(server, {
    resourceType: 'Patient',
    name: [{ family: 'Okafor', given: ['Chidi'] }],
    birthDate: '1988-11-30',
    gender: 'male',
    deceasedBoolean: true,
  });
  for (let i = 0; i < 55; i++)
    await createResource(server, { resourceType: 'Patient', name: [{ family: `Filler${String(i).padStart(2, '0')}` }] });
  ids.riveraVisit = await createResource(server, {
    resourceType: 'Encounter',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { reference: `Patient/${ids.rivera}` },
    period: { start: '2026-01-05' },
  });
  ids.okaforVisit = await createResource(server, {
    resourceType: 'Encounter',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { reference: `Patient/${ids.okafor}` },
    period: { start: '2026-02-06' },
  });
  const practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Pages' }] });
  await addUser(server, { ...doctor, fhirUser: `Practitioner/${practitioner}` });
  app = await registerClient(server, {
    name: 'Pain tracker',
    scope: 'launch launch/patient openid fhirUser offline_access patient/*.rs patient/Observation.c user/*.rs',
  });
});

after(async () => {
  await server?.close();
});

/** Signs in and stops at the patient picker: the agent and the interaction's URL. */
async function atPicker(scope: string) {
  const r = await authorize(server, { client: app, user: doctor, scope });
  const action = /<form method="get" action="([^"]+)"/.exec(r.stoppedAt?.text ?? '')?.[1];
  assert.ok(action, 'the picker has a search form');
  return { agent: r.agent, base: action, first: r.stoppedAt!.text };
}

const options = (html: string) => [...html.matchAll(/<option value="([^"]+)">([^<]*)</g)].map((m) => ({ id: m[1], label: m[2] }));

test('the patient picker lists at most 50 and says there are more; a search by name, birth date or MRN narrows it', async () => {
  const { agent, base, first } = await atPicker('launch/patient openid patient/Observation.rs');
  assert.equal(options(first).length, 50);
  assert.match(first, /only the first are listed/);
  const byName = await agent.get(`${base}?q=rive`);
  assert.equal(byName.status, 200);
  assert.deepEqual(
    options(byName.text).map((o) => o.id),
    [ids.rivera],
  );
  assert.match(options(byName.text)[0].label, /Ana Rivera \(born 1971-03-04, female, MRN MRN-4411\)/);
  assert.match(byName.text, /value="rive"/, 'the search box keeps what was typed');
  assert.deepEqual(
    options((await agent.get(`${base}?q=1971-03-04`)).text).map((o) => o.id),
    [ids.rivera],
  );
  assert.deepEqual(
    options((await agent.get(`${base}?q=MRN-4411`)).text).map((o) => o.id),
    [ids.rivera],
  );
  const deceased = options((await agent.get(`${base}?q=okafor`)).text);
  assert.match(deceased[0].label, /Chidi Okafor .* - deceased$/);
  const none = await agent.get(`${base}?q=nobody-by-this-name`);
  assert.match(none.text, /No patient matches <strong>nobody-by-this-name<\/strong>/);
  assert.doesNotMatch(none.text, /<select name="patient"/);
  // FHIR search's special characters are the person's text, not search syntax: never a FHIR error on the page.
  for (const q of ['Rivera,', 'Rivera,Okafor', 'Rivera|', '$Rivera', 'Riv\\']) {
    const res = await agent.get(`${base}?q=${encodeURIComponent(q)}`);
    assert.equal(res.status, 200, `${q}: ${res.text}`);
    assert.match(res.text, /No patient matches|<select name="patient"/, q);
  }
  assert.match((await agent.get(`${base}?q=${encodeURIComponent('Rivera,')}`)).text, /No patient matches <strong>Rivera,<\/strong>/);
  const tooLong = await agent.get(`${base}?q=${'x'.repeat(101)}`);
  assert.equal(tooLong.status, 400);
  assert.match(tooLong.text, /at most 100 characters/);
  // Picking from the search result carries on to consent, which names the patient (patient/ scopes are confined).
  const picked = await agent.post(`${base}/patient`).type('form').send({ patient: ids.rivera });
  assert.equal(picked.status, 303);
  const consent = await agent.get(base);
  assert.match(consent.text, /<p id="consent-patient">Patient: <strong>Ana Rivera<\/strong><\/p>/);
  assert.match(consent.text, /Read and search observations of Ana Rivera only/);
});

test('consent explains each scope in plain words, grouped, with the raw scope in a details element', async () => {
  const { agent, base } = await atPicker(
    'launch/patient openid fhirUser offline_access patient/Observation.rs patient/Observation.c user/Patient.rs',
  );
  await agent.post(`${base}/patient`).type('form').send({ patient: ids.okafor });
  const html = (await agent.get(base)).text;
  for (const legend of ['Who you are', 'What is open', 'See health records', 'Add or change health records', 'How long access lasts']) {
    assert.match(html, new RegExp(`<legend>${legend}</legend>`), legend);
  }
  assert.match(html, /Add observations of Chidi Okafor only/);
  assert.match(html, /Read and search patient details \(name, birth date, identifiers\) of every patient you may see/);
  assert.match(html, /Keep access after you close the app, until you revoke it/);
  assert.match(html, /<input type="checkbox" name="scope" value="patient\/Observation.c" checked>/, 'the field stays the same');
  assert.match(html, /<details><summary>Scope<\/summary><code>user\/Patient.rs<\/code><\/details>/);
});

test('consent for user/ scopes only names no patient', async () => {
  const r = await authorize(server, { client: app, user: doctor, scope: 'openid user/Observation.rs', deny: true });
  assert.equal(r.error, 'access_denied');
  const agent = r.agent;
  const again = await agent
    .get(
      `/auth/authorize?${new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: app.redirectUris![0], scope: 'openid user/Observation.rs', state: 's', aud: 'http://localhost:8080/fhir', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' })}`,
    )
    .redirects(3);
  assert.match(again.text, /Read and search observations of every patient you may see/);
  assert.doesNotMatch(again.text, /consent-patient/);
});

test("/ehr/ lists only the chosen patient's encounters, and the choice can be changed", async () => {
  const ehr = await ehrSignIn(server, doctor);
  const rivera = await ehr.agent.get(`/ehr/?patient=${ids.rivera}`);
  assert.match(rivera.text, new RegExp(`<option value="${ids.rivera}" selected>`));
  assert.match(rivera.text, new RegExp(`value="${ids.riveraVisit}"`));
  assert.doesNotMatch(rivera.text, new RegExp(`value="${ids.okaforVisit}"`));
  const shown = await ehr.agent
    .post('/ehr/launch')
    .set('Origin', EHR_ORIGIN)
    .type('form')
    .send({ csrf: ehr.csrf, patient: ids.okafor, action: 'show-encounters' });
  assert.equal(shown.status, 200);
  assert.match(shown.text, new RegExp(`value="${ids.okaforVisit}"`));
  assert.doesNotMatch(shown.text, new RegExp(`value="${ids.riveraVisit}"`));
  const wrong = await ehr.launch({ patient: ids.okafor, encounter: ids.riveraVisit, client: app.clientId });
  assert.equal(wrong.status, 400);
  assert.match(wrong.text, /is not one of patient/);
  assert.doesNotMatch(wrong.text, new RegExp(`value="${ids.riveraVisit}"`), "the form shown again lists the chosen patient's encounters");
});
