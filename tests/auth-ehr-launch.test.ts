// EHR launch through the /ehr simulator (EHR_SIMULATOR=true, signed in as a practitioner): it mints a launch
// bound to app, that practitioner, patient and encounter and opens the app's launch URL; the token then carries
// that context. Who may use the simulator: tests/ehr-simulator-access.test.ts.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-ehr-launch
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import { ehrSignIn, type EhrBrowser } from './support/ehr-simulator.js';
import {
  addUser,
  authorize,
  authorizationCodeToken,
  createResource,
  exchangeCode,
  FHIR_BASE,
  introspect,
  refresh,
  registerClient,
} from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

let server: TestServer;
let app: RegisteredClient;
let practitioner: string;
let patient: string;
let otherPatient: string;
let encounter: string;
let ehr: EhrBrowser;
const user = { username: 'dr.grey', password: 'seattle-grace-1' };

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart', EHR_SIMULATOR: 'true' });
  practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Grey', given: ['Meredith'] }] });
  patient = await createResource(server, {
    resourceType: 'Patient',
    name: [{ family: 'Shepherd', given: ['Amelia'] }],
    birthDate: '1980-02-02',
  });
  otherPatient = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Karev' }] });
  encounter = await createResource(server, {
    resourceType: 'Encounter',
    status: 'in-progress',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${patient}` },
  });
  await addUser(server, { ...user, fhirUser: `Practitioner/${practitioner}`, displayName: 'Dr Meredith Grey' });
  app = await registerClient(server, {
    name: 'Pain tracker',
    scope: 'launch launch/encounter openid fhirUser offline_access patient/*.rs user/*.rs',
  });
  ehr = await ehrSignIn(server, user);
});

after(async () => {
  await server?.close();
});

async function launchFromEhr(form: Record<string, string>) {
  return ehr.launch(form);
}

test("the simulator page names the signed-in practitioner and lists patients, the chosen patient's encounters and apps with launch URLs", async () => {
  const res = await ehr.agent.get(`/ehr/?patient=${patient}`);
  assert.equal(res.status, 200);
  for (const name of ['patient', 'encounter', 'client']) assert.match(res.text, new RegExp(`<select name="${name}"`), name);
  assert.match(res.text, /id="launch"/);
  assert.match(res.text, new RegExp(`signed in as <strong id="signed-in-as">Dr Meredith Grey \\(Practitioner/${practitioner}\\)`));
  assert.match(res.text, /Amelia Shepherd/);
  assert.match(res.text, new RegExp(`value="${encounter}"`));
  assert.match(res.text, new RegExp(`value="${app.clientId}">Pain tracker`));
  assert.match(res.text, /value="fibrotrack-provider-app"/);
  // The simulator frames the app with no banner of its own, so it asks the app for one unless unticked.
  assert.match(res.text, /<input type="checkbox" id="need-patient-banner" name="need_patient_banner" value="true" checked>/);
});

test('the need-patient-banner option travels with the launch into every token of the grant, not into introspection', async () => {
  const ticked = await launchFromEhr({ patient, client: app.clientId, need_patient_banner: 'true' });
  assert.equal(ticked.status, 303);
  const launch = new URL(ticked.headers.location).searchParams.get('launch')!;
  const token = await authorizationCodeToken(server, { client: app, user, scope: 'launch patient/*.rs offline_access', launch });
  assert.equal(token.need_patient_banner, true);
  assert.equal(token.patient, patient);
  const refreshed = await refresh(server, app, token.refresh_token!);
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.equal(refreshed.body.need_patient_banner, true);
  assert.equal((await introspect(server, app, token.access_token)).body.need_patient_banner, undefined);
  // Unticked (a checkbox then sends nothing): the EHR shows the patient, the app need not.
  const unticked = await launchFromEhr({ patient, client: app.clientId });
  const plain = await authorizationCodeToken(server, {
    client: app,
    user,
    scope: 'launch patient/*.rs',
    launch: new URL(unticked.headers.location).searchParams.get('launch')!,
  });
  assert.equal(plain.need_patient_banner, false);
});

test('launching opens the app launch URL with iss and launch; the token carries patient and encounter', async () => {
  const res = await launchFromEhr({ patient, encounter, client: app.clientId });
  assert.equal(res.status, 303);
  const url = new URL(res.headers.location);
  assert.equal(`${url.origin}${url.pathname}`, app.launchUrl);
  assert.equal(url.searchParams.get('iss'), FHIR_BASE);
  const launch = url.searchParams.get('launch')!;
  assert.ok(launch.length >= 20);
  const token = await authorizationCodeToken(server, { client: app, user, scope: 'launch openid fhirUser patient/*.rs', launch });
  assert.equal(token.patient, patient);
  assert.equal(token.encounter, encounter);
  assert.equal(token.need_patient_banner, false);
  assert.deepEqual(token.scope.split(' ').sort(), ['fhirUser', 'launch', 'openid', 'patient/*.rs']);
  const ctx = await server.built.verifier!.verify(token.access_token);
  assert.equal(ctx?.patient, patient);
  assert.equal(ctx?.encounter, encounter);
});

test('no patient picker appears in an EHR launch, and a launch without encounter gives none', async () => {
  const res = await launchFromEhr({ patient, encounter: '', client: app.clientId });
  const launch = new URL(res.headers.location).searchParams.get('launch')!;
  const r = await authorize(server, { client: app, user, scope: 'launch patient/*.rs', launch });
  assert.ok(r.code, JSON.stringify(r.stoppedAt));
  const token = (await exchangeCode(server, app, r)).body;
  assert.equal(token.patient, patient);
  assert.equal(token.encounter, undefined);
});

test('launch/encounter is granted with the EHR launch encounter, and dropped when the launch has none', async () => {
  const withEncounter = await launchFromEhr({ patient, encounter, client: app.clientId });
  const token = await authorizationCodeToken(server, {
    client: app,
    user,
    scope: 'launch launch/encounter patient/*.rs',
    launch: new URL(withEncounter.headers.location).searchParams.get('launch')!,
  });
  assert.deepEqual(token.scope.split(' ').sort(), ['launch', 'launch/encounter', 'patient/*.rs']);
  assert.equal(token.encounter, encounter);
  assert.equal((await introspect(server, app, token.access_token)).body.encounter, encounter);
  const without = await launchFromEhr({ patient, client: app.clientId });
  const plain = await authorizationCodeToken(server, {
    client: app,
    user,
    scope: 'launch launch/encounter patient/*.rs',
    launch: new URL(without.headers.location).searchParams.get('launch')!,
  });
  assert.deepEqual(plain.scope.split(' ').sort(), ['launch', 'patient/*.rs']);
  assert.equal(plain.encounter, undefined);
});

test('the simulator refuses an unknown patient, a foreign encounter and an app without launch URL', async () => {
  const noLaunchUrl = await registerClient(server, { scope: 'launch', launchUrl: undefined });
  const cases: [Record<string, string>, RegExp][] = [
    [{ patient: 'nobody', client: app.clientId }, /no patient/],
    [{ patient: otherPatient, encounter, client: app.clientId }, /is not one of patient/],
    [{ patient, client: 'no-such-app' }, /not a registered app/],
    [{ patient, client: noLaunchUrl.clientId }, /not a registered app with a launch URL/],
  ];
  for (const [form, message] of cases) {
    const res = await launchFromEhr(form);
    assert.equal(res.status, 400, JSON.stringify(form));
    assert.match(res.text, message);
  }
});
