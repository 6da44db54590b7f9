// Read replicas (DATABASE_READ_URLS) against real MariaDB GTID replication set up by the test (a private primary
// and replica, tests/support/mariadb-replication.ts; the replica read as a user who may only SELECT, so a write sent
// there fails): read-only requests (read, search, counts, history, $everything) and an export's snapshot read from
// the replica, a client always reads its own writes (waiting for the replica, or from the primary when it lags past
// DATABASE_READ_WAIT_MS), another client's reads stay on the replica, writes (type counts, the Subscription outbox)
// go to the primary, and a replica that is down leaves the node ready, its reads on the primary.
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp, type BuiltApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { downloadAll, kickOff, manifestOf } from './support/bulk-export.js';
import { patient } from './support/fixtures.js';
import { freePort } from './support/free-port.js';
import { startReceiver, type HookReceiver } from './support/hook-receiver.js';
import { listen, type Listening } from './support/listen.js';
import { startReplication, type Replication } from './support/mariadb-replication.js';
import { backendServicesToken, registerBackendClient } from './support/smart-tokens.js';
import { notifications, pain, subscription, waitForStatus } from './support/subscriptions.js';
import type { TestServer } from './support/test-server.js';

const FHIR_JSON = 'application/fhir+json';
/** Long enough for a replica restarted during a wait to catch up on a busy machine. */
const WAIT_MS = 4000;

interface Answer {
  status: number;
  body: { resourceType?: string; id?: string; total?: number; entry?: { resource: { id: string } }[]; [k: string]: unknown };
}

