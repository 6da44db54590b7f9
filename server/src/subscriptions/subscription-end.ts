// Subscription.end, "the time for the server to turn the subscription off":
// https://hl7.org/fhir/R4/subscription-definitions.html#Subscription.end
// A Subscription past its end matches nothing (active-subscriptions.ts, outbox.ts) and the delivery loop switches
// it off (a new version, status off, `error` saying why). A client cannot ask for one that has ended already: a
// write with an end in the past is refused (400) unless the Subscription is written `off`.
import type { Subscription } from 'fhir/r4.js';
import { badRequest } from '../core/outcomes.js';

/** Subscription.end as a time, or null when it has none (or one that does not parse: the write refuses it). */
export function endOf(sub: Subscription): Date | null {
  if (sub.end === undefined) return null;
  const ms = Date.parse(sub.end);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Whether `sub` has reached its end at `now`. */
export function hasEnded(sub: Subscription, now = Date.now()): boolean {
  const end = endOf(sub);
  return end !== null && end.getTime() <= now;
}

/** The `error` of a Subscription switched off at its end. */
export const endedError = (sub: Subscription) => `delivery stopped: the Subscription reached its end (${sub.end})`;

/** Refuses (400, naming Subscription.end) an end that is not an instant, or one already past on a Subscription not written off. */
export function checkEnd(sub: Subscription, now = Date.now()): void {
  if (sub.end === undefined) return;
  if (
    typeof sub.end !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(sub.end) ||
    Number.isNaN(Date.parse(sub.end))
  )
    throw badRequest(`Subscription.end '${String(sub.end)}' is not an instant (a date and time with a time zone)`, 'Subscription.end');
  if (sub.status !== 'off' && hasEnded(sub, now))
    throw badRequest(`Subscription.end ${sub.end} is in the past: a Subscription cannot be requested after its end`, 'Subscription.end');
}
