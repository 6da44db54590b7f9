// The SMART app end to end: the real fhirclient library in headless Chromium, through an EHR launch from /ehr/
// and a standalone launch (login, patient picker, consent), against the real server listening on a port.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import type { FhirResource } from 'fhir/r4.js';
import type { Page } from 'playwright-core';
import { buildApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { addUser, createResource, forgetConsents } from './support/smart-tokens.js';
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

const JANE_PAIN = [
  { daysAgo: 10, score: 7 },
  { daysAgo: 40, score: 6 },
  { daysAgo: 2, score: 4 },
  { daysAgo: 20, score: 5 },
];
/** Screenshots a person can look at after a run (1280 and 390 px wide). */
const ARTIFACTS = 'tests/artifacts';
const LOWER_BACK = '37822005';
const OMAR_PAIN = [
  { daysAgo: 5, score: 2 },
  { daysAgo: 3, score: 3 },
];

/** Fixtures go in through the FHIR layer in-process, as `fibrotrack load` does (no token needed). */
const create = (resource: Record<string, unknown>) => createResource(server, resource as unknown as FhirResource);

const painScore = (patient: string, daysAgo: number, score: number, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
  code: {
    coding: [{ system: 'http://loinc.org', code: '72514-3', display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' }],
  },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: at(daysAgo).iso,
  valueQuantity: { value: score, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
  ...extra,
});

/** A whole-day value (00:00 to 23:59:59 UTC) `daysAgo` days back, as the wearable import stores daily totals. */
const daily = (patient: string, daysAgo: number, code: string, value: number, unit: string) => {
  const day = new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10);
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'activity' }] }],
    code: { coding: [{ system: 'http://loinc.org', code }] },
    subject: { reference: `Patient/${patient}` },
    effectivePeriod: { start: `${day}T00:00:00Z`, end: `${day}T23:59:59Z` },
    valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit },
  };
};

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
  // The app's live pain alerts use the websocket channel (/fhir/ws), an HTTP upgrade.
  http.on('upgrade', (req, socket, head) => {
    if (!server.built.upgrade(req, socket, head)) socket.destroy();
  });

  ids.practitioner = await create({ resourceType: 'Practitioner', name: [{ given: ['Maria'], family: 'Lopez', prefix: ['Dr.'] }] });
  ids.jane = await create({
    resourceType: 'Patient',
    name: [{ use: 'official', given: ['Jane'], family: 'Doe' }],
    gender: 'female',
    birthDate: '1980-04-02',
    identifier: [{ type: MR, system: 'http://hospital.example.org/mrn', value: 'MRN-4711' }],
  });
  ids.omar = await create({
    resourceType: 'Patient',
    name: [{ use: 'official', given: ['Omar'], family: 'Haddad' }],
    gender: 'male',
    birthDate: '1975-11-30',
    identifier: [{ type: MR, system: 'http://hospital.example.org/mrn', value: 'MRN-0815' }],
  });
  for (const p of JANE_PAIN.slice(1)) await create(painScore(ids.jane, p.daysAgo, p.score));
  await create(
    painScore(ids.jane, JANE_PAIN[0].daysAgo, JANE_PAIN[0].score, {
      bodySite: { coding: [{ system: 'http://snomed.info/sct', code: LOWER_BACK }] },
      component: [
        {
          code: { coding: [{ system: 'https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation', code: 'pain-interference' }] },
          valueQuantity: { value: 6, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
        },
      ],
    }),
  );
  await create(painScore(ids.jane, 120, 9)); // outside the 90-day trend
  for (const p of OMAR_PAIN) await create(painScore(ids.omar, p.daysAgo, p.score));
  await create({
    resourceType: 'MedicationStatement',
    status: 'active',
    subject: { reference: `Patient/${ids.jane}` },
    medicationCodeableConcept: {
      coding: [
        { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '596926', display: 'Duloxetine 30 MG Delayed Release Oral Capsule' },
      ],
    },
    dosage: [{ text: '1 capsule daily' }],
    effectiveDateTime: '2026-06-01',
  });
  await create({
    resourceType: 'MedicationStatement',
    status: 'stopped',
    subject: { reference: `Patient/${ids.jane}` },
    medicationCodeableConcept: { text: 'Tramadol 50 mg tablet' },
    effectivePeriod: { start: at(60).iso, end: at(30).iso },
  });
  await create({
    resourceType: 'MedicationRequest',
    status: 'active',
    intent: 'order',
    subject: { reference: `Patient/${ids.jane}` },
    medicationCodeableConcept: { text: 'Pregabalin 75 mg capsule' },
    authoredOn: at(25).iso.slice(0, 10),
    dosageInstruction: [{ text: '75 mg twice daily' }],
  });
  await create({
    resourceType: 'Condition',
    subject: { reference: `Patient/${ids.jane}` },
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    code: { coding: [{ system: 'http://snomed.info/sct', code: '203082005', display: 'Fibromyalgia' }] },
    onsetDateTime: '2019-05-01',
  });
  await create(daily(ids.jane, 1, '93832-4', 405, 'min'));
  await create(daily(ids.jane, 1, '41950-7', 6543, '/d'));
  await create({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${ids.jane}` },
    effectiveDateTime: '2020-08-14T10:00:00Z',
    valueQuantity: { value: 72, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  });
  await create({
    resourceType: 'Observation',
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' }] }],
    code: { coding: [{ system: 'http://loinc.org', code: '40443-4', display: 'Heart rate --resting' }] },
    subject: { reference: `Patient/${ids.jane}` },
    effectiveDateTime: at(1).iso,
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

// Each test walks through the consent page: none skips it for a consent an earlier test gave.
beforeEach(async () => {
  for (const username of ['dr.lopez', 'jane']) await forgetConsents(server, username);
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
async function tokenResponse(
  page: Page,
): Promise<{ patient?: string; need_patient_banner?: boolean; access_token?: string; smart_style_url?: string }> {
  return page.evaluate(() => {
    const key = JSON.parse(sessionStorage.getItem('SMART_KEY') ?? 'null') as string;
    return (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { tokenResponse?: object }).tokenResponse ?? {};
  });
}

/** The rows of the pain table as [date, score] as the user reads them, after opening the collapsed table. */
async function painRows(page: Page): Promise<string[][]> {
  const toggle = page.locator('#treatment details > summary');
  await toggle.waitFor();
  if (!(await page.locator('#treatment details').evaluate((d) => (d as HTMLDetailsElement).open))) await toggle.click();
  const table = page.getByRole('table', { name: 'Pain scores, newest first' });
  return table
    .locator('tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((td) => td.textContent ?? '')));
}

const expectedRows = (pain: { daysAgo: number; score: number }[]) =>
  [...pain].sort((a, b) => a.daysAgo - b.daysAgo).map((p) => [at(p.daysAgo).shown, String(p.score)]);

/** axe-core in the page: serious or critical WCAG violations, as "rule: target" strings. */
async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the app's CSP (rightly) refuses an injected inline script.
  await page.evaluate(readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run(o: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
      }
    ).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] } });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')}`));
  });
}

