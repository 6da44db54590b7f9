// Subscription/[id]/$status (Subscriptions R5 Backport): a searchset Bundle holding the Subscription's
// `subscription-status` Parameters (type `query-status`): its status, events so far, and its error if any.
// https://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition-backport-subscription-status.html
import { randomUUID } from 'node:crypto';
import type { Bundle } from 'fhir/r4.js';
import { notSupported } from '../../../core/outcomes.js';
import { statusParameters } from '../../../subscriptions/notification.js';
import type { FhirContext } from '../../fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir-request.js';
import { visibleSubscription } from './visible-subscription.js';

export async function subscriptionStatus(_req: FhirRequest, id: string, ctx: FhirContext): Promise<FhirResponse> {
  if (!ctx.subscriptionEvents) throw notSupported('$status needs the MySQL store');
  const sub = await visibleSubscription(ctx, id);
  const status = statusParameters({
    fhirBase: ctx.baseUrl, subscriptionId: id, topic: sub.criteria, status: sub.status, type: 'query-status',
    eventsSinceStart: await ctx.subscriptionEvents.eventCount(id), content: 'empty', events: [], ...(sub.error ? { error: sub.error } : {}),
  });
  const bundle: Bundle = {
    resourceType: 'Bundle', id: randomUUID(), type: 'searchset', total: 1,
    entry: [{ fullUrl: `urn:uuid:${status.id}`, resource: status, search: { mode: 'match' } }],
  };
  return { status: 200, resource: bundle };
}
