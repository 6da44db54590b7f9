// index.html (the redirect URI): completes the SMART authorization with fhirclient, then loads and shows the
// patient banner, pain trend, current medications and latest wearable vitals, each section on its own.
import type Client from 'fhirclient/lib/Client';
import type { Bundle, Observation, Patient, Resource } from 'fhir/r4.js';
import { bannerView } from './banner-view.js';
import { bundleResources, MAX_PAGES, nextLink } from './bundle-pages.js';
import { h, show } from './dom.js';
import { describeProblem, toErrorLike, type Problem } from './errors.js';
import { formatName } from './format.js';
import { medicationRows, medicationSearchUrl } from './medications.js';
import { medicationsView } from './medications-view.js';
import { buildPainSeries, painSearchUrl, windowStart } from './pain-series.js';
import { painView } from './pain-view.js';
import { problemView } from './problem-view.js';
import { styleVariables } from './smart-style.js';
import { lastnUrl, vitalRows } from './vitals.js';
import { vitalsView } from './vitals-view.js';

/**
 * Patient data must not outlive the session in the browser's HTTP cache: without this a reload after the token
 * was revoked showed a heuristically cached Patient read instead of the 401.
 */
const NO_STORE: RequestCache = 'no-store';

async function read<T>(client: Client, url: string): Promise<T> {
  return client.request<T>({ url, cache: NO_STORE });
}

/** Every page of a search, as a flat list of resources (paged here so each page is fetched uncached). */
async function searchAll<T extends Resource>(client: Client, url: string): Promise<T[]> {
  const resources: T[] = [];
  let next: string | undefined = url;
  for (let page = 0; next && page < MAX_PAGES; page++) {
    const bundle: Bundle = await read<Bundle>(client, next);
    resources.push(...bundleResources<T>(bundle));
    next = nextLink(bundle);
  }
  // Showing a cut-off trend as if it were complete would mislead; say so instead.
  if (next) throw new Error(`The server returned more than ${MAX_PAGES} pages; not all data could be shown.`);
  return resources;
}

/**
 * Fills one section; a failure shows in that section only (as an alert), the others still load. aria-busy
 * rather than a live region: a screen reader should not read out whole tables as they arrive.
 */
async function section(id: string, what: string, load: () => Promise<Node>): Promise<void> {
  show(id, h('p', { class: 'loading' }, `Loading ${what}…`)).setAttribute('aria-busy', 'true');
  try {
    show(id, await load());
  } catch (err) {
    show(id, problemView(describeProblem(toErrorLike(err), what)));
  } finally {
    document.getElementById(id)!.removeAttribute('aria-busy');
  }
}

function fail(problem: Problem): void {
  show('problem', problemView(problem));
  for (const id of ['banner-section', 'pain-section', 'medications-section', 'vitals-section']) document.getElementById(id)!.hidden = true;
}

async function showUser(client: Client): Promise<void> {
  const fhirUser = client.getFhirUser();
  if (!client.getState('tokenResponse.access_token')) {
    show('user', 'Open server: no sign-in');
    return;
  }
  if (!fhirUser) {
    show('user', 'Signed in (no fhirUser claim)');
    return;
  }
  // The id_token's fhirUser is an absolute URL; providers recognise "Practitioner/123".
  const ref = client.getUserType() && client.getUserId() ? `${client.getUserType()}/${client.getUserId()}` : fhirUser;
  show('user', `Signed in as ${ref}`);
  try {
    const user = await read<{ name?: Patient['name'] }>(client, fhirUser);
    show('user', `Signed in as ${formatName(user.name)} (${ref})`);
  } catch {
    // The reference alone still says who is signed in; the name is a courtesy.
  }
}

/** The EHR's look (smart_style_url), when it sends one; the app's own look stays on any failure. */
async function applyStyle(client: Client): Promise<void> {
  const url = client.getState('tokenResponse.smart_style_url');
  if (typeof url !== 'string') return;
  try {
    const res = await fetch(url, { cache: NO_STORE, credentials: 'omit' });
    if (!res.ok) return;
    for (const [name, value] of Object.entries(styleVariables(await res.json()))) document.documentElement.style.setProperty(name, value);
  } catch {
    // Styling is a courtesy: a missing or cross-origin style file (blocked by our CSP) changes nothing else.
  }
}

async function start(): Promise<void> {
  FHIR.oauth2.settings.refreshTokenWithClientId = true;
  let client: Client;
  try {
    client = await FHIR.oauth2.ready();
  } catch (err) {
    fail(describeProblem(toErrorLike(err), 'the app'));
    show('user', 'Not signed in');
    return;
  }
  void showUser(client);
  void applyStyle(client);
  const patientId = client.patient.id;
  if (!patientId) {
    fail({ kind: 'not-launched', title: 'No patient in context', detail: 'Launch the app from a patient chart in the EHR, or start a standalone launch and pick a patient.' });
    return;
  }
  const now = new Date();
  const banner = client.getState('tokenResponse.need_patient_banner') !== false;
  document.getElementById('banner-section')!.hidden = !banner;
  await Promise.all([
    banner ? section('banner', 'the patient', async () => bannerView(await read<Patient>(client, `Patient/${patientId}`), now)) : undefined,
    section('pain', 'pain scores', async () =>
      painView(buildPainSeries(await searchAll<Observation>(client, painSearchUrl(patientId, now)), now), windowStart(now), now)),
    section('medications', 'medications', async () => medicationsView(medicationRows(await searchAll(client, medicationSearchUrl(patientId))))),
    section('vitals', 'wearable vitals', async () => vitalsView(vitalRows(await searchAll<Observation>(client, lastnUrl(patientId))))),
  ]);
}

void start();