test('EHR launch from /ehr/: the practitioner signs in, picks patient and app, sign-in and consent, the app shows that patient', async () => {
  const { page, browser } = await freshPage();
  await page.goto(`${base}/ehr/`);
  await page.waitForURL(/\/ehr\/login$/);
  await signIn(page, 'dr.lopez', DR_PASSWORD);
  await page.waitForURL(/\/ehr\/$/);
  await page.locator('select[name=patient]').selectOption(ids.jane);
  await page.locator('select[name=client]').selectOption('fibrotrack-provider-app');
  await page.locator('#launch').click();
  const app = page;
  // What the app asks the server for (the FHIR requests only).
  const asked: string[] = [];
  app.on('request', (r) => {
    if (r.url().includes('/fhir/Observation')) asked.push(decodeURIComponent(r.url()));
  });

  await app.waitForURL(/\/auth\//);
  await signIn(app, 'dr.lopez', DR_PASSWORD);
  await app.locator('#approve').click();
  await app.waitForURL(/\/app\/index\.html/);

  // The launch context came from the EHR; the simulator shows no banner of its own and its need-patient-banner
  // option is ticked by default, so need_patient_banner=true and the app shows the banner.
  await app.getByRole('region', { name: 'Patient' }).getByRole('heading', { name: 'Jane Doe' }).waitFor();
  const token = await tokenResponse(app);
  assert.equal(token.patient, ids.jane);
  assert.equal(token.need_patient_banner, true);
  await app.getByRole('region', { name: 'Patient' }).getByRole('heading', { name: 'Jane Doe' }).waitFor();
  await app.waitForFunction(() => document.title === 'Jane Doe: FibroTrack pain overview');
  // Least privilege: patient/ scopes confined to Jane, no user/ scope but the practitioner's own record.
  const granted = (token as { scope?: string }).scope!.split(' ');
  assert.ok(
    granted.includes('patient/Observation.rs') &&
      granted.includes('patient/MedicationRequest.rs') &&
      granted.includes('patient/Condition.rs'),
  );
  assert.deepEqual(
    granted.filter((sc) => sc.startsWith('user/')),
    ['user/Practitioner.rs'],
  );

  // Treatment context on one screen: pain, medications of both kinds on the same axis, sleep and steps.
  assert.match(await app.locator('#pain-summary').innerText(), /^4 pain scores .*latest 4, range 4 to 7, average 5\.5/);
  assert.equal(await app.locator('svg.pain-chart circle').count(), JANE_PAIN.length);
  const lanes = await app.locator('svg.medication-chart .lane-label').allTextContents();
  assert.deepEqual(lanes.sort(), ['Duloxetine 30 MG Delayed Release Oral Capsule', 'Pregabalin 75 mg capsule', 'Tramadol 50 mg tablet']);
  assert.equal(await app.locator('svg.medication-chart .event.stop').count(), 1, 'Tramadol stopped');
  assert.equal(await app.locator('svg.activity-chart .sleep rect').count(), 1);
  assert.equal(await app.locator('svg.activity-chart .steps rect title').textContent(), `${at(1).shown.slice(0, -6)}: 6,543`);
  // Keyboard: the first Tab reaches the skip link, which takes focus to the patient data; the chart's points
  // are not 80 tab stops.
  await app.keyboard.press('Tab');
  assert.equal(await app.evaluate(() => document.activeElement?.textContent), 'Skip to patient data');
  await app.keyboard.press('Enter');
  assert.equal(await app.evaluate(() => document.activeElement?.id), 'main');
  assert.equal(await app.locator('svg [tabindex]').count(), 0);

  const meds = app.getByRole('table', { name: 'Current medications' });
  assert.match(await meds.innerText(), /Pregabalin 75 mg capsule.*\s+75 mg twice daily\s+Active, prescribed/);
  assert.match(
    await meds.innerText(),
    /Duloxetine 30 MG Delayed Release Oral Capsule\s+1 capsule daily\s+Active, reported\s+1 Jun 2026 to now/,
  );
  assert.doesNotMatch(await meds.innerText(), /Tramadol/);
  await app.locator('#medications details > summary').click();
  assert.match(await app.getByRole('table', { name: 'Past medications' }).innerText(), /Tramadol 50 mg tablet[\s\S]*Stopped, reported/);
  assert.match(await app.getByRole('list', { name: 'Active conditions' }).innerText(), /Fibromyalgia Active, since 1 May 2019/);
  const vitals = app.getByRole('table', { name: 'Latest wearable measurements' });
  assert.match(await vitals.innerText(), /Resting heart rate\s+61 beats\/min/);
  assert.match(await vitals.innerText(), /Heart rate\s+72 beats\/min\s+14 Aug 2020 10:00 stale: over 7 days old/);
  assert.match(await vitals.innerText(), new RegExp(`Steps \\(24 h\\)\\s+6,543 steps\\s+${at(1).shown.slice(0, -6)} \\(whole day\\)`));
  assert.match(await vitals.innerText(), /Sleep duration\s+6 h 45 min/);
  assert.match(await app.getByRole('list', { name: /Body regions with pain/ }).innerText(), /Lower back: mean 7, 1 report/);
  assert.deepEqual(await painRows(app), expectedRows(JANE_PAIN));
  assert.match(await app.getByRole('table', { name: 'Pain scores, newest first' }).innerText(), /\b7\s+Lower back\s+6/);

  // The range control: a year back shows the score from 120 days ago.
  await app.getByRole('group', { name: 'Time range' }).getByRole('button', { name: '1 year' }).click();
  await app.getByText(/^5 pain scores/).waitFor();
  assert.equal(await app.getByRole('button', { name: '1 year' }).getAttribute('aria-pressed'), 'true');
  assert.match(app.url(), /#range=1y$/);
  // Beyond 90 days the pain trend is the server's daily statistics; sleep and steps always are: no wearable
  // Observation is ever searched, and the table lists only the last 90 days' scores one by one.
  assert.ok(
    asked.some((u) => /\/Observation\/\$stats\?.*code=72514-3.*bucket=day/.test(u)),
    asked.join('\n'),
  );
  assert.ok(
    asked.some((u) => /\/Observation\/\$stats\?.*code=93832-4&code=41950-7.*bucket=day/.test(u)),
    asked.join('\n'),
  );
  assert.deepEqual(
    asked.filter((u) => /\/Observation\?.*(93832-4|41950-7|8867-4)/.test(u)),
    [],
  );
  assert.equal(await app.locator('svg.pain-chart circle').count(), JANE_PAIN.length + 1);
  assert.match(await app.locator('#treatment details > summary').innerText(), /^The 4 pain scores of the last 90 days/);

  // Read-only launch: recording says what is missing and offers to ask for it at the next launch.
  await app.getByText(/did not ask for permission to record/).waitFor();
  assert.equal(await app.getByRole('button', { name: 'Record pain score' }).isDisabled(), true);
  await app.getByText(`Signed in as Dr. Maria Lopez`).waitFor();
  assert.equal(await app.getByRole('alert').count(), 0, 'no error shown');
  assert.deepEqual(await axeViolations(app), []);
  mkdirSync(ARTIFACTS, { recursive: true });
  await app.setViewportSize({ width: 1280, height: 800 });
  await app.screenshot({ path: `${ARTIFACTS}/provider-app-1280.png` });
  await app.setViewportSize({ width: 390, height: 844 });
  await app.reload();
  await app.locator('svg.pain-chart').waitFor();
  // At phone width the chart is drawn at its real width: its labels keep an 11 px font.
  const labelHeight = await app
    .locator('svg.pain-chart .grid text')
    .first()
    .evaluate((t) => t.getBoundingClientRect().height);
  assert.ok(labelHeight >= 10, `chart label ${labelHeight}px high`);
  // The page itself never scrolls sideways (a wide table scrolls inside its own box).
  assert.equal(await app.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling');
  await app.screenshot({ path: `${ARTIFACTS}/provider-app-390.png`, fullPage: true });
  assert.deepEqual(await axeViolations(app), []);
  assert.deepEqual(browser.problems, []);
});

test('standalone launch: sign in as the practitioner, pick a patient, consent, the app shows that patient only', async () => {
  const { page, browser } = await freshPage();
  await standaloneAsPractitioner(page, ids.omar);

  // Standalone: no EHR around the app, so the server asks for the banner and the app shows it.
  const banner = page.getByRole('region', { name: 'Patient' });
  await banner.getByRole('heading', { name: 'Omar Haddad' }).waitFor();
  assert.match(await banner.innerText(), /Born\s+30 Nov 1975 \(\d+ years\)\s+Gender\s+Male\s+MRN\s+MRN-0815/);
  assert.equal((await tokenResponse(page)).need_patient_banner, true);
  // The EHR's highlight colour from smart_style_url is the app's accent (the banner's edge).
  const styleUrl = (await tokenResponse(page)).smart_style_url!;
  const style = (await (await fetch(styleUrl)).json()) as { color_highlight: string };
  await page.waitForFunction(
    (c) => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim() === c,
    style.color_highlight,
  );
  assert.deepEqual(await painRows(page), expectedRows(OMAR_PAIN));
  await page.getByText('No current medications recorded.').waitFor();
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

test('a revoked token: one message says the session has expired, with a relaunch button', async () => {
  const { page } = await freshPage();
  await standaloneAsPractitioner(page, ids.jane);
  assert.deepEqual(await painRows(page), expectedRows(JANE_PAIN));

  const discovery = (await (await fetch(`${base}/fhir/.well-known/smart-configuration`)).json()) as { revocation_endpoint: string };
  const revoked = await fetch(discovery.revocation_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: (await tokenResponse(page)).access_token!, client_id: 'fibrotrack-provider-app' }),
  });
  assert.equal(revoked.status, 200);
  await page.reload();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Your session has expired[\s\S]*401[\s\S]*Launch the app again/);
  await page.waitForLoadState('networkidle');
  assert.equal(await page.getByRole('alert').count(), 1, 'one message, not one per section');
  assert.equal(await page.locator('table:visible').count(), 0, 'no data left on screen');
  await alert.getByRole('link', { name: 'Relaunch' }).click();
  await page.waitForURL(/\/auth\//);
});

test('consent without MedicationStatement: the medications section says it is not permitted (403), the rest loads', async () => {
  const { page } = await freshPage();
  await standaloneAsPractitioner(page, ids.jane, { untick: ['patient/MedicationStatement.rs'] });

  const alert = page.locator('#medications').getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Not permitted to view medications[\s\S]*403/);
  assert.deepEqual(await painRows(page), expectedRows(JANE_PAIN));
});

test('denied consent: the app says authorization was not granted and how to start again', async () => {
  const { page } = await freshPage();
  await standaloneAsPractitioner(page, ids.jane, { deny: true });
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

test('recording: asked for at a standalone relaunch, a pain score with a body site and note is saved and shown at once', async () => {
  const { page, browser } = await freshPage();
  await standaloneAsPractitioner(page, ids.omar);
  // The read-only launch offers a relaunch that asks for the write scope.
  await page.getByRole('link', { name: 'Relaunch with permission to record' }).click();
  await page.waitForURL(/\/auth\//);
  await page.locator('select[name=patient]').selectOption(ids.omar);
  await page.locator('#select-patient').click();
  assert.equal(await page.locator('input[name=scope][value="patient/Observation.c"]').count(), 1, 'consent lists the write scope');
  await page.locator('#approve').click();
  await page.waitForURL(/\/app\/index\.html/);
  await page.getByText(/^2 pain scores/).waitFor();

  await page.getByLabel(/^Pain score/).fill('11');
  await page.getByRole('button', { name: 'Record pain score' }).click();
  await page.getByText('Choose a pain score from 0 to 10.').waitFor();
  await page.getByLabel(/^Pain score/).fill('6');
  await page.locator('#record summary').click();
  await page.getByLabel('Neck').check();
  await page.getByLabel('Note (optional)').fill('Neck pain after a long drive');
  await page.getByRole('button', { name: 'Record pain score' }).click();
  await page.getByText('Recorded pain 6 of 10 at 1 site.').waitFor();
  await page.getByText(/^3 pain scores .*latest 6/).waitFor();
  assert.match(await page.getByRole('list', { name: /Body regions with pain/ }).innerText(), /Neck: mean 6, 1 report/);
  const rows = await page
    .getByRole('table', { name: 'Pain scores, newest first' })
    .locator('tbody tr')
    .first()
    .innerText()
    .catch(async () => {
      await page.locator('#treatment details > summary').click();
      return page.getByRole('table', { name: 'Pain scores, newest first' }).locator('tbody tr').first().innerText();
    });
  assert.match(rows, /6\s+Neck[\s\S]*Neck pain after a long drive/);
  // Stored as a profiled Observation by the signed-in practitioner.
  const token = (await tokenResponse(page)).access_token!;
  const search = (await (
    await fetch(`${base}/fhir/Observation?patient=${ids.omar}&code=http://loinc.org|72514-3&_sort=-date&_count=1`, {
      headers: { Authorization: `Bearer ${token}` },
    })
  ).json()) as { entry: { resource: { performer: { reference: string }[]; meta: { profile: string[] } } }[] };
  assert.equal(search.entry[0].resource.performer[0].reference, `Practitioner/${ids.practitioner}`);
  assert.deepEqual(browser.problems, []);
});

test('print: a summary of at most two pages without the controls', async () => {
  const { page } = await freshPage();
  await standaloneAsPractitioner(page, ids.jane);
  await page.locator('svg.medication-chart').waitFor();
  await page.locator('#vitals table').waitFor();
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('.range').isVisible(), false);
  assert.equal(await page.locator('#record-section').isVisible(), false);
  const pdf = await page.pdf({ format: 'A4' });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.ok(pages >= 1 && pages <= 2, `${pages} pages`);
});
