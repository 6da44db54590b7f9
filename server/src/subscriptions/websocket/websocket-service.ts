// The websocket channel on one node, wired: its transport (channel-transport.ts: Redis connections for tokens and
// pub/sub fan-out, or this process alone in AUTH_MODE=open without Redis), the binding tokens, the socket server at `<FHIR base>/ws`, and the delivery loop's
// publisher. `$get-ws-binding-token` asks it for tokens (subscriptions.ts, useWebsocket).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Subscription } from 'fhir/r4.js';
import type { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import type { AccessContext } from '../../auth/access-context.js';
import type { FhirRepository } from '../../store/repository.js';
import type { DeliveryLoop } from '../delivery-loop.js';
import { grantOf, type GrantCheck } from '../grant.js';
import { subscriptionsVisibleTo } from '../visibility.js';
import { BindingTokens } from './binding-tokens.js';
import { openChannelTransport } from './channel-transport.js';
import { WsChannel, type WsLimits } from './ws-channel.js';

/** What `$get-ws-binding-token` asks of the channel. */
export interface BindingTokenIssuer {
  /** A single-use binding token for `ids` under `access` (undefined: AUTH_MODE=open). */
  bindingToken(access: AccessContext | undefined, ids: string[]): Promise<{ token: string; expiration: Date; websocketUrl: string }>;
}

export interface WebsocketService extends BindingTokenIssuer {
  /** `ws(s)://<host><FHIR base path>/ws`. */
  url: string;
  /** Give to the HTTP server's 'upgrade' event: true when the request was for the channel. */
  handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  close(): Promise<void>;
}

export interface WebsocketDeps {
  /** The server's Redis connection (AUTH_MODE=smart): tokens and publishing use it; closed by its owner. */
  redis?: Redis;
  redisUrl: string;
  redisTimeoutMs: number;
  redisPrefix: string;
  fhirBase: string;
  open: boolean;
  allows: GrantCheck;
  /** The store, unwrapped: whose a Subscription is, `pool` tells (visibility.ts). */
  repo: FhirRepository;
  pool: Pool;
  loop: DeliveryLoop;
  limits: WsLimits;
  bindingTokenTtlSeconds: number;
}

export async function startWebsocketChannel(deps: WebsocketDeps): Promise<WebsocketService> {
  const transport = await openChannelTransport({ ...deps, log: (msg) => console.warn(msg) });
  const tokens = new BindingTokens(transport.tokens, deps.redisPrefix, deps.bindingTokenTtlSeconds);
  const base = new URL(deps.fhirBase);
  const path = `${base.pathname.replace(/\/$/, '')}/ws`;
  const websocketUrl = `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${path}`;
  const channel = new WsChannel({
    path,
    tokens,
    open: deps.open,
    allows: (grant, resource) => deps.allows(grant, resource),
    // The binding token names Subscriptions its asker saw; bound only while they are still its user's.
    bindable: async (id, grant) => {
      if (!(await subscriptionsVisibleTo(deps.pool, 'access' in grant ? grant.access : undefined)([id])).has(id)) return false;
      const current = await deps.repo.read('Subscription', id);
      const sub = current?.resource as Subscription | undefined;
      return !!sub && !current?.deleted && sub.channel?.type === 'websocket' && sub.status !== 'off' && sub.status !== 'error';
    },
    limits: deps.limits,
  });
  const fanout = transport.fanout;
  await fanout.listen(
    (n) => channel.deliver(n),
    () => deps.loop.wake(),
  );
  deps.loop.websocket = (n) => fanout.publish(n);
  deps.loop.announce = () => fanout.announce();
  return {
    url: websocketUrl,
    handleUpgrade: (req, socket, head) => channel.handleUpgrade(req, socket, head),
    async bindingToken(access, ids) {
      const issued = await tokens.issue({
        subscriptionIds: ids,
        grant: grantOf(access),
        ...(access ? { accessExpiresAt: access.expiresAt * 1000 } : {}),
      });
      return { ...issued, websocketUrl };
    },
    async close() {
      deps.loop.websocket = undefined;
      deps.loop.announce = undefined;
      await channel.close();
      await transport.close();
    },
  };
}
