// Open pain alerts in the SMART app, end to end: an EHR launch from /ehr/ in headless Chromium against the real
// server on a port (websocket channel, MariaDB, Redis). A pain score of 9 written through the API while the page
// is open appears without a reload; acknowledging it writes a Flag that keeps it acknowledged after a reload;
// the cross-patient list asks for its user/ scopes only when opened. The acknowledgement's refusals through HTTP.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, test } from 'node:test';
import type { Bundle, Flag, FhirResource, Observation, Subscription } from 'fhir/r4.js';
import type { Page } from 'playwright-core';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { addUser, authorizationCodeToken, createResource, forgetConsents } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const DAY = 24 * 60 * 60 * 1000;
// Made up for this test run's throwaway database.
const DR_PASSWORD = 'correct horse battery';
const JANE_PASSWORD = 'jane-secret-pass';
const FLAG_DETAIL = 'http://hl7.org/fhir/StructureDefinition/flag-detail';
const APP = 'fibrotrack-provider-app';

let http: Server;
let server: TestServer;
let base: string;
const ids: Record<string, string> = {};
const browsers: TestBrowser[] = [];

const create = (resource: Record<string, unknown>) => createResource(server, resource as unknown as FhirResource);
const painScore = (patient: string, daysAgo: number, score: number): Record<string, unknown> => ({
  resourceType: 'Observation',
  status: 'final',
  category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: new Date(Date.now() - daysAgo * DAY).toISOString(),
  valueQuantity: { value: score, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
});

before(async () => {
  http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  server = await startTestServer({ AUTH_MODE: 'smart', BASE_URL: base, EHR_SIMULATOR: 'true', SUBSCRIPTION_POLL_MS: '50' });
  http.on('request', server.built.app);
  // The websocket channel (/fhir/ws) is an HTTP upgrade.
  http.on('upgrade', (req, socket, head) => {
    if (!server.built.upgrade(req, socket, head)) socket.destroy();
  });
  ids.practitioner = await create({ resourceType: 'Practitioner', name: [{ given: ['Maria'], family: 'Lopez', prefix: ['Dr.'] }] });
  ids.jane = await create({
    resourceType: 'Patient',
    name: [{ given: ['Jane'], family: 'Doe' }],
    gender: 'female',
    birthDate: '1980-04-02',
  });
  ids.omar = await create({
    resourceType: 'Patient',
    name: [{ given: ['Omar'], family: 'Haddad' }],
    gender: 'male',
    birthDate: '1975-11-30',
  });
  ids.janeOpen = await create(painScore(ids.jane, 2, 10)); // an open alert when the page opens
  await create(painScore(ids.jane, 45, 9)); // too old to be an open alert
  await create(painScore(ids.jane, 1, 4));
  ids.omarOpen = await create(painScore(ids.omar, 1, 9));
  await addUser(server, { username: 'dr.lopez', password: DR_PASSWORD, fhirUser: `Practitioner/${ids.practitioner}` });
  await addUser(server, { username: 'jane', password: JANE_PASSWORD, fhirUser: `Patient/${ids.jane}` });
});

after(async () => {
  for (const b of browsers) await b.close();
  http.closeAllConnections();
  await new Promise((resolve) => http.close(resolve));
  await server.close();
});

// Each browser test walks through the consent page: none skips it for a consent an earlier test gave.
beforeEach(async () => {
  for (const username of ['dr.lopez', 'jane']) await forgetConsents(server, username);
});

/** A token of the provider app through the real authorization flow (sign-in, picker, consent). */
const appToken = (username: string, password: string, scope: string, patient?: string) =>
  authorizationCodeToken(server, {
    client: { clientId: APP, redirectUris: [`${base}/app/index.html`] },
    user: { username, password },
    scope,
    base,
    ...(patient ? { patient } : {}),
  });

async function api(path: string, token: string | undefined, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}/fhir/${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/fhir+json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });
}

async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.locator('#login').click();
}

/** The access token fhirclient keeps in sessionStorage. */
async function pageToken(page: Page): Promise<{ access_token: string; scope: string }> {
  return page.evaluate(() => {
    const key = JSON.parse(sessionStorage.getItem('SMART_KEY') ?? 'null') as string;
    return (JSON.parse(sessionStorage.getItem(key) ?? '{}') as { tokenResponse: { access_token: string; scope: string } }).tokenResponse;
  });
}

