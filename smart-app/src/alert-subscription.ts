// The app's own Subscription to the `pain-severe` topic over the websocket channel: the resource it creates, the
// search that finds one it made before (reused rather than piling up), and reading the server's socket messages.
// Pure. https://hl7.org/fhir/R4/subscription.html#2.46.7.2, https://hl7.org/fhir/uv/subscriptions-backport/
import type { Parameters, Subscription } from 'fhir/r4.js';
import { PAIN_SEVERE_TOPIC } from './alerts.js';

export const FILTER_CRITERIA = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria';
/** Marks the Subscriptions this app made (in `reason`), so it reuses its own and not another app's. */
export const REASON_PREFIX = 'FibroTrack provider app: pain alerts';

const filterOf = (patientId: string | undefined) => (patientId ? `Observation?patient=Patient/${patientId}` : undefined);
const reasonOf = (patientId: string | undefined) => `${REASON_PREFIX} ${patientId ? `for Patient/${patientId}` : 'for every patient'}`;

/** No payload: each notification is `ping <id>`, and the app reads the alerts again with its own token. */
export function alertSubscription(patientId: string | undefined): Subscription {
  const filter = filterOf(patientId);
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: reasonOf(patientId),
    criteria: PAIN_SEVERE_TOPIC,
    ...(filter ? { _criteria: { extension: [{ url: FILTER_CRITERIA, valueString: filter }] } } : {}),
    channel: { type: 'websocket' },
  };
}

export const subscriptionSearchUrl = () =>
  `Subscription?${new URLSearchParams({ criteria: PAIN_SEVERE_TOPIC, type: 'websocket', status: 'active', _count: '50' })}`;

/** One of this app's active websocket Subscriptions for exactly this patient (or every patient), if any. */
export function reusableSubscription(subs: Subscription[], patientId: string | undefined): Subscription | undefined {
  const filter = filterOf(patientId);
  return subs.find((s) => {
    const filters = (s._criteria?.extension ?? []).filter((e) => e.url === FILTER_CRITERIA).map((e) => e.valueString);
    return (
      s.resourceType === 'Subscription' &&
      !!s.id &&
      s.status === 'active' &&
      s.channel?.type === 'websocket' &&
      !s.channel.payload &&
      s.criteria === PAIN_SEVERE_TOPIC &&
      s.reason === reasonOf(patientId) &&
      (filter ? filters.length === 1 && filters[0] === filter : filters.length === 0)
    );
  });
}

export interface Binding {
  token: string;
  url: string;
}

/** The token and websocket URL of a `$get-ws-binding-token` answer. */
export function bindingOf(answer: Parameters): Binding {
  const get = (name: string) => answer.parameter?.find((p) => p.name === name);
  const token = get('token')?.valueString;
  const url = get('websocket-url')?.valueUrl;
  if (!token || !url || !/^wss?:\/\//.test(url)) throw new Error('The server gave no usable websocket binding.');
  return { token, url };
}

export type SocketMessage = { kind: 'bound' | 'ping'; id: string } | { kind: 'error'; text: string } | { kind: 'other' };

/** `bound <id>`, `ping <id>` (R4), a notification Bundle (a payload: still an event) or `error <why>`. */
export function readMessage(data: string): SocketMessage {
  const m = /^(bound|ping) (\S+)$/.exec(data.trim());
  if (m) return { kind: m[1] as 'bound' | 'ping', id: m[2] };
  if (data.startsWith('error')) return { kind: 'error', text: data.slice(5).trim() };
  if (data.trimStart().startsWith('{')) return { kind: 'ping', id: '' };
  return { kind: 'other' };
}

/** Wait before reconnect attempt `n` (0-based): 1 s doubling to 30 s, so a server restart is not hammered. */
export const reconnectDelay = (n: number) => Math.min(30_000, 1000 * 2 ** Math.min(n, 5));
