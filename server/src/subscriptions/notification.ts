// The notification a rest-hook POSTs: nothing for `empty`; otherwise the Subscriptions R5 Backport's
// notification Bundle (type history): a `subscription-status` Parameters first, then the focus resource as a
// fullUrl alone (`id-only`) or in full (`full-resource`). https://hl7.org/fhir/uv/subscriptions-backport/notifications.html
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, FhirResource, Parameters, ParametersParameter, Resource } from 'fhir/r4.js';
import type { PayloadContent } from './subscription-spec.js';

export interface NotificationEvent {
  eventNumber: number;
  reference: string;
  resource?: Resource;
  /** `Patient/<id>`: the patient the focus is about (`additional-context`). */
  patient?: string;
}

export interface NotificationInput {
  fhirBase: string;
  subscriptionId: string;
  topic: string;
  status: string;
  type: 'handshake' | 'event-notification' | 'query-event';
  eventsSinceStart: number;
  content: PayloadContent;
  events: NotificationEvent[];
}

export function notificationBundle(n: NotificationInput): Bundle {
  const statusUrl = `${n.fhirBase}/Subscription/${n.subscriptionId}/$status`;
  const status = statusParameters(n);
  const focus =
    n.content === 'empty'
      ? []
      : n.events.map((e): BundleEntry => ({
          fullUrl: `${n.fhirBase}/${e.reference}`,
          ...(n.content === 'full-resource' && e.resource ? { resource: e.resource as FhirResource } : {}),
          request: { method: 'PUT', url: e.reference },
          response: { status: '200' },
        }));
  return {
    resourceType: 'Bundle',
    id: randomUUID(),
    type: 'history',
    timestamp: new Date().toISOString(),
    entry: [
      { fullUrl: `urn:uuid:${status.id}`, resource: status, request: { method: 'GET', url: statusUrl }, response: { status: '200' } },
      ...focus,
    ],
  };
}

/** The `subscription-status` Parameters that leads every notification and is what `$status` answers. */
export function statusParameters(
  n: Omit<NotificationInput, 'type'> & { type: NotificationInput['type'] | 'query-status'; error?: string },
): Parameters {
  const parameter: ParametersParameter[] = [
    { name: 'subscription', valueReference: { reference: `${n.fhirBase}/Subscription/${n.subscriptionId}` } },
    { name: 'topic', valueCanonical: n.topic },
    { name: 'status', valueCode: n.status },
    { name: 'type', valueCode: n.type },
    { name: 'events-since-subscription-start', valueString: String(n.eventsSinceStart) },
    ...n.events.map((e): ParametersParameter => ({
      name: 'notification-event',
      part: [
        { name: 'event-number', valueString: String(e.eventNumber) },
        ...(n.content === 'empty' ? [] : [{ name: 'focus', valueReference: { reference: `${n.fhirBase}/${e.reference}` } }]),
        ...(n.content === 'empty' || !e.patient
          ? []
          : [{ name: 'additional-context', valueReference: { reference: `${n.fhirBase}/${e.patient}` } }]),
      ],
    })),
    ...(n.error ? [{ name: 'error', valueCodeableConcept: { text: n.error } }] : []),
  ];
  return { resourceType: 'Parameters', id: randomUUID(), parameter };
}
