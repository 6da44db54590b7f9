// The Subscription an instance operation is about, read through the request's repository: one the token may not
// see (another client's) is 404 as an unknown id, a deleted one 410.
import type { Subscription } from 'fhir/r4.js';
import { gone, notFound } from '../../core/outcomes.js';
import type { FhirContext } from '../../fhir/fhir-context.js';

export async function visibleSubscription(ctx: FhirContext, id: string): Promise<Subscription> {
  const current = await ctx.repo.read('Subscription', id);
  if (!current) throw notFound('Subscription', id);
  if (current.deleted) throw gone('Subscription', id, current.versionId);
  return current.resource as Subscription;
}
