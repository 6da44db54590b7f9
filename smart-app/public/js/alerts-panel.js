import { openAlertChannel } from './alert-channel.js';
import { acknowledgementFlag, acknowledgementsUrl, alertScoresUrl, alertsByPatient, openAlerts, patientIdsOf, } from './alerts.js';
import { alertLabel, alertListView, alertsView } from './alerts-view.js';
import { bundleResources, nextLink } from './bundle-pages.js';
import { show } from './dom.js';
import { describeProblem, toErrorLike } from './errors.js';
import { formatName } from './format.js';
import { problemView } from './problem-view.js';
const NO_STORE = 'no-store';
/** Acknowledgements are searched for this many patients per request (the URL stays short). */
const PATIENTS_PER_SEARCH = 50;
const POLL_MS = 60_000;
/** Grants creating Flags (v2 `c`, v1 `write`, or `*`), at patient or user level. */
export function canAcknowledge(scope) {
    return (scope ?? '').split(/\s+/).some((s) => /^(patient|user)\/(Flag|\*)\.(\*|write|c[ruds]*)$/.test(s));
}
async function load(client, patientId, now) {
    const bundle = await client.request({ url: alertScoresUrl(patientId, now), cache: NO_STORE });
    const resources = bundleResources(bundle);
    const observations = resources.filter((r) => r.resourceType === 'Observation');
    const patients = resources.filter((r) => r.resourceType === 'Patient');
    const candidates = openAlerts(observations, [], now);
    const ids = patientIdsOf(candidates);
    const flags = [];
    for (let i = 0; i < ids.length; i += PATIENTS_PER_SEARCH) {
        const page = await client.request({ url: acknowledgementsUrl(ids.slice(i, i + PATIENTS_PER_SEARCH), now), cache: NO_STORE });
        flags.push(...bundleResources(page));
    }
    return { alerts: openAlerts(observations, flags, now), patients, more: !!nextLink(bundle) };
}
export function startAlertsPanel(opts) {
    const { client, patientId, ids } = opts;
    let shown;
    let running;
    let again = false;
    let poll;
    let patients = new Map();
    const announce = (text) => {
        // Cleared first so the same words said twice are still read out.
        show(ids.announce);
        setTimeout(() => show(ids.announce, text), 50);
    };
    const who = (a) => (patientId ? '' : ` (${formatName(patients.get(a.patient)?.name) || a.patient})`);
    const acknowledge = async (alert) => {
        try {
            await client.request({
                url: 'Flag',
                method: 'POST',
                headers: { 'Content-Type': 'application/fhir+json' },
                body: JSON.stringify(acknowledgementFlag(alert, opts.author, new Date())),
            });
        }
        catch (err) {
            const e = toErrorLike(err);
            if (e.status === 401)
                opts.expired(err);
            throw new Error(e.diagnostics ?? describeProblem(e, 'the acknowledgement').title, { cause: err });
        }
        // Focus moves to the next alert's button (or the heading), not to the top of the page.
        const list = [...document.querySelectorAll(`#${ids.list} li[data-alert]`)].map((li) => li.dataset.alert);
        const next = list[list.indexOf(alert.id) + 1] ?? list[list.indexOf(alert.id) - 1];
        await refresh();
        announce(`Acknowledged: ${alertLabel(alert)}${who(alert)}.`);
        const target = next ? document.querySelector(`#${ids.list} button[data-alert="${next}"]`) : null;
        (target ?? document.getElementById(ids.heading))?.focus();
    };
    const render = (loaded) => {
        patients = new Map(loaded.patients.map((p) => [`Patient/${p.id}`, p]));
        const focused = document.activeElement?.dataset?.alert;
        const view = { cannotAcknowledge: opts.cannotAcknowledge, acknowledge, more: loaded.more };
        show(ids.list, patientId ? alertsView(loaded.alerts, view) : alertListView(alertsByPatient(loaded.alerts, loaded.patients), view));
        if (focused)
            document.querySelector(`#${ids.list} button[data-alert="${focused}"]`)?.focus();
        const fresh = shown ? loaded.alerts.filter((a) => !shown.has(a.id)) : [];
        shown = new Set(loaded.alerts.map((a) => a.id));
        if (fresh.length === 1)
            announce(`New pain alert: ${alertLabel(fresh[0])}${who(fresh[0])}.`);
        else if (fresh.length > 1)
            announce(`${fresh.length} new pain alerts.`);
    };
    /** Reads the alerts again; calls while one read runs are folded into one more read after it. */
    const refresh = async () => {
        if (running) {
            again = true;
            return running;
        }
        running = (async () => {
            do {
                again = false;
                try {
                    render(await load(client, patientId, new Date()));
                }
                catch (err) {
                    const problem = describeProblem(toErrorLike(err), 'pain alerts');
                    if (problem.kind === 'expired')
                        opts.expired(err);
                    else
                        show(ids.list, problemView(problem));
                }
            } while (again);
        })().finally(() => {
            running = undefined;
        });
        return running;
    };
    const setState = (s) => {
        clearInterval(poll);
        if (s.live) {
            show(ids.live, 'Live: new alerts appear here as they are recorded.');
            return;
        }
        show(ids.live, `Live updates paused: ${s.why}. ${s.retrying ? 'Reconnecting; ' : ''}checking every minute meanwhile.`);
        poll = setInterval(() => void refresh(), POLL_MS);
    };
    show(ids.live, 'Connecting for live alerts…');
    void refresh();
    const channel = openAlertChannel(client, patientId, () => void refresh(), setState);
    return {
        close() {
            clearInterval(poll);
            channel.close();
        },
    };
}
