// Live pain alerts in the browser: finds or creates the app's websocket Subscription, binds a socket with a token
// from `$get-ws-binding-token`, and calls `changed` on each notification and after each (re)bind, so alerts
// raised while the socket was away are read too. Reconnects with backoff; says how live it is through `state`.
// https://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition-backport-subscription-get-ws-binding-token.html
import type Client from 'fhirclient/lib/Client';
import type { Bundle, Parameters, Subscription } from 'fhir/r4.js';
import {
  alertSubscription,
  bindingOf,
  readMessage,
  reconnectDelay,
  reusableSubscription,
  subscriptionSearchUrl,
} from './alert-subscription.js';
import { bundleResources } from './bundle-pages.js';
import { describeProblem, toErrorLike } from './errors.js';

export type ChannelState = { live: true } | { live: false; why: string; retrying: boolean };

export interface AlertChannel {
  close(): void;
}

const NO_STORE: RequestCache = 'no-store';

async function subscriptionId(client: Client, patientId: string | undefined): Promise<string> {
  const found = await client.request<Bundle>({ url: subscriptionSearchUrl(), cache: NO_STORE });
  const mine = reusableSubscription(bundleResources<Subscription>(found), patientId);
  if (mine?.id) return mine.id;
  const created = await client.request<Subscription>({
    url: 'Subscription',
    method: 'POST',
    headers: { 'Content-Type': 'application/fhir+json' },
    body: JSON.stringify(alertSubscription(patientId)),
  });
  if (!created.id) throw new Error('The server did not say which Subscription it created.');
  return created.id;
}

export function openAlertChannel(
  client: Client,
  patientId: string | undefined,
  changed: () => void,
  state: (s: ChannelState) => void,
): AlertChannel {
  let socket: WebSocket | undefined;
  let closed = false;
  let failures = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const retry = (why: string) => {
    socket = undefined;
    if (closed) return;
    state({ live: false, why, retrying: true });
    timer = setTimeout(() => void connect(), reconnectDelay(failures++));
  };

  const connect = async () => {
    let binding;
    try {
      const id = await subscriptionId(client, patientId);
      binding = bindingOf(await client.request<Parameters>({ url: `Subscription/${id}/$get-ws-binding-token`, cache: NO_STORE }));
    } catch (err) {
      const problem = describeProblem(toErrorLike(err), 'live alerts');
      // Without permission (403) or a session (401) retrying cannot help; a server away (5xx, network) can come back.
      if (problem.kind === 'forbidden' || problem.kind === 'expired') {
        state({ live: false, why: problem.title, retrying: false });
        return;
      }
      retry(problem.title);
      return;
    }
    if (closed) return;
    const ws = new WebSocket(binding.url);
    socket = ws;
    ws.addEventListener('open', () => ws.send(`bind-with-token ${binding.token}`));
    ws.addEventListener('message', (ev) => {
      const msg = readMessage(typeof ev.data === 'string' ? ev.data : '');
      if (msg.kind === 'bound') {
        failures = 0;
        state({ live: true });
        changed();
      } else if (msg.kind === 'ping') {
        changed();
      } else if (msg.kind === 'error') {
        state({ live: false, why: `the server refused the live channel (${msg.text})`, retrying: true });
      }
    });
    ws.addEventListener('close', () => {
      if (socket === ws) retry('the live connection closed');
    });
  };

  void connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      socket?.close(1000);
    },
  };
}
