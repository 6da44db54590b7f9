// The websocket channel's per-user socket count under races a real Redis rarely shows: a socket that closes while
// its binding token is being looked up, and two binds sent on one socket at once. Real sockets on a loopback
// server; the token store holds each lookup until the test lets it go.
// https://hl7.org/fhir/R4/subscription.html#2.46.7.2
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { WebSocket } from 'ws';
import { BindingTokens } from './binding-tokens.js';
import { localTransport } from './channel-transport.js';
import { WsChannel } from './ws-channel.js';

const grant = { access: { clientId: 'app', scopes: ['user/*.rs'], subject: 'user-1' } };
let server: Server;
let channel: WsChannel;
let url: string;
let tokens: BindingTokens;
/** While set, a token lookup waits for it. */
let hold: Promise<void> | undefined;
let lookups = 0;

before(async () => {
  const store = localTransport().tokens;
  const gated = {
    put: (key: string, value: string, ttl: number) => store.put(key, value, ttl),
    take: async (key: string) => {
      lookups++;
      await hold;
      return store.take(key);
    },
  };
  tokens = new BindingTokens(gated, 't:', 60);
  channel = new WsChannel({
    path: '/ws',
    tokens,
    open: false,
    allows: () => true,
    bindable: () => Promise.resolve(true),
    limits: { maxPerClient: 1, maxConnections: 10, idleMs: 5_000 },
  });
  server = createServer();
  server.on('upgrade', (req, socket, head) => channel.handleUpgrade(req, socket, head));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
});
after(async () => {
  await channel.close();
  await new Promise((resolve) => server.close(resolve));
});

const token = async () => (await tokens.issue({ subscriptionIds: ['s1'], grant })).token;
async function open(): Promise<{ ws: WebSocket; first: Promise<string>; closed: Promise<void> }> {
  const ws = new WebSocket(url);
  const first = new Promise<string>((resolve) => ws.once('message', (d: Buffer) => resolve(d.toString())));
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, first, closed };
}
function heldLookup(): () => void {
  let release!: () => void;
  hold = new Promise((resolve) => (release = resolve));
  return () => {
    hold = undefined;
    release();
  };
}
/** A new socket of the same user binds (the limit is one): nothing before it is still counted. */
async function bindsOne(): Promise<void> {
  const next = await open();
  next.ws.send(`bind-with-token ${await token()}`);
  assert.equal(await next.first, 'bound s1');
  next.ws.close();
  await next.closed;
}
const lookedUp = async (n: number) => {
  while (lookups < n) await new Promise((r) => setTimeout(r, 5));
};

it('a socket that closes while its token is looked up leaves its user room for another', async () => {
  const release = heldLookup();
  const gone = await open();
  const before = lookups;
  gone.ws.send(`bind-with-token ${await token()}`);
  await lookedUp(before + 1);
  gone.ws.terminate();
  await gone.closed;
  await new Promise((r) => setTimeout(r, 50)); // the server sees the close
  release();
  await new Promise((r) => setTimeout(r, 50)); // and then the lookup's answer
  await bindsOne();
});

it('a second bind on a socket whose first is in flight is refused, and counts nothing', async () => {
  const release = heldLookup();
  const twice = await open();
  const before = lookups;
  twice.ws.send(`bind-with-token ${await token()}`);
  await lookedUp(before + 1);
  twice.ws.send(`bind-with-token ${await token()}`);
  assert.match(await twice.first, /^error this socket is bound already/);
  release();
  await twice.closed;
  await new Promise((r) => setTimeout(r, 50));
  await bindsOne();
});
