// OpenTelemetry tracing (docs/operations.md#tracing): a `fibrotrack serve` process with OTEL_EXPORTER_OTLP_ENDPOINT
// set sends OTLP/HTTP JSON to a receiver in this test: a search is a server span "search-type Patient" with its
// X-Request-Id and a child SQL span (db.system mysql) in the same trace; no attribute holds the searched name or the
// bearer token sent; without the variable nothing reaches the receiver.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { freePort } from './support/free-port.js';
import { FROM_BIN, FROM_SOURCE, startServe } from './support/serve-child.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
const secretName = () => `Zyx${randomBytes(4).toString('hex')}`;
const OTHER_NAME = `Qvw${randomBytes(4).toString('hex')}`;
const TOKEN = `tok-${randomBytes(12).toString('hex')}`;

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: Record<string, unknown> }[];
}
const posts: string[] = [];
let receiver: Server;
let receiverPort: number;
const children: ChildProcess[] = [];

before(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      posts.push(`${req.method} ${req.url} ${req.headers['content-type']}\n${body}`);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  receiverPort = await new Promise<number>((resolve) =>
    receiver.listen(0, '127.0.0.1', () => resolve((receiver.address() as { port: number }).port)),
  );
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  receiver.close();
  const conn = await mysql.createConnection(ROOT);
  await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await conn.end();
});

async function serve(extra: NodeJS.ProcessEnv, argv = FROM_BIN): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `${ROOT}/${database}`, AUTH_MODE: 'open', WORKERS: '1', ...extra };
  for (const key of Object.keys(env)) if (key.startsWith('OTEL_') && !(key in extra)) delete env[key];
  const child = await startServe(port, env, 60_000, argv);
  children.push(child);
  return { base: `http://127.0.0.1:${port}/fhir`, child };
}

async function searchByName(base: string, family: string): Promise<string> {
  const created = await fetch(`${base}/Patient`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ resourceType: 'Patient', name: [{ family }] }),
  });
  assert.equal(created.status, 201);
  const search = await fetch(`${base}/Patient?family=${family}&_count=5`, { headers: { authorization: `Bearer ${TOKEN}` } });
  assert.equal(search.status, 200);
  assert.equal(((await search.json()) as { entry?: unknown[] }).entry?.length, 1);
  return search.headers.get('x-request-id')!;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

function spansOf(bodies: string[]): OtlpSpan[] {
  return bodies.flatMap((post) => {
    const json = JSON.parse(post.slice(post.indexOf('\n') + 1)) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] };
    return json.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
  });
}

const attr = (span: OtlpSpan, key: string) => span.attributes?.find((a) => a.key === key)?.value.stringValue as string | undefined;

// Both ways `fibrotrack serve` runs: compiled (dist/) and from the TypeScript sources through tsx, whose module loader
// the instrumentations must still see (mysql2 is hooked as it is imported).
for (const [path, argv] of [
  ['through bin/fibrotrack.js, compiled once built', FROM_BIN],
  ['from source through tsx', FROM_SOURCE],
] as const) {
  test(`a search is traced as a server span with a child SQL span, flushed on SIGTERM, holding no name or token (${path})`, async () => {
    posts.length = 0;
    const name = secretName();
    const { base, child } = await serve(
      { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${receiverPort}`, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      argv,
    );
    const requestId = await searchByName(base, name);
    await stop(child); // the spans still queued are exported before the process exits
    assert.ok(posts.length > 0, 'the receiver got spans');
    assert.ok(
      posts.every((p) => p.startsWith('POST /v1/traces application/json')),
      posts.map((p) => p.split('\n')[0]).join(', '),
    );
    const spans = spansOf(posts);
    const server = spans.find((s) => s.name === 'search-type Patient' && attr(s, 'http.request.id') === requestId);
    assert.ok(server, `a server span for the search; got ${[...new Set(spans.map((s) => s.name))].join(', ')}`);
    assert.equal(server.kind, 2); // SPAN_KIND_SERVER
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const descends = (s: OtlpSpan): boolean =>
      s.parentSpanId ? s.parentSpanId === server.spanId || descends(byId.get(s.parentSpanId) ?? ({} as OtlpSpan)) : false;
    const sql = spans.filter(
      (s) => s.traceId === server.traceId && (attr(s, 'db.system') ?? attr(s, 'db.system.name')) === 'mysql' && descends(s),
    );
    assert.ok(sql.length > 0, 'SQL spans under the server span');
    assert.ok(
      sql.some((s) => /select/i.test(String(attr(s, 'db.statement') ?? attr(s, 'db.query.text') ?? ''))),
      'with the statement text',
    );
    const everything = posts.join('\n');
    assert.ok(!everything.includes(name), 'no span holds the searched name');
    assert.ok(!everything.includes(TOKEN), 'no span holds the bearer token');
  });
}

test('without OTEL_EXPORTER_OTLP_ENDPOINT nothing is sent', async () => {
  posts.length = 0;
  const { base, child } = await serve({});
  await searchByName(base, OTHER_NAME);
  await stop(child);
  assert.deepEqual(posts, []);
});