async function axeViolations(page: Page): Promise<string[]> {
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

const alertTexts = (page: Page) => page.locator('#alerts li[data-alert] .alert-what').allInnerTexts();

/** /ehr/ -> sign in -> Jane and the provider app -> launch -> sign in -> consent -> the app. */
async function ehrLaunchJane(): Promise<{ page: Page; browser: TestBrowser }> {
  const browser = await launchBrowser();
  browsers.push(browser);
  const page = await browser.newPage();
  await page.goto(`${base}/ehr/`);
  await page.waitForURL(/\/ehr\/login$/);
  await signIn(page, 'dr.lopez', DR_PASSWORD);
  await page.waitForURL(/\/ehr\/$/);
  await page.locator('select[name=patient]').selectOption(ids.jane);
  await page.locator('select[name=client]').selectOption(APP);
  await page.locator('#launch').click();
  await page.waitForURL(/\/auth\//);
  await signIn(page, 'dr.lopez', DR_PASSWORD);
  await page.locator('#approve').click();
  await page.waitForURL(/\/app\/index\.html/);
  return { page, browser };
}

test('EHR launch: open alerts near the top; a score of 9 written through the API appears live; acknowledging writes a Flag that holds after reload', async () => {
  const { page, browser } = await ehrLaunchJane();
  const section = page.getByRole('region', { name: 'Open pain alerts' });
  await section.locator('li[data-alert]').first().waitFor();
  assert.deepEqual(
    (await alertTexts(page)).map((t) => t.split(' ').slice(0, 4).join(' ')),
    ['Pain 10 of 10'],
  );
  await page.getByText(/^Live: new alerts appear here/).waitFor();
  // Clinical priority: the alerts come before the pain chart.
  const y = async (sel: string) => (await page.locator(sel).boundingBox())!.y;
  assert.ok((await y('#alerts-section')) < (await y('#treatment-section')), 'alerts above the chart');

  // A marker the page would lose on a reload.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 1));
  const jane = await appToken('jane', JANE_PASSWORD, 'launch/patient openid fhirUser patient/Observation.c');
  const written = await api('Observation', jane.access_token, { method: 'POST', body: JSON.stringify(painScore(ids.jane, 0, 9)) });
  assert.equal(written.status, 201);
  const scoreId = ((await written.json()) as Observation).id!;
  const started = Date.now();
  await page.waitForFunction(() => document.querySelectorAll('#alerts li[data-alert]').length === 2);
  console.log(`# the new alert showed ${Date.now() - started} ms after the 201`);
  assert.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 1, 'no reload');
  assert.match((await alertTexts(page))[0], /^Pain 9 of 10/);
  // The announcer is emptied, then filled 50 ms later, so that a screen reader announces the same words again.
  await page
    .locator('#alerts-announce')
    .getByText(/New pain alert: Pain 9 of 10/)
    .waitFor();
  assert.deepEqual(await axeViolations(page), []);

  // Acknowledge with the keyboard: focus moves on to the remaining alert's button.
  const ack = section.getByRole('button', { name: /^Acknowledge Pain 9 of 10/ });
  await ack.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#alerts li[data-alert]').length === 1);
  assert.match((await alertTexts(page))[0], /^Pain 10 of 10/);
  assert.equal(
    await page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? ''),
    await section.getByRole('button').first().getAttribute('aria-label'),
  );
  await page.getByText(/^Acknowledged: Pain 9 of 10/).waitFor();

  // The FHIR write: one inactive Flag about Jane, by the practitioner, naming the score.
  const token = (await pageToken(page)).access_token;
  const flags = (await (await api(`Flag?patient=${ids.jane}`, token)).json()) as Bundle;
  assert.equal(flags.entry?.length, 1);
  const flag = flags.entry[0].resource as Flag;
  assert.equal(flag.status, 'inactive');
  assert.equal(flag.subject.reference, `Patient/${ids.jane}`);
  assert.equal(flag.author?.reference, `Practitioner/${ids.practitioner}`);
  assert.deepEqual(flag.extension?.find((e) => e.url === FLAG_DETAIL)?.valueReference, { reference: `Observation/${scoreId}` });

  // After a reload it stays acknowledged, and the app reuses its Subscription instead of making another.
  await page.reload();
  await page.getByText(/^Live: new alerts appear here/).waitFor();
  await page.locator('#alerts li[data-alert]').first().waitFor();
  assert.deepEqual((await alertTexts(page)).length, 1);
  const subs = (await (await api('Subscription', (await pageToken(page)).access_token)).json()) as Bundle;
  assert.equal(subs.entry?.length, 1, 'one Subscription, reused');
  assert.equal((subs.entry[0].resource as Subscription).channel.type, 'websocket');

  // Phone width: no sideways scrolling, still accessible; print keeps the alert, drops the buttons.
  await page.setViewportSize({ width: 390, height: 844 });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scrolling');
  assert.deepEqual(await axeViolations(page), []);
  await page.emulateMedia({ media: 'print' });
  assert.equal(await section.locator('li[data-alert]').first().isVisible(), true);
  assert.equal(await section.getByRole('button').first().isVisible(), false);
  await page.emulateMedia({ media: 'screen' });
  assert.deepEqual(browser.problems, []);
});

