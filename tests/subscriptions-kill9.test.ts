// An alert survives `kill -9`: a real `fibrotrack serve` process is killed while its rest-hook POST is in flight
// (the receiver holds it unanswered), with a second event recorded and not yet sent; the next process delivers
// both (the first again, with the same event-number: at least once) once the dead node's lease has run out.
// https://hl7.org/fhir/uv/subscriptions-backport/ (event numbers), docs/subscriptions.md (delivery that loses nothing)
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import mysql from 'mysql2/promise';
import { freePort } from './support/free-port.js';
import { startServe } from './support/serve-child.js';
import { pain, subscription } from './support/subscriptions.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
const children: ChildProcess[] = [];

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  const conn = await mysql.createConnection(ROOT);
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.end();
});

/** A serve process on this test's database, delivering to loopback hooks quickly; killed after the tests. */
async function startNode(port: number): Promise<ChildProcess> {
  const child = await startServe(
    port,
    {
      ...process.env,
      DATABASE_URL: `${ROOT}/${database}`,
      AUTH_MODE: 'open',
      WORKERS: '1',
      REDIS_PREFIX: `${database}:`,
      SUBSCRIPTION_ALLOW_LOOPBACK: 'true',
      SUBSCRIPTION_POLL_MS: '50',
      SUBSCRIPTION_TIMEOUT_MS: '1000',
    },
    240_000,
  );
  children.push(child);
  return child;
}

interface Hook {
  eventNumber?: number;
  type: string;
}

test('kill -9 during a delivery loses no event: the next process delivers what was recorded', async () => {
  // The receiver answers handshakes, and holds notifications unanswered until `answering`.
  const got: Hook[] = [];
  let answering = false;
  const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = JSON.parse(Buffer.concat(chunks).toString()).entry[0].resource.parameter as {
        name: string;
        valueCode?: string;
        part?: { name: string; valueString?: string }[];
      }[];
      const type = status.find((p) => p.name === 'type')!.valueCode!;
      const n = status.find((p) => p.name === 'notification-event')?.part?.find((p) => p.name === 'event-number')?.valueString;
      got.push({ type, ...(n ? { eventNumber: Number(n) } : {}) });
      if (type === 'handshake' || answering) res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const until = async (what: string, ok: () => boolean, ms = 120_000) => {
    const end = Date.now() + ms;
    while (!ok()) {
      if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms; got ${JSON.stringify(got)}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };
  try {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}/fhir`;
    const post = (type: string, body: unknown) =>
      fetch(`${base}/${type}`, { method: 'POST', headers: { 'Content-Type': 'application/fhir+json' }, body: JSON.stringify(body) });
    const first = await startNode(port);
    const created = await post('Subscription', subscription(hook, 'id-only'));
    assert.equal(created.status, 201);
    const id = ((await created.json()) as { id: string }).id;
    // Only an active Subscription records events: wait for the status the handshake leads to.
    for (let i = 0; i < 2400; i++) {
      if (((await (await fetch(`${base}/Subscription/${id}`)).json()) as { status: string }).status === 'active') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await post('Observation', pain('k1', 9))).status, 201);
    await until('the first notification reaches the receiver', () => got.some((h) => h.eventNumber === 1));
    assert.equal((await post('Observation', pain('k1', 10))).status, 201);
    const dead = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await dead;

    const db = await mysql.createConnection(`${ROOT}/${database}`);
    const [rows] = await db.query<mysql.RowDataPacket[]>(
      'SELECT event_number FROM subscription_event WHERE delivered_at IS NULL ORDER BY event_number',
    );
    await db.end();
    assert.deepEqual(
      rows.map((r) => Number(r.event_number)),
      [1, 2],
      'both events recorded, neither marked delivered',
    );

    answering = true;
    const before = got.length;
    await startNode(port);
    await until('both events delivered by the next process', () => [1, 2].every((n) => got.slice(before).some((h) => h.eventNumber === n)));
    const again = got
      .slice(before)
      .filter((h) => h.type === 'event-notification')
      .map((h) => h.eventNumber);
    assert.deepEqual([...new Set(again)].sort(), [1, 2]);
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
});
