// Subscription/[id]/$events (Subscriptions R5 Backport): the events the outbox recorded for a Subscription, from
// `eventsSinceNumber` to `eventsUntilNumber` (at most MAX_EVENTS per call), as a notification Bundle of type
// `query-event`; `content` (empty, id-only, full-resource) defaults to the Subscription's own. Each event's
// resource is read at the version that matched with the caller's token, whatever the content: an event whose
// resource it may not read (another patient's, say) is left out entirely, its number and id with it.
// https://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition-backport-subscription-events.html
import type { Resource } from 'fhir/r4.js';
import { badRequest, OutcomeError } from '../../core/outcomes.js';
import { notificationBundle, type NotificationEvent } from '../notification.js';
import { payloadContent, type PayloadContent } from '../subscription-spec.js';
import type { SubscriptionEvents } from '../subscription-events.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir/fhir-request.js';
import { visibleSubscription } from './visible-subscription.js';

export const MAX_EVENTS = 100;
const CONTENTS = new Set(['empty', 'id-only', 'full-resource']);

export async function subscriptionEvents(
  req: FhirRequest,
  id: string,
  ctx: FhirContext,
  recorded: SubscriptionEvents,
): Promise<FhirResponse> {
  const sub = await visibleSubscription(ctx, id);
  const count = await recorded.eventCount(id);
  const since = eventNumber(req.query, 'eventsSinceNumber') ?? Math.max(1, count - MAX_EVENTS + 1);
  const until = eventNumber(req.query, 'eventsUntilNumber') ?? count;
  const asked = req.query.get('content');
  if (asked !== null && !CONTENTS.has(asked))
    throw badRequest(`content must be empty, id-only or full-resource, not '${asked}'`, 'content');
  const content = asked === null ? payloadContent(sub) : (asked as PayloadContent);
  const found = await recorded.events(id, since, until, MAX_EVENTS);
  const events: NotificationEvent[] = [];
  for (const e of found) {
    const resource = await readable(ctx, e.type, e.id, e.versionId);
    if (!resource) continue;
    events.push({
      eventNumber: e.eventNumber,
      reference: `${e.type}/${e.id}`,
      ...(e.patient ? { patient: e.patient } : {}),
      ...(content === 'full-resource' ? { resource } : {}),
    });
  }
  const bundle = notificationBundle({
    fhirBase: ctx.baseUrl,
    subscriptionId: id,
    topic: sub.criteria,
    status: sub.status,
    type: 'query-event',
    eventsSinceStart: count,
    content,
    events,
  });
  return { status: 200, resource: bundle };
}

function eventNumber(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw badRequest(`${name} must be a non-negative event number, not '${raw}'`, name);
  return Number(raw);
}

/** The version that matched, when the caller's token may read it (the request's repository applies its access). */
async function readable(ctx: FhirContext, type: string, id: string, versionId: string): Promise<Resource | undefined> {
  try {
    return (await ctx.repo.vread(type, id, versionId))?.resource;
  } catch (err) {
    if (err instanceof OutcomeError && err.status < 500) return undefined;
    throw err;
  }
}
