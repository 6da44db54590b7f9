// The SMART app end to end: the real fhirclient library in headless Chromium, through an EHR launch from /ehr/
// and a standalone launch (login, patient picker, consent), against the real server listening on a port.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import type { FhirResource } from 'fhir/r4.js';
import type { Page } from 'playwright-core';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { addUser, createResource } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const DAY = 24 * 60 * 60 * 1000;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
// Made up for this test run's throwaway database.
const DR_PASSWORD = 'correct horse battery';
const JANE_PASSWORD = 'jane-secret-pass';
const MR = { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] };

let http: Server;
let server: TestServer;
let base: string;
const ids: Record<string, string> = {};
const browsers: TestBrowser[] = [];

/** The time `daysAgo` days before now at 08:00 UTC, and how the app shows it in a UTC browser. */
function at(daysAgo: number): { iso: string; shown: string } {
  const d = new Date(Date.now() - daysAgo * DAY);
  d.setUTCHours(8, 0, 0, 0);
  return { iso: d.toISOString(), shown: `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} 08:00` };
}

const JANE_PAIN = [{ daysAgo: 10, score: 7 }, { daysAgo: 40, score: 6 }, { daysAgo: 2, score: 4 }, { daysAgo: 20, score: 5 }];
const OMAR_PAIN = [{ daysAgo: 5, score: 2 }, { daysAgo: 3, score: 3 }];

/** Fixtures go in through the FHIR layer in-process, as `fibrotrack load` does (no token needed). */
const create = (resource: Record<string, unknown>) => createResource(server, resource as unknown as FhirResource);

const painScore = (patient: string, daysAgo: number, score: number) => ({
  resourceType: 'Observation', status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: at(daysAgo).iso,
  valueQuantity: { value: score, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
});

/** Listens on a free port first, since BASE_URL (issuer, redirect URIs, FHIR base) must name the real port. */
async function listen(): Promise<{ http: Server; base: string }> {
  const http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { http, base: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

before(async () => {
  ({ http, base } = await listen());
  server = await startTestServer({ AUTH_MODE: 'smart', BASE_URL: base, EHR_SIMULATOR: 'true' });
  http.on('request', server.built.app);

  ids.practitioner = await create({ resourceType: 'Practitioner', name: [{ given: ['Maria'], family: 'Lopez', prefix: ['Dr.'] }] });
  ids.jane = await create({
    resourceType: 'Patient', name: [{ use: 'official', given: ['Jane'], family: 'Doe' }], gender: 'female', birthDate: '1980-04-02',
    identifier: [{ type: MR, system: 'http://hospital.example.org/mrn', value: 'MRN-4711' }],
  });
  ids.omar = await create({
    resourceType: 'Patient', name: [{ use: 'official', given: ['Omar'], family: 'Haddad' }], gender: 'male', birthDate: '1975-11-30',
    identifier: [{ type: MR, system: 'http://hospital.example.org/mrn', value: 'MRN-0815' }],
  });
  for (const p of JANE_PAIN) await create(painScore(ids.jane, p.daysAgo, p.score));
  await create(painScore(ids.jane, 120, 9)); // outside the 90-day trend
  for (const p of OMAR_PAIN) await create(painScore(ids.omar, p.daysAgo, p.score));
  await create({
    resourceType: 'MedicationStatement', status: 'active', subject: { reference: `Patient/${ids.jane}` },
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '596926', display: 'Duloxetine 30 MG Delayed Release Oral Capsule' }] },
    dosage: [{ text: '1 capsule daily' }], effectiveDateTime: '2026-06-01',
  });
  await create({
    resourceType: 'MedicationStatement', status: 'stopped', subject: { reference: `Patient/${ids.jane}` },
    medicationCodeableConcept: { text: 'Tramadol 50 mg tablet' },
  });
  await create({
    resourceType: 'Observation', status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '40443-4', display: 'Heart rate --resting' }] },
    subject: { reference: `Patient/${ids.jane}` }, effectiveDateTime: at(1).iso,
    valueQuantity: { value: 61, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  });

  await addUser(server, { username: 'dr.lopez', password: DR_PASSWORD, fhirUser: `Practitioner/${ids.practitioner}` });
  await addUser(server, { username: 'jane', password: JANE_PASSWORD, fhirUser: `Patient/${ids.jane}` });
});

after(async () => {
  for (const b of browsers) await b.close();
  await new Promise((resolve) => http.close(resolve));
  await server.close();
});

/** A fresh browser profile per test: no cookies from another test's sign-in. */
async function freshPage(): Promise<{ page: Page; browser: TestBrowser }> {
  const browser = await launchBrowser();
  browsers.push(browser);
  return { page: await browser.newPage(), browser };
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('#login').click();
}

