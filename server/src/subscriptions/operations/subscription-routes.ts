// The routes of the Subscriptions R5 Backport operations, bound to the services that answer them: fhir-services.ts
// registers them into the route table (fhir/ never imports server/src/subscriptions).
// https://hl7.org/fhir/uv/subscriptions-backport/operations.html
import type { Route } from '../../fhir/routes.js';
import type { SubscriptionEvents } from '../subscription-events.js';
import type { BindingTokenIssuer } from '../websocket/websocket-service.js';
import { subscriptionEvents } from './events.js';
import { getWsBindingToken } from './get-ws-binding-token.js';
import { subscriptionStatus } from './status.js';

const BACKPORT = 'http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition';

export interface SubscriptionOperationsPort {
  /** What the outbox recorded (`$status`, `$events`). */
  events: SubscriptionEvents;
  /** The websocket channel, once the server has one (app.ts); undefined in the CLI. */
  websocket(): BindingTokenIssuer | undefined;
}

export function subscriptionRoutes(port: SubscriptionOperationsPort): Route[] {
  return (['GET', 'POST'] as const).flatMap((method): Route[] => [
    {
      interaction: 'operation',
      method,
      pattern: ['Subscription', '{id}', '$get-ws-binding-token'],
      operation: { name: 'get-ws-binding-token', definition: `${BACKPORT}/backport-subscription-get-ws-binding-token` },
      handle: (req, p, ctx) => getWsBindingToken(req, p.id, ctx, port.websocket()),
    },
    {
      interaction: 'operation',
      method,
      pattern: ['Subscription', '{id}', '$status'],
      operation: { name: 'status', definition: `${BACKPORT}/backport-subscription-status` },
      handle: (req, p, ctx) => subscriptionStatus(req, p.id, ctx, port.events),
    },
    {
      interaction: 'operation',
      method,
      pattern: ['Subscription', '{id}', '$events'],
      operation: { name: 'events', definition: `${BACKPORT}/backport-subscription-events` },
      handle: (req, p, ctx) => subscriptionEvents(req, p.id, ctx, port.events),
    },
  ]);
}
