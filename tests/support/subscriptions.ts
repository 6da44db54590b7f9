// Shared by the Subscription tests: a server and a receiver for a describe, a pain score, a rest-hook Subscription
// on `pain-severe`'s criteria, reading the notifications a receiver got, and waiting for a Subscription's status.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Bundle, Parameters, Subscription } from 'fhir/r4.js';
import { startReceiver, type HookReceiver, type Received } from './hook-receiver.js';
import type { TestServer } from './test-server.js';

/** What a server needs to deliver to a local receiver at once: loopback endpoints allowed, a short poll. */
export const RECEIVING = { SUBSCRIPTION_ALLOW_LOOPBACK: 'true', SUBSCRIPTION_POLL_MS: '50' };

/**
 * In the calling describe: before its tests, the server `start` gives (a TestServer, or a fixture holding one)
 * and a hook receiver, handed to `started`; after them, both closed.
 */
export function withReceiver<T extends TestServer | { server: TestServer }>(
  start: () => Promise<T>,
  started: (server: T, receiver: HookReceiver) => void,
): void {
  let server: T;
  let receiver: HookReceiver;
  before(async () => {
    server = await start();
    receiver = await startReceiver();
    started(server, receiver);
  });
  after(async () => {
    const of: TestServer | { server: TestServer } = server;
    await ('server' in of ? of.server : of).close();
    await receiver.close();
  });
}

const PAIN = 'http://loinc.org|72514-3';
const CRITERIA = `Observation?code=${PAIN}&value-quantity=gt8`;
const CONTENT = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content';

export const pain = (patient: string, value: number) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '72514-3' }] },
  subject: { reference: `Patient/${patient}` },
  effectiveDateTime: '2026-12-01T10:00:00Z',
  valueQuantity: { value, unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
});

export function subscription(
  endpoint: string,
  content?: 'empty' | 'id-only' | 'full-resource',
  extra: Partial<Subscription> = {},
): Subscription {
  return {
    resourceType: 'Subscription',
    status: 'requested',
    reason: 'pain alerts',
    criteria: CRITERIA,
    channel: {
      type: 'rest-hook',
      endpoint,
      ...(content && content !== 'empty'
        ? { payload: 'application/fhir+json', _payload: { extension: [{ url: CONTENT, valueCode: content }] } }
        : {}),
      ...extra.channel,
    },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'channel')),
  };
}

/** The same Subscription on the websocket channel (active without a handshake). */
export function websocketSubscription(content: 'empty' | 'id-only' | 'full-resource'): Subscription {
  const sub = subscription('', content);
  const { endpoint: _none, ...channel } = sub.channel;
  return { ...sub, channel: { ...channel, type: 'websocket' } };
}

export const statusOf = (r: Received) => (r.json as Bundle).entry![0].resource as Parameters;
export const param = (p: Parameters, name: string) => p.parameter!.find((x) => x.name === name);
export const notifications = (rs: Received[]) => rs.filter((r) => r.json && param(statusOf(r), 'type')?.valueCode === 'event-notification');
export const eventNumber = (r: Received) =>
  Number(param(statusOf(r), 'notification-event')!.part!.find((p) => p.name === 'event-number')!.valueString);

/** Polls Subscription/`id` through the API (as `auth`, the owner's token under SMART) until it has `status`. */
export async function waitForStatus(server: TestServer, id: string, status: string, auth?: string): Promise<Subscription> {
  return pollStatus(id, status, async () => {
    const req = server.http.get(`/fhir/Subscription/${id}`);
    const res = await (auth ? req.set('Authorization', `Bearer ${auth}`) : req);
    assert.equal(res.status, 200, res.text);
    return res.body as Subscription;
  });
}

/** The same, read from the database: for a Subscription no live token may see (its owner's was revoked). */
export async function waitForStoredStatus(server: TestServer, id: string, status: string): Promise<Subscription> {
  return pollStatus(id, status, async () => {
    const [row] = await server.sql<{ content: string }[]>(
      `SELECT h.content FROM resource r JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id
       WHERE r.res_type = 'Subscription' AND r.res_id = ?`,
      [id],
    );
    assert.ok(row, `Subscription/${id} is stored`);
    return JSON.parse(row.content) as Subscription;
  });
}

async function pollStatus(id: string, status: string, read: () => Promise<Subscription>): Promise<Subscription> {
  const end = Date.now() + 15_000;
  for (;;) {
    const sub = await read();
    if (sub.status === status) return sub;
    if (Date.now() > end) throw new Error(`Subscription/${id} stayed ${sub.status}, not ${status}: ${JSON.stringify(sub)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const TOPICS = 'https://fhir.fibrotrack.org/SubscriptionTopic';
const FILTER = 'http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria';

/** A rest-hook Subscription on one of our topics (`pain-severe`, ...), narrowed by filter criteria. */
export const topicSubscription = (
  endpoint: string,
  topic: string,
  filters: string[],
  content: 'id-only' | 'full-resource' = 'full-resource',
): Subscription => ({
  ...subscription(endpoint, content),
  criteria: `${TOPICS}/${topic}`,
  ...(filters.length ? { _criteria: { extension: filters.map((valueString) => ({ url: FILTER, valueString })) } } : {}),
});