/** standalone.html -> sign in as the practitioner -> pick the patient -> consent (some scopes unticked, or denied). */
async function standaloneAsPractitioner(page: Page, patient: string, consent: { untick?: string[]; deny?: boolean } = {}): Promise<void> {
  await page.goto(`${base}/app/standalone.html`);
  await page.waitForURL(/\/auth\//);
  await signIn(page, 'dr.lopez', DR_PASSWORD);
  await page.locator('select[name=patient]').selectOption(patient);
  await page.locator('#select-patient').click();
  for (const scope of consent.untick ?? []) await page.locator(`input[name=scope][value="${scope}"]`).uncheck();
  await page.locator(consent.deny ? '#deny' : '#approve').click();
  await page.waitForURL(/\/app\/index\.html/);
}

/** The token response fhirclient keeps in sessionStorage (what the app decides the banner from). */
async function tokenResponse(page: Page): Promise<{ patient?: string; need_patient_banner?: boolean; access_token?: string; smart_style_url?: string }> {
  return page.evaluate(() => {
    const key = JSON.parse(sessionStorage.getItem('SMART_KEY') ?? 'null') as string;
    return (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { tokenResponse?: object }).tokenResponse ?? {};
  });
}

/** The rows of the pain table as [date, score] as the user reads them. */
async function painRows(page: Page): Promise<string[][]> {
  const table = page.getByRole('table', { name: 'Pain scores, oldest first' });
  await table.waitFor();
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

const expectedRows = (pain: { daysAgo: number; score: number }[]) =>
  [...pain].sort((a, b) => b.daysAgo - a.daysAgo).map((p) => [at(p.daysAgo).shown, String(p.score)]);

test('EHR launch from /ehr/: the practitioner signs in, picks patient and app, sign-in and consent, the app shows that patient', async () => {
  const { page, browser } = await freshPage();
  await page.goto(`${base}/ehr/`);
  await page.waitForURL(/\/ehr\/login$/);
  await signIn(page, 'dr.lopez', DR_PASSWORD);
  await page.waitForURL(/\/ehr\/$/);
  await page.locator('select[name=patient]').selectOption(ids.jane!);
  await page.locator('select[name=client]').selectOption('fibrotrack-provider-app');
  await page.locator('#launch').click();
  const app = page;

  await app.waitForURL(/\/auth\//);
  await signIn(app, 'dr.lopez', DR_PASSWORD);
  await app.locator('#approve').click();
  await app.waitForURL(/\/app\/index\.html/);

  assert.deepEqual(await painRows(app), expectedRows(JANE_PAIN));
  // The launch context came from the EHR; the simulator shows no banner of its own and its need-patient-banner
  // option is ticked by default, so need_patient_banner=true and the app shows the banner.
  const token = await tokenResponse(app);
  assert.equal(token.patient, ids.jane);
  assert.equal(token.need_patient_banner, true);
  await app.getByRole('region', { name: 'Patient' }).getByRole('heading', { name: 'Jane Doe' }).waitFor();
  // Keyboard: Tab walks the chart's points oldest first, each announcing its date and score.
  const focused = () => app.evaluate(() => document.activeElement?.getAttribute('aria-label'));
  await app.keyboard.press('Tab');
  assert.equal(await focused(), `${at(40).shown}: pain 6 of 10`);
  await app.keyboard.press('Tab');
  assert.equal(await focused(), `${at(20).shown}: pain 5 of 10`);
  assert.equal(await app.locator('svg.pain-chart circle[tabindex="0"]').count(), JANE_PAIN.length);
  assert.match(await app.locator('#pain-summary').innerText(), /^4 pain scores .*latest 4, range 4 to 7, average 5\.5/);
  const meds = app.getByRole('table', { name: 'Active medications' });
  assert.match(await meds.innerText(), /Duloxetine 30 MG Delayed Release Oral Capsule\s+1 capsule daily\s+1 Jun 2026/);
  assert.doesNotMatch(await meds.innerText(), /Tramadol/);
  const vitals = app.getByRole('table', { name: 'Latest wearable measurements' });
  assert.match(await vitals.innerText(), /Resting heart rate\s+61 beats\/min/);
  assert.match(await vitals.innerText(), /Steps \(24 h\)\s+No data/);
  await app.getByText(`Signed in as Dr. Maria Lopez (Practitioner/${ids.practitioner})`).waitFor();
  assert.equal(await app.getByRole('alert').count(), 0, 'no error shown');
  assert.deepEqual(browser.problems, []);
});

test('standalone launch: sign in as the practitioner, pick a patient, consent, the app shows that patient only', async () => {
  const { page, browser } = await freshPage();
  await standaloneAsPractitioner(page, ids.omar!);

  // Standalone: no EHR around the app, so the server asks for the banner and the app shows it.
  const banner = page.getByRole('region', { name: 'Patient' });
  await banner.getByRole('heading', { name: 'Omar Haddad' }).waitFor();
  assert.match(await banner.innerText(), /Born\s+30 Nov 1975 \(\d+ years\)\s+Gender\s+Male\s+MRN\s+MRN-0815/);
  assert.equal((await tokenResponse(page)).need_patient_banner, true);
  // The EHR's highlight colour from smart_style_url is the app's accent (the banner's edge).
  const styleUrl = (await tokenResponse(page)).smart_style_url!;
  const style = await (await fetch(styleUrl)).json() as { color_highlight: string };
  await page.waitForFunction((c) => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() === c, style.color_highlight);
  assert.deepEqual(await painRows(page), expectedRows(OMAR_PAIN));
  await page.getByText('No active medications recorded.').waitFor();
  await page.getByText(`Signed in as Dr. Maria Lopez (Practitioner/${ids.practitioner})`).waitFor();
  assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');
  assert.deepEqual(browser.problems, []);
});

test('standalone launch by a patient: no picker, the app opens their own record', async () => {
  const { page, browser } = await freshPage();
  await page.goto(`${base}/app/standalone.html`);
  await signIn(page, 'jane', JANE_PASSWORD);
  await page.locator('#approve').click();
  await page.waitForURL(/\/app\/index\.html/);
  await page.getByRole('region', { name: 'Patient' }).getByRole('heading', { name: 'Jane Doe' }).waitFor();
  assert.deepEqual(await painRows(page), expectedRows(JANE_PAIN));
  await page.getByText(`Signed in as Jane Doe (Patient/${ids.jane})`).waitFor();
  assert.deepEqual(browser.problems, []);
});

test('a revoked token: every section says the session has expired and how to start again', async () => {
  const { page } = await freshPage();
  await standaloneAsPractitioner(page, ids.jane!);
  assert.deepEqual(await painRows(page), expectedRows(JANE_PAIN));

  const discovery = await (await fetch(`${base}/fhir/.well-known/smart-configuration`)).json() as { revocation_endpoint: string };
  const revoked = await fetch(discovery.revocation_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: (await tokenResponse(page)).access_token!, client_id: 'fibrotrack-provider-app' }),
  });
  assert.equal(revoked.status, 200);
  await page.reload();
  for (const section of ['#banner', '#pain', '#medications', '#vitals']) {
    const alert = page.locator(section).getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /Your session has expired[\s\S]*401[\s\S]*Launch the app again/, section);
  }
  assert.equal(await page.locator('table').count(), 0, 'no data left on screen');
});

