// Subscription/[id]/$status (Subscriptions R5 Backport): a searchset Bundle holding the Subscription's
// `subscription-status` Parameters (type `query-status`): its status, events so far, and its error if any.
// https://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition-backport-subscription-status.html
import { randomUUID } from 'node:crypto';
import type { Bundle } from 'fhir/r4.js';
import { statusParameters } from '../notification.js';
import type { SubscriptionEvents } from '../subscription-events.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir/fhir-request.js';
import { visibleSubscription } from './visible-subscription.js';

export async function subscriptionStatus(
  _req: FhirRequest,
  id: string,
  ctx: FhirContext,
  recorded: SubscriptionEvents,
): Promise<FhirResponse> {
  const sub = await visibleSubscription(ctx, id);
  const status = statusParameters({
    fhirBase: ctx.baseUrl,
    subscriptionId: id,
    topic: sub.criteria,
    status: sub.status,
    type: 'query-status',
    eventsSinceStart: await recorded.eventCount(id),
    content: 'empty',
    events: [],
    ...(sub.error ? { error: sub.error } : {}),
  });
  const bundle: Bundle = {
    resourceType: 'Bundle',
    id: randomUUID(),
    type: 'searchset',
    total: 1,
    entry: [{ fullUrl: `urn:uuid:${status.id}`, resource: status, search: { mode: 'match' } }],
  };
  return { status: 200, resource: bundle };
}
