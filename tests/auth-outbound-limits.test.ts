// The authorization server's outbound calls are bounded: a Backend Services client whose jwks_uri stalls,
// trickles, or serves a JWKS past the size cap gets invalid_client within the timeout; the token request never
// hangs and no memory goes to a giant JWKS. A well-behaved jwks_uri still works under the same bounds.
// https://hl7.org/fhir/smart-app-launch/backend-services.html
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { backendKey, backendTokenRequest, clientAssertion, registerClient } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const TIMEOUT_MS = 1500;
const MAX_BYTES = 16 * 1024;
const key = backendKey('ES384');
let server: TestServer;
let jwksServer: Server;
let base: string;
const sockets = new Set<Socket>();
/** Bytes of the oversized JWKS actually sent (the server should stop reading at the cap). */
let hugeSent = 0;

function misbehave(path: string, res: ServerResponse): void {
  let open = true;
  res.on('close', () => (open = false));
  const jwks = JSON.stringify(key.jwks);
  if (path === '/stall.json') return; // never answers
  if (path === '/trickle.json') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(jwks.slice(0, -1));
    const timer = setInterval(() => (open ? res.write(' ') : clearInterval(timer)), 200);
    return;
  }
  if (path === '/huge.json') {
    // Valid JSON with the right key, padded far past the cap, without Content-Length.
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.write(`${jwks.slice(0, -1)},"padding":"`);
    const chunk = 'x'.repeat(64 * 1024);
    hugeSent = 0;
    const pump = () => {
      while (open && hugeSent < 8 * 1024 * 1024) {
        hugeSent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (open) res.end('"}');
    };
    return pump();
  }
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(jwks);
}

before(async () => {
  jwksServer = createServer((req, res) => misbehave(req.url ?? '/', res));
  jwksServer.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  server = await startTestServer({
    AUTH_MODE: 'smart',
    JWKS_FETCH_ALLOW_HOSTS: '127.0.0.1',
    AUTH_FETCH_TIMEOUT_MS: String(TIMEOUT_MS),
    AUTH_FETCH_MAX_BYTES: String(MAX_BYTES),
  });
});
after(async () => {
  await server.close();
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => jwksServer.close(resolve));
});

async function tokenWithJwksAt(path: string) {
  const client = await registerClient(server, { auth: 'private_key_jwt', backend: true, scope: 'system/*.rs', jwksUri: `${base}${path}` });
  const started = Date.now();
  const res = await backendTokenRequest(server, {
    clientId: client.clientId,
    assertion: clientAssertion(client.clientId, key),
    scope: 'system/Patient.rs',
  });
  return { res, elapsed: Date.now() - started };
}

test('a jwks_uri that never answers: invalid_client within the timeout, not a hang', async () => {
  const { res, elapsed } = await tokenWithJwksAt('/stall.json');
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error, 'invalid_client');
  assert.ok(elapsed < TIMEOUT_MS + 3000, `answered after ${elapsed} ms`);
});

test('a jwks_uri that trickles its body: invalid_client within the timeout', async () => {
  const { res, elapsed } = await tokenWithJwksAt('/trickle.json');
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error, 'invalid_client');
  assert.ok(elapsed < TIMEOUT_MS + 3000, `answered after ${elapsed} ms`);
});

test('a JWKS past the size cap is not read further: invalid_client', async () => {
  const { res } = await tokenWithJwksAt('/huge.json');
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error, 'invalid_client');
  assert.ok(hugeSent < 8 * 1024 * 1024, `the whole ${hugeSent} bytes were read`);
});

test('a well-behaved jwks_uri works under the same bounds', async () => {
  const { res } = await tokenWithJwksAt('/good.json');
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.token_type, 'Bearer');
});