/** A client on one keep-alive connection (open mode keys read-your-writes by connection). */
function client(base: string, token?: string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, body?: unknown) =>
    new Promise<Answer>((resolve, reject) => {
      const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
      const req = http.request(
        `${base}/fhir/${path}`,
        {
          method,
          agent,
          headers: {
            Accept: FHIR_JSON,
            ...(data ? { 'Content-Type': FHIR_JSON, 'Content-Length': String(data.length) } : {}),
            ...(token ? { Authorization: `Bearer ${token}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Answer['body'] }),
          );
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  return {
    get: (path: string) => send('GET', path),
    post: (path: string, body: unknown) => send('POST', path, body),
    close: () => agent.destroy(),
  };
}

const ids = (a: Answer) => (a.body.entry ?? []).map((e) => e.resource.id);

/** Polls until `ok` holds; replication catches up by itself. */
async function eventually(ok: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > until) assert.fail(`not true within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let repl: Replication;
let blobDir: string;
before(async () => {
  repl = await startReplication();
  blobDir = await mkdtemp(join(tmpdir(), 'fibrotrack-replica-blob-'));
});
after(async () => {
  // Replication never broke: nothing was written to the replica that conflicted with what it applied.
  if (repl) {
    const [status] = await repl.replica.sql<{ Last_SQL_Errno: number; Last_SQL_Error: string }[]>('SHOW SLAVE STATUS');
    await repl.stop();
    assert.equal(status.Last_SQL_Errno, 0, status.Last_SQL_Error);
  }
  if (blobDir) await rm(blobDir, { recursive: true, force: true });
});

async function buildOnPrimary(overrides: Record<string, string>): Promise<{ built: BuiltApp; server: Listening }> {
  const suffix = randomBytes(4).toString('hex');
  const built = await buildApp(
    loadConfig({
      DATABASE_URL: `${repl.primary.url}/fibrotrack_repl`,
      DATABASE_READ_URLS: repl.replicaReaderUrl,
      DATABASE_READ_WAIT_MS: String(WAIT_MS),
      BASE_URL: 'http://localhost:8080',
      AUTH_MODE: 'open',
      REDIS_PREFIX: `fibrotrack_test_${suffix}:`,
      BLOB_DIR: blobDir,
      EXPORT_SETTLE_MS: '0',
      SUBSCRIPTION_ALLOW_LOOPBACK: 'true',
      SUBSCRIPTION_POLL_MS: '50',
      ...overrides,
    }),
  );
  return { built, server: await listen(built.app) };
}

/** Waits until the replica has applied everything the primary has committed so far. */
async function replicaCaughtUp(): Promise<void> {
  const [{ pos }] = await repl.primary.sql<{ pos: string }[]>('SELECT @@gtid_binlog_pos AS pos');
  const [{ ok }] = await repl.replica.sql<{ ok: number }[]>('SELECT MASTER_GTID_WAIT(?, 30) = 0 AS ok', [pos]);
  assert.equal(ok, 1, 'the replica did not catch up');
}

describe('read replicas, AUTH_MODE=open (read-your-writes per connection)', () => {
  let built: BuiltApp;
  let server: Listening;
  let writer: ReturnType<typeof client>;
  let other: ReturnType<typeof client>;
  before(async () => {
    ({ built, server } = await buildOnPrimary({}));
    await replicaCaughtUp();
    writer = client(server.base);
    other = client(server.base);
  });
  after(async () => {
    writer.close();
    other.close();
    await repl.replica.sql('START SLAVE SQL_THREAD');
    await server.close();
    await built.close();
  });

  test('a search from a client that wrote nothing is served by the replica', async () => {
    const created = await writer.post('Patient', patient({ name: [{ family: 'Replicated' }] }));
    assert.equal(created.status, 201);
    await replicaCaughtUp();
    const before = built.replicas!.stats();
    const found = await other.get('Patient?family=Replicated');
    assert.equal(found.status, 200);
    assert.deepEqual(ids(found), [created.body.id]);
    const now = built.replicas!.stats();
    assert.equal(now.replica, before.replica + 1);
    assert.equal(now.primary, before.primary);
  });

  test('with the replica lagging, the writer reads its write and another client still sees the replica', async () => {
    await repl.replica.sql('STOP SLAVE SQL_THREAD');
    const created = await writer.post('Patient', patient({ name: [{ family: 'Lagging' }] }));
    assert.equal(created.status, 201);
    const id = created.body.id!;

    // The other client's search goes to the replica, which has not applied the write.
    const before = built.replicas!.stats();
    const unseen = await other.get('Patient?family=Lagging');
    assert.equal(unseen.status, 200);
    assert.deepEqual(ids(unseen), []);
    assert.equal(built.replicas!.stats().replica, before.replica + 1);

    // The writer's read, search and history wait DATABASE_READ_WAIT_MS for the replica, then read the primary.
    const onPrimary = async (answer: Promise<Answer>) => {
      const from = built.replicas!.stats().primary;
      const res = await answer;
      assert.ok(built.replicas!.stats().primary > from, 'read from the primary');
      return res;
    };
    const read = await onPrimary(writer.get(`Patient/${id}`));
    assert.equal(read.status, 200);
    assert.equal(read.body.id, id);
    assert.deepEqual(ids(await onPrimary(writer.get('Patient?family=Lagging'))), [id]);
    assert.equal((await onPrimary(writer.get(`Patient/${id}/_history`))).body.total, 1);

    await repl.replica.sql('START SLAVE SQL_THREAD');
    await eventually(async () => ids(await other.get('Patient?family=Lagging')).length === 1);
  });

  test("a read waits for the replica to apply the client's write when it catches up within the bound", async () => {
    await repl.replica.sql('STOP SLAVE SQL_THREAD');
    const created = await writer.post('Patient', patient({ name: [{ family: 'CatchingUp' }] }));
    const before = built.replicas!.stats();
    const reading = writer.get(`Patient/${created.body.id}`);
    await new Promise((r) => setTimeout(r, 300));
    await repl.replica.sql('START SLAVE SQL_THREAD');
    const read = await reading;
    assert.equal(read.status, 200);
    assert.equal(read.body.id, created.body.id);
    const now = built.replicas!.stats();
    assert.equal(now.waited, before.waited + 1, 'the read waited on the replica');
    assert.equal(now.primary, before.primary, 'and did not fall back to the primary');
  });

  test('counts and $everything: the writer sees its write while the replica lags, another client sees the replica', async () => {
    const owner = await writer.post('Patient', patient({ name: [{ family: 'Everything' }] }));
    assert.equal(owner.status, 201);
    const ownerId = owner.body.id!;
    await replicaCaughtUp();
    const total = async (c: ReturnType<typeof client>) => (await c.get('Patient?_total=accurate&_count=0')).body.total;
    const countBefore = await total(other);

    await repl.replica.sql('STOP SLAVE SQL_THREAD');
    // Each write also moves the type count (type-counts.ts), in the same transaction on the primary.
    assert.equal((await writer.post('Patient', patient({ name: [{ family: 'Counted' }] }))).status, 201);
    const obs = await writer.post('Observation', pain(ownerId, 4));
    assert.equal(obs.status, 201, JSON.stringify(obs.body));

    const replicaReads = built.replicas!.stats().replica;
    assert.equal(await total(other), countBefore, 'the replica has not counted the new Patient yet');
    const everythingOther = await other.get(`Patient/${ownerId}/$everything`);
    assert.equal(everythingOther.status, 200);
    assert.deepEqual(ids(everythingOther), [ownerId]);
    assert.equal(built.replicas!.stats().replica, replicaReads + 2, 'both read the replica');

    const primaryReads = built.replicas!.stats().primary;
    assert.equal(await total(writer), countBefore! + 1);
    const everythingWriter = await writer.get(`Patient/${ownerId}/$everything`);
    assert.deepEqual(ids(everythingWriter).sort(), [ownerId, obs.body.id!].sort());
    assert.ok(built.replicas!.stats().primary >= primaryReads + 2, 'the writer read the primary');

    await repl.replica.sql('START SLAVE SQL_THREAD');
    await eventually(async () => (await total(other)) === countBefore! + 1);
  });

  test('an export reads its snapshot from the replica once the replica has applied what was committed before it', async () => {
    await repl.replica.sql('STOP SLAVE SQL_THREAD');
    const created = await writer.post('Patient', patient({ name: [{ family: 'Exported' }] }));
    assert.equal(created.status, 201);
    const server = { http: request(built.app), built } as unknown as TestServer;
    const before = built.replicas!.stats();
    // Another client starts it: the snapshot must still hold the write committed before it, whoever wrote it.
    const status = await kickOff(server, '$export?_type=Patient');
    await new Promise((r) => setTimeout(r, 300));
    await repl.replica.sql('START SLAVE SQL_THREAD');
    const manifest = await manifestOf(server, status);
    const exported = (await downloadAll(server, manifest)).get('Patient') ?? [];
    assert.ok(
      exported.some((p) => p.id === created.body.id),
      'the export holds the Patient written before it started',
    );
    const now = built.replicas!.stats();
    assert.ok(now.waited > before.waited, 'the snapshot waited for the replica');
    assert.ok(now.replica > before.replica, 'and read it');
    assert.equal(now.primary, before.primary, 'not the primary');
  });

  test('a Subscription notification is recorded (outbox, on the primary) for a write while reads use the replica', async () => {
    const receiver: HookReceiver = await startReceiver();
    try {
      const sub = await writer.post('Subscription', subscription(`${receiver.url}/replica`, 'id-only'));
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      // Polled on new connections (other clients to the server): they see the Subscription once the replica has it.
      await replicaCaughtUp();
      await waitForStatus({ http: request(built.app) } as unknown as TestServer, sub.body.id!, 'active');
      const severe = await writer.post('Observation', pain('p-replica', 9));
      assert.equal(severe.status, 201, JSON.stringify(severe.body));
      const got = await receiver.until((rs) => notifications(rs).length >= 1);
      assert.match(JSON.stringify(notifications(got)[0].json), new RegExp(`Observation/${severe.body.id}`));
    } finally {
      await receiver.close();
    }
  });

  test('readiness reports the replica', async () => {
    const res = await server.fetch('/readyz');
    assert.equal(res.status, 200);
    const body = (await res.json()) as { checks: Record<string, { status: string }> };
    assert.equal(body.checks[`database replica 1 (127.0.0.1:${repl.replica.port})`].status, 'pass');
  });
});

describe('read replicas, AUTH_MODE=smart (read-your-writes per client, across API nodes)', () => {
  let nodes: { built: BuiltApp; server: Listening }[];
  let tokens: { writer: string; other: string };
  const prefix = `fibrotrack_test_${randomBytes(4).toString('hex')}:`;
  before(async () => {
    const overrides = { AUTH_MODE: 'smart', DATABASE_URL: `${repl.primary.url}/fibrotrack_repl_smart`, REDIS_PREFIX: prefix };
    // Two stateless API nodes on one primary, replica and Redis.
    nodes = [await buildOnPrimary(overrides), await buildOnPrimary(overrides)];
    const testServer = { http: request(nodes[0].built.app), built: nodes[0].built } as unknown as TestServer;
    const token = async () => {
      const { client: c, key } = await registerBackendClient(testServer, 'system/Patient.cruds');
      return (await backendServicesToken(testServer, { clientId: c.clientId, key, scope: 'system/Patient.cruds' })).access_token;
    };
    tokens = { writer: await token(), other: await token() };
    await replicaCaughtUp();
  });
  after(async () => {
    await repl.replica.sql('START SLAVE SQL_THREAD');
    // This test's Redis keys (the shared Redis is otherwise left alone).
    const redis = nodes[0].built.redis!;
    for (let cursor = '0', first = true; first || cursor !== '0'; first = false) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    }
    for (const { built, server } of nodes) {
      await server.close();
      await built.close();
    }
  });

  test('a client writing through one node reads its write through another while the replica lags; other clients read the replica', async () => {
    const writerOnA = client(nodes[0].server.base, tokens.writer);
    const writerOnB = client(nodes[1].server.base, tokens.writer);
    const otherOnB = client(nodes[1].server.base, tokens.other);
    try {
      await repl.replica.sql('STOP SLAVE SQL_THREAD');
      const created = await writerOnA.post('Patient', patient({ name: [{ family: 'SmartLag' }] }));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const b = nodes[1].built.replicas!;
      const before = b.stats();
      assert.deepEqual(ids(await otherOnB.get('Patient?family=SmartLag')), []);
      assert.deepEqual(ids(await writerOnB.get('Patient?family=SmartLag')), [created.body.id]);
      const now = b.stats();
      assert.equal(now.replica, before.replica + 1, 'the other client read the replica');
      assert.equal(now.primary, before.primary + 1, 'the writer, on another node, read the primary');
    } finally {
      writerOnA.close();
      writerOnB.close();
      otherOnB.close();
    }
  });
});

describe('read replicas: a replica that is down', () => {
  let node: { built: BuiltApp; server: Listening };
  let port: number;
  before(async () => {
    port = await freePort();
    node = await buildOnPrimary({
      DATABASE_URL: `${repl.primary.url}/fibrotrack_repl_down`,
      DATABASE_READ_URLS: `mysql://root@127.0.0.1:${port}`,
    });
  });
  after(async () => {
    await node.server.close();
    await node.built.close();
  });

  test('reads go to the primary and the node stays ready, reporting the replica down', async () => {
    const http = request(node.built.app);
    const created = await http
      .post('/fhir/Patient')
      .set('Content-Type', FHIR_JSON)
      .send(patient({ name: [{ family: 'NoReplica' }] }));
    assert.equal(created.status, 201);
    const found = await http.get('/fhir/Patient?family=NoReplica');
    assert.equal(found.status, 200);
    assert.deepEqual(ids({ status: found.status, body: found.body as Answer['body'] }), [(created.body as Answer['body']).id]);
    assert.ok(node.built.replicas!.stats().primary >= 1);
    const ready = await http.get('/readyz');
    assert.equal(ready.status, 200);
    const checks = (ready.body as { checks: Record<string, { status: string }> }).checks;
    assert.equal(checks[`database replica 1 (127.0.0.1:${port})`].status, 'warn');
    assert.equal(checks.database.status, 'pass');
  });
});

test('a primary without a binary log is refused at start with DATABASE_READ_URLS, naming log_bin', async (t) => {
  // The shared MariaDB logs nothing: a database of this test's own on it, dropped after.
  const root = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
  const [{ log_bin: logBin }] = await sqlOn(root, 'SELECT @@log_bin AS log_bin');
  if (Number(logBin) === 1) return t.skip('the MariaDB at TEST_MYSQL_URL has a binary log');
  const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
  try {
    await assert.rejects(
      buildApp(loadConfig({ DATABASE_URL: `${root}/${database}`, DATABASE_READ_URLS: repl.replicaReaderUrl, AUTH_MODE: 'open' })),
      /DATABASE_READ_URLS.*log_bin/,
    );
  } finally {
    await sqlOn(root, `DROP DATABASE IF EXISTS \`${database}\``);
  }
});

async function sqlOn(url: string, text: string): Promise<mysql.RowDataPacket[]> {
  const conn = await mysql.createConnection(url);
  try {
    return (await conn.query<mysql.RowDataPacket[]>(text))[0];
  } finally {
    await conn.end();
  }
}