test('consent without MedicationStatement: the medications section says it is not permitted (403), the rest loads', async () => {
  const { page } = await freshPage();
  await standaloneAsPractitioner(page, ids.jane!, { untick: ['user/MedicationStatement.rs'] });

  const alert = page.locator('#medications').getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Not permitted to view medications[\s\S]*403/);
  assert.deepEqual(await painRows(page), expectedRows(JANE_PAIN));
});

test('denied consent: the app says authorization was not granted and how to start again', async () => {
  const { page } = await freshPage();
  await standaloneAsPractitioner(page, ids.jane!, { deny: true });
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Authorization was not granted[\s\S]*access_denied[\s\S]*Launch the app again/);
  assert.equal(await page.getByRole('region', { name: 'Patient' }).isVisible(), false);
});

test('AUTH_MODE=open: standalone.html?patient= shows the patient without sign-in', async () => {
  // A second server on the same database, without an authorization server.
  const { http: openHttp, base: openBase } = await listen();
  const open = await buildApp(loadConfig({ DATABASE_URL: `${ROOT}/${server.database}`, BASE_URL: openBase, AUTH_MODE: 'open' }));
  openHttp.on('request', open.app);
  try {
    const { page } = await freshPage();
    await page.goto(`${openBase}/app/standalone.html?patient=${ids.jane}`);
    await page.waitForURL(/\/app\/index\.html/);
    await page.getByRole('region', { name: 'Patient' }).getByRole('heading', { name: 'Jane Doe' }).waitFor();
    assert.deepEqual(await painRows(page), expectedRows(JANE_PAIN));
    await page.getByText('Open server: no sign-in').waitFor();
    assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');
  } finally {
    await new Promise((resolve) => openHttp.close(resolve));
    await open.close();
  }
});

test('index.html or launch.html opened without a launch explain that the app must be launched', async () => {
  const { page, browser } = await freshPage();
  for (const path of ['/app/index.html', '/app/launch.html']) {
    await page.goto(`${base}${path}`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /The app was not launched[\s\S]*Launch the app again from the EHR/, path);
  }
  assert.deepEqual(browser.problems, []);
});
