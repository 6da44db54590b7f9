// The open pain alerts section: loads the alerts (one patient's, or every patient's the token may search), keeps
// them live over the websocket channel (a poll every minute while it is down), announces new ones to screen
// readers, and acknowledges one by writing its Flag. Used by the patient view and by the cross-patient list.
import type Client from 'fhirclient/lib/Client';
import type { Bundle, Flag, Observation, Patient } from 'fhir/r4.js';
import { openAlertChannel, type ChannelState } from './alert-channel.js';
import {
  acknowledgementFlag,
  acknowledgementsUrl,
  alertScoresUrl,
  alertsByPatient,
  openAlerts,
  patientIdsOf,
  type PainAlert,
} from './alerts.js';
import { alertLabel, alertListView, alertsView } from './alerts-view.js';
import { bundleResources, nextLink } from './bundle-pages.js';
import { show } from './dom.js';
import { describeProblem, toErrorLike } from './errors.js';
import { formatName } from './format.js';
import { problemView } from './problem-view.js';

const NO_STORE: RequestCache = 'no-store';
/** Acknowledgements are searched for this many patients per request (the URL stays short). */
const PATIENTS_PER_SEARCH = 50;
const POLL_MS = 60_000;

export interface AlertsPanelOptions {
  client: Client;
  /** The patient in context; undefined for the cross-patient list. */
  patientId?: string;
  /** Element ids: where the list goes, the live status line, the (assertive) announcer, the heading. */
  ids: { list: string; live: string; announce: string; heading: string };
  /** Why acknowledging is impossible (scope missing), if it is. */
  cannotAcknowledge?: string;
  author?: string;
  /** The session ended (401): the page shows one banner. */
  expired(err: unknown): void;
}

/** Grants creating Flags (v2 `c`, v1 `write`, or `*`), at patient or user level. */
export function canAcknowledge(scope: string | undefined): boolean {
  return (scope ?? '').split(/\s+/).some((s) => /^(patient|user)\/(Flag|\*)\.(\*|write|c[ruds]*)$/.test(s));
}

interface Loaded {
  alerts: PainAlert[];
  patients: Patient[];
  more: boolean;
}

async function load(client: Client, patientId: string | undefined, now: Date): Promise<Loaded> {
  const bundle = await client.request<Bundle>({ url: alertScoresUrl(patientId, now), cache: NO_STORE });
  const resources = bundleResources(bundle);
  const observations = resources.filter((r): r is Observation => r.resourceType === 'Observation');
  const patients = resources.filter((r): r is Patient => r.resourceType === 'Patient');
  const candidates = openAlerts(observations, [], now);
  const ids = patientIdsOf(candidates);
  const flags: Flag[] = [];
  for (let i = 0; i < ids.length; i += PATIENTS_PER_SEARCH) {
    const page = await client.request<Bundle>({ url: acknowledgementsUrl(ids.slice(i, i + PATIENTS_PER_SEARCH), now), cache: NO_STORE });
    flags.push(...bundleResources<Flag>(page));
  }
  return { alerts: openAlerts(observations, flags, now), patients, more: !!nextLink(bundle) };
}

export function startAlertsPanel(opts: AlertsPanelOptions): { close(): void } {
  const { client, patientId, ids } = opts;
  let shown: Set<string> | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let poll: ReturnType<typeof setInterval> | undefined;
  let patients = new Map<string, Patient>();

  const announce = (text: string) => {
    // Cleared first so the same words said twice are still read out.
    show(ids.announce);
    setTimeout(() => show(ids.announce, text), 50);
  };
  const who = (a: PainAlert) => (patientId ? '' : ` (${formatName(patients.get(a.patient)?.name) || a.patient})`);

  const acknowledge = async (alert: PainAlert) => {
    try {
      await client.request({
        url: 'Flag',
        method: 'POST',
        headers: { 'Content-Type': 'application/fhir+json' },
        body: JSON.stringify(acknowledgementFlag(alert, opts.author, new Date())),
      });
    } catch (err) {
      const e = toErrorLike(err);
      if (e.status === 401) opts.expired(err);
      throw new Error(e.diagnostics ?? describeProblem(e, 'the acknowledgement').title, { cause: err });
    }
    // Focus moves to the next alert's button (or the heading), not to the top of the page.
    const list = [...document.querySelectorAll<HTMLElement>(`#${ids.list} li[data-alert]`)].map((li) => li.dataset.alert);
    const next = list[list.indexOf(alert.id) + 1] ?? list[list.indexOf(alert.id) - 1];
    await refresh();
    announce(`Acknowledged: ${alertLabel(alert)}${who(alert)}.`);
    const target = next ? document.querySelector<HTMLElement>(`#${ids.list} button[data-alert="${next}"]`) : null;
    (target ?? document.getElementById(ids.heading))?.focus();
  };

  const render = (loaded: Loaded) => {
    patients = new Map(loaded.patients.map((p) => [`Patient/${p.id}`, p]));
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.alert;
    const view = { cannotAcknowledge: opts.cannotAcknowledge, acknowledge, more: loaded.more };
    show(ids.list, patientId ? alertsView(loaded.alerts, view) : alertListView(alertsByPatient(loaded.alerts, loaded.patients), view));
    if (focused) document.querySelector<HTMLElement>(`#${ids.list} button[data-alert="${focused}"]`)?.focus();
    const fresh = shown ? loaded.alerts.filter((a) => !shown!.has(a.id)) : [];
    shown = new Set(loaded.alerts.map((a) => a.id));
    if (fresh.length === 1) announce(`New pain alert: ${alertLabel(fresh[0])}${who(fresh[0])}.`);
    else if (fresh.length > 1) announce(`${fresh.length} new pain alerts.`);
  };

  /** Reads the alerts again; calls while one read runs are folded into one more read after it. */
  const refresh = async (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          render(await load(client, patientId, new Date()));
        } catch (err) {
          const problem = describeProblem(toErrorLike(err), 'pain alerts');
          if (problem.kind === 'expired') opts.expired(err);
          else show(ids.list, problemView(problem));
        }
      } while (again);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const setState = (s: ChannelState) => {
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