test('the list of all patients with open alerts asks for user/ scopes only when opened, in its own tab', async () => {
  const { page, browser } = await ehrLaunchJane();
  await page.getByText(/^Live: new alerts appear here/).waitFor();
  assert.ok(
    !(await pageToken(page)).scope.split(' ').some((s) => /^user\/(Observation|Flag)/.test(s)),
    'the patient launch has no user/ data scopes',
  );
  const [list] = await Promise.all([
    browser.context.waitForEvent('page'),
    page.getByRole('link', { name: 'Open pain alerts of all your patients' }).click(),
  ]);
  await list.waitForURL(/\/auth\//);
  // The consent asks for the list's user/ scopes (the sign-in is remembered).
  assert.equal(await list.locator('input[name=scope][value="user/Observation.rs"]').count(), 1);
  await list.locator('#approve').click();
  await list.waitForURL(/\/app\/index\.html/);
  await list.getByRole('heading', { name: 'Open pain alerts of your patients' }).waitFor();
  const omar = list.getByRole('region', { name: 'Omar Haddad' });
  await omar.locator('li[data-alert]').waitFor();
  assert.match(await omar.innerText(), /Omar Haddad \(1 open\)[\s\S]*Pain 9 of 10/);
  assert.equal(await list.getByRole('region', { name: 'Jane Doe' }).locator('li[data-alert]').count(), 1);
  assert.equal(await list.locator('#treatment-section').isVisible(), false);
  await list.getByText(/^Live: new alerts appear here/).waitFor();
  assert.deepEqual(await axeViolations(list), []);
  await omar.getByRole('button', { name: /^Acknowledge Pain 9 of 10/ }).click();
  await list.getByText(/^Acknowledged: Pain 9 of 10, .* \(Omar Haddad\)/).waitFor();
  assert.equal(await list.getByRole('region', { name: 'Omar Haddad' }).count(), 0);
  assert.deepEqual(browser.problems, []);
});

test("acknowledging through HTTP: another patient's token, too few scopes and no token are refused, and nothing is stored", async () => {
  const flagFor = (patient: string, observation: string) => ({
    resourceType: 'Flag',
    status: 'inactive',
    extension: [{ url: FLAG_DETAIL, valueReference: { reference: `Observation/${observation}` } }],
    code: { coding: [{ system: 'http://snomed.info/sct', code: '76948002' }] },
    subject: { reference: `Patient/${patient}` },
  });
  const body = JSON.stringify(flagFor(ids.jane, ids.janeOpen));
  const omarContext = await appToken('dr.lopez', DR_PASSWORD, 'launch/patient openid fhirUser patient/Flag.cs', ids.omar);
  const other = await api('Flag', omarContext.access_token, { method: 'POST', body });
  assert.equal(other.status, 403);
  assert.equal(((await other.json()) as { resourceType: string }).resourceType, 'OperationOutcome');
  const noFlagScope = await appToken('jane', JANE_PASSWORD, 'launch/patient openid fhirUser patient/Observation.rs');
  assert.equal((await api('Flag', noFlagScope.access_token, { method: 'POST', body })).status, 403);
  assert.equal((await api('Flag', undefined, { method: 'POST', body })).status, 401);
  // Jane's open alert is still unacknowledged: no Flag names her score.
  const janeContext = await appToken('dr.lopez', DR_PASSWORD, 'launch/patient openid fhirUser patient/Flag.cs', ids.jane);
  const flags = (await (await api(`Flag?patient=${ids.jane}`, janeContext.access_token)).json()) as Bundle;
  const naming = (flags.entry ?? []).filter((e) =>
    (e.resource as Flag).extension?.some((x) => x.valueReference?.reference === `Observation/${ids.janeOpen}`),
  );
  assert.deepEqual(naming, []);
  // The same token may acknowledge its own patient's alert.
  assert.equal((await api('Flag', janeContext.access_token, { method: 'POST', body })).status, 201);
});
