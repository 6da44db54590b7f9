import { activityStatsUrl, activitySeries } from './activity.js';
import { activityChart } from './activity-chart-view.js';
import { bannerView } from './banner-view.js';
import { regionPain } from './body-map.js';
import { bodyMapView } from './body-map-view.js';
import { bundleResources, MAX_PAGES, nextLink } from './bundle-pages.js';
import { conditionRows, conditionSearchUrl } from './conditions.js';
import { conditionsView } from './conditions-view.js';
import { dailyStatsUrl, meanOfDays, painDays, statDays, summarizeDays } from './daily-stats.js';
import { h, show } from './dom.js';
import { describeProblem, toErrorLike } from './errors.js';
import { formatName } from './format.js';
import { LAUNCH_KIND, WANTS_RECORDING } from './launch-options.js';
import { medicationChart } from './medication-chart-view.js';
import { medicationEntries, medicationSearchUrls } from './medications.js';
import { medicationsView } from './medications-view.js';
import { canRecord } from './pain-record.js';
import { buildPainSeries, dailyPain, meanPainBetween, painSearchUrl, PAIN_LOINC, summarizePain, } from './pain-series.js';
import { painChart, painSummary, painTable } from './pain-view.js';
import { problemView } from './problem-view.js';
import { DAY_MS, parseRange, rangePhrase, rangeStart } from './range.js';
import { rangeView } from './range-view.js';
import { recordView } from './record-view.js';
import { styleVariables } from './smart-style.js';
import { timeAxis } from './timeline.js';
import { lanesInRange, medicationLanes } from './treatment.js';
import { lastnUrl, vitalRows } from './vitals.js';
import { vitalsView } from './vitals-view.js';
/**
 * Patient data must not outlive the session in the browser's HTTP cache: without this a reload after the token
 * was revoked showed a heuristically cached Patient read instead of the 401.
 */
const NO_STORE = 'no-store';
const SECTIONS = [
    'banner-section',
    'treatment-section',
    'body-map-section',
    'medications-section',
    'conditions-section',
    'vitals-section',
    'record-section',
];
async function read(client, url) {
    return client.request({ url, cache: NO_STORE });
}
/** Every page of a search, as a flat list of resources (paged here so each page is fetched uncached). */
async function searchAll(client, url) {
    const resources = [];
    let next = url;
    for (let page = 0; next && page < MAX_PAGES; page++) {
        const bundle = await read(client, next);
        resources.push(...bundleResources(bundle));
        next = nextLink(bundle);
    }
    // Showing a cut-off trend as if it were complete would mislead; say so instead.
    if (next)
        throw new Error(`The server returned more than ${MAX_PAGES} pages; not all data could be shown.`);
    return resources;
}
/** Where a relaunch starts: the standalone page can restart itself; an EHR launch must come from the EHR. */
function relaunchAction(client) {
    if (sessionStorage.getItem(LAUNCH_KIND) !== 'standalone')
        return undefined;
    const iss = client?.state.serverUrl;
    return { label: 'Relaunch', href: iss ? `standalone.html?${new URLSearchParams({ iss })}` : 'standalone.html' };
}
/** A problem with the whole session (not launched, denied, expired): one banner, every section hidden. */
let sessionProblem = false;
function fail(problem, client) {
    if (sessionProblem)
        return;
    sessionProblem = true;
    show('problem', problemView(problem, relaunchAction(client)));
    for (const id of SECTIONS)
        document.getElementById(id).hidden = true;
}
/**
 * Fills one section; a failure shows in that section only (as an alert), the others still load, except an
 * expired session, which is one banner for the page. aria-busy rather than a live region: a screen reader should
 * not read out whole tables as they arrive.
 */
