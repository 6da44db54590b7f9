// Subscription/[id]/$get-ws-binding-token (Subscriptions R5 Backport): a single-use token with which a websocket
// client binds to this Subscription (`bind-with-token <token>` at `websocket-url`). The Subscription is read
// through the request's repository, so one the token may not see is 404, as an unknown id.
// https://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition-backport-subscription-get-ws-binding-token.html
import type { Parameters } from 'fhir/r4.js';
import { notSupported, unprocessable } from '../../core/outcomes.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import type { FhirRequest, FhirResponse } from '../../fhir/fhir-request.js';
import type { BindingTokenIssuer } from '../websocket/websocket-service.js';
import { visibleSubscription } from './visible-subscription.js';

export async function getWsBindingToken(
  req: FhirRequest,
  id: string,
  ctx: FhirContext,
  websocket: BindingTokenIssuer | undefined,
): Promise<FhirResponse> {
  if (!websocket) throw notSupported('this server runs without the websocket channel');
  const sub = await visibleSubscription(ctx, id);
  if (sub.channel?.type !== 'websocket') {
    throw unprocessable(
      `Subscription/${id} has channel type '${sub.channel?.type}'; binding tokens are for websocket Subscriptions`,
      'Subscription.channel.type',
    );
  }
  const { token, expiration, websocketUrl } = await websocket.bindingToken(req.access, [id]);
  const resource: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'token', valueString: token },
      { name: 'expiration', valueDateTime: expiration.toISOString() },
      { name: 'subscription', valueString: `Subscription/${id}` },
      { name: 'websocket-url', valueUrl: websocketUrl },
    ],
  };
  return { status: 200, resource, headers: { 'Cache-Control': 'no-store' } };
}