async function section(client, id, what, load) {
    show(id, h('p', { class: 'loading' }, `Loading ${what}…`)).setAttribute('aria-busy', 'true');
    try {
        show(id, await load());
    }
    catch (err) {
        const problem = describeProblem(toErrorLike(err), what);
        if (problem.kind === 'expired')
            fail(problem, client);
        else
            show(id, problemView(problem));
    }
    finally {
        document.getElementById(id).removeAttribute('aria-busy');
    }
}
/** Honest mode: a SMART session has an authorization endpoint; AUTH_MODE=open has none (fhirclient fakes a token). */
async function showUser(client) {
    if (!client.state.authorizeUri) {
        show('user', 'Open server: no sign-in');
        return;
    }
    const fhirUser = client.getFhirUser();
    if (!fhirUser) {
        show('user', 'Signed in (no fhirUser claim)');
        return;
    }
    // The id_token's fhirUser is an absolute URL; providers recognise "Practitioner/123".
    const ref = client.getUserType() && client.getUserId() ? `${client.getUserType()}/${client.getUserId()}` : fhirUser;
    show('user', `Signed in as ${ref}`);
    try {
        const user = await read(client, fhirUser);
        show('user', h('span', { title: ref }, `Signed in as ${formatName(user.name)}`), h('span', { class: 'user-ref' }, ` (${ref})`));
    }
    catch {
        // The reference alone still says who is signed in; the name is a courtesy.
    }
}
/** The EHR's look (smart_style_url), when it sends one; the app's own look stays on any failure. */
async function applyStyle(client) {
    const url = client.getState('tokenResponse.smart_style_url');
    if (typeof url !== 'string')
        return;
    try {
        const res = await fetch(url, { cache: NO_STORE, credentials: 'omit' });
        if (!res.ok)
            return;
        for (const [name, value] of Object.entries(styleVariables(await res.json())))
            document.documentElement.style.setProperty(name, value);
    }
    catch {
        // Styling is a courtesy: a missing or cross-origin style file (blocked by our CSP) changes nothing else.
    }
}
/** Beyond this many days the chart is drawn from the server's daily statistics, not from every score. */
const SCORES_DAYS = 90;
/** Up to SCORES_DAYS, every score; beyond, daily statistics ($stats) plus the recent scores for the table and body map. */
async function loadPain(client, patientId, from, now) {
    const long = !from || now.getTime() - from.getTime() > SCORES_DAYS * DAY_MS;
    const scoresFrom = long ? new Date(now.getTime() - SCORES_DAYS * DAY_MS) : from;
    const scores = (async () => buildPainSeries(await searchAll(client, painSearchUrl(patientId, scoresFrom)), scoresFrom, now))();
    if (!long) {
        const points = await scores;
        return { points, days: dailyPain(points), summary: summarizePain(points), meanBetween: (a, b) => meanPainBetween(points, a, b) };
    }
    const [points, answer] = await Promise.all([
        scores,
        read(client, dailyStatsUrl(patientId, [PAIN_LOINC], ['average', 'maximum', 'minimum', 'count'], from, now)),
    ]);
    const stats = statDays(answer).get(PAIN_LOINC) ?? [];
    const days = painDays(stats);
    const minimum = new Map(stats.flatMap((d) => (d.values.minimum === undefined ? [] : [[d.day, d.values.minimum]])));
    return {
        points,
        days,
        summary: summarizeDays(days, minimum, points[points.length - 1]),
        meanBetween: (a, b) => meanOfDays(days, a, b),
        recent: `the last ${SCORES_DAYS} days`,
    };
}
/** The treatment chart, body map and medication tables for one range; pain drives all three. */
async function showTreatment(ctx, range) {
    const { client, patientId } = ctx;
    // Now, not the page's load time: a score recorded since then belongs in the chart.
    const now = new Date();
    const from = rangeStart(range, now);
    const phrase = rangePhrase(range);
    document.getElementById('treatment-heading').textContent = `Pain and treatment, ${phrase}`;
    const pain = loadPain(client, patientId, from, now);
    const choose = (key) => {
        history.replaceState(null, '', `#range=${key}`);
        void showTreatment(ctx, key);
    };
    const chartWidth = () => Math.max(300, Math.round(document.getElementById('treatment').clientWidth || 640));
    await Promise.all([
        section(client, 'treatment', 'pain scores', async () => {
            const [p, entries] = await Promise.all([pain, ctx.medications.catch(() => [])]);
            // Sleep and steps as daily statistics: the wearable records themselves stay on the server.
            const activity = await read(client, activityStatsUrl(patientId, from, now)).catch(() => undefined);
            const start = from ??
                new Date(Math.min(now.getTime() - 30 * 86_400_000, ...p.days.map((d) => d.time - DAY_MS / 2), ...entries.flatMap((e) => (e.start ? [Date.parse(e.start)] : [])).filter((t) => !Number.isNaN(t))));
            const width = chartWidth();
            const axis = timeAxis(start, now, width < 500 ? 2 : 4, width);
            const lanes = lanesInRange(medicationLanes(entries, p.meanBetween, now), axis.from, axis.to);
            return h('div', {}, rangeView(range, choose), painSummary(p.summary, phrase), painChart(p.days, axis, phrase), medicationChart(lanes, axis), activity
                ? activityChart(activitySeries(statDays(activity)), axis)
                : h('p', { class: 'empty' }, 'Sleep and steps could not be loaded.'), chartLegend(), p.points.length ? painTable(p.points, p.recent) : null);
        }),
        section(client, 'body-map', 'pain body sites', async () => bodyMapView(regionPain((await pain).points, now))),
        section(client, 'medications', 'medications', async () => {
            const [entries, p] = await Promise.all([ctx.medications, pain.catch(() => undefined)]);
            return medicationsView(entries, medicationLanes(entries, p?.meanBetween ?? (() => undefined), now));
        }),
    ]);
}
function chartLegend() {
    const item = (cls, text) => h('li', {}, h('span', { class: `key ${cls}`, 'aria-hidden': 'true' }), text);
    return h('ul', { class: 'legend', 'aria-label': 'Chart key' }, item('pain', 'daily mean pain (line), daily maximum (whisker)'), item('reported', 'medication reported taken'), item('prescribed', 'medication prescribed'), item('event', 'start, dose change or stop'), item('sleep', 'sleep hours'), item('steps', 'steps'));
}
async function start() {
    FHIR.oauth2.settings.refreshTokenWithClientId = true;
    let client;
    try {
        client = await FHIR.oauth2.ready();
    }
    catch (err) {
        fail(describeProblem(toErrorLike(err), 'the app'));
        show('user', 'Not signed in');
        return;
    }
    void showUser(client);
    void applyStyle(client);
    const patientId = client.patient.id;
    if (!patientId) {
        fail({
            kind: 'not-launched',
            title: 'No patient in context',
            detail: 'Launch the app from a patient chart in the EHR, or start a standalone launch and pick a patient.',
        }, client);
        return;
    }
    const now = new Date();
    const banner = client.getState('tokenResponse.need_patient_banner') !== false;
    document.getElementById('banner-section').hidden = !banner;
    const ctx = {
        client,
        patientId,
        medications: (async () => medicationEntries((await Promise.all(medicationSearchUrls(patientId).map((u) => searchAll(client, u)))).flat(), now))(),
    };
    const patient = read(client, `Patient/${patientId}`);
    // The window title names the patient, so a clinician with several tabs finds the right one.
    patient.then((p) => {
        document.title = `${formatName(p.name)}: FibroTrack pain overview`;
    }, () => undefined);
    const scope = client.getState('tokenResponse.scope');
    const kind = sessionStorage.getItem(LAUNCH_KIND);
    show('record', recordView({
        patientId,
        performer: client.getFhirUser() ? `${client.getUserType()}/${client.getUserId()}` : undefined,
        allowed: canRecord(scope) || !client.state.authorizeUri,
        askPermission: kind === 'standalone'
            ? { href: `standalone.html?${new URLSearchParams({ iss: client.state.serverUrl, record: 'yes' })}` }
            : { remember: () => localStorage.setItem(WANTS_RECORDING, 'yes') },
        save: async (observations) => {
            try {
                await client.request({
                    url: client.state.serverUrl,
                    method: 'POST',
                    headers: { 'Content-Type': 'application/fhir+json' },
                    body: JSON.stringify({
                        resourceType: 'Bundle',
                        type: 'transaction',
                        entry: observations.map((resource) => ({ resource, request: { method: 'POST', url: 'Observation' } })),
                    }),
                });
            }
            catch (err) {
                const e = toErrorLike(err);
                throw new Error(e.diagnostics ?? describeProblem(e, 'the pain score').title, { cause: err });
            }
            await showTreatment(ctx, parseRange(location.hash));
        },
    }));
    // Charts are drawn at the width they get: a rotated tablet or a resized window redraws them (after a pause).
    let drawnWidth = document.getElementById('treatment').clientWidth;
    let resizeTimer;
    window.addEventListener('resize', () => {
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(() => {
            const width = document.getElementById('treatment').clientWidth;
            if (Math.abs(width - drawnWidth) < 80)
                return;
            drawnWidth = width;
            void showTreatment(ctx, parseRange(location.hash));
        }, 300);
    });
    await Promise.all([
        banner ? section(client, 'banner', 'the patient', async () => bannerView(await patient, now)) : undefined,
        showTreatment(ctx, parseRange(location.hash)),
        section(client, 'conditions', 'conditions', async () => conditionsView(conditionRows(await searchAll(client, conditionSearchUrl(patientId))))),
        section(client, 'vitals', 'wearable vitals', async () => vitalsView(vitalRows(await searchAll(client, lastnUrl(patientId)), now))),
    ]);
}
void start();
