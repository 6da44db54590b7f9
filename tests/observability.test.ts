// What operators see (docs/operations.md): /healthz and /readyz (migrations included, not audited), X-Request-Id on
// every response and in the request's AuditEvent, Prometheus metrics at /metrics behind METRICS_TOKEN (or on a port
// of their own) that no other token opens, and one JSON log line per request holding no token, secret, password
// or patient data.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { AuditEvent } from 'fhir/r4.js';
import { createLogger } from '../server/src/observability/request-log.js';
import { listenForMetrics } from '../server/src/observability/metrics-endpoint.js';
import { errorHandler } from '../server/src/http/error-handler.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';
import {
  addUser,
  authorizationCodeToken,
  backendServicesToken,
  registerBackendClient,
  registerClient,
  tokenRequest,
} from './support/smart-tokens.js';

const METRICS_TOKEN = 'metrics-secret-4b1d9e';
const PASSWORD = 'correct-horse-battery-77';
const FAMILY = 'Quaxmoorby';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('AUTH_MODE=smart with METRICS_TOKEN and a JSON request log', () => {
  let s: TestServer;
  const logged: string[] = [];
  let systemToken: string;
  let auditorToken: string;
  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    s = await startTestServer({ AUTH_MODE: 'smart', METRICS_TOKEN }, { logger: createLogger('info', sink) });
    const backend = await registerBackendClient(s, 'system/*.cruds system/AuditEvent.rs');
    systemToken = (await backendServicesToken(s, { clientId: backend.client.clientId, key: backend.key, scope: 'system/*.cruds' }))
      .access_token;
    auditorToken = (await backendServicesToken(s, { clientId: backend.client.clientId, key: backend.key, scope: 'system/AuditEvent.rs' }))
      .access_token;
  });
  after(() => s.close());

  const auditEventsWith = async (requestId: string): Promise<AuditEvent[]> => {
    // Reading AuditEvents writes the queued ones first.
    const res = await s.http.get(`/fhir/AuditEvent?_count=1000`).set('Authorization', `Bearer ${auditorToken}`);
    assert.equal(res.status, 200);
    return ((res.body as { entry?: { resource: AuditEvent }[] }).entry ?? [])
      .map((e) => e.resource)
      .filter((e) => e.entity?.some((x) => x.what?.identifier?.value === requestId && x.type?.code === 'XrequestId'));
  };

  test('/healthz and /readyz answer without a token, name their checks and are not audited', async () => {
    const live = await s.http.get('/healthz');
    assert.equal(live.status, 200);
    assert.equal(JSON.parse(live.text).status, 'pass');
    const ready = await s.http.get('/readyz').set('X-Request-Id', 'probe-readyz-1');
    assert.equal(ready.status, 200);
    assert.deepEqual(Object.keys(JSON.parse(ready.text).checks).sort(), ['Redis', 'database', 'migrations']);
    assert.equal(ready.headers['x-request-id'], 'probe-readyz-1');
    assert.deepEqual(await auditEventsWith('probe-readyz-1'), []);
  });

  test('/readyz answers 503 naming the migrations while one is not applied', async () => {
    const [row] = await s.sql<{ version: number; name: string; applied_at: Date }[]>(
      'SELECT * FROM schema_migrations ORDER BY version DESC LIMIT 1',
    );
    await s.sql('DELETE FROM schema_migrations WHERE version = ?', [row.version]);
    try {
      const ready = await s.http.get('/readyz');
      assert.equal(ready.status, 503);
      assert.ok(ready.headers['retry-after']);
      const body = JSON.parse(ready.text);
      assert.equal(body.checks.migrations.status, 'fail');
      assert.match(body.checks.migrations.output, new RegExp(`not applied: ${row.name}`));
      assert.equal(body.checks.database.status, 'pass');
    } finally {
      await s.sql('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [row.version, row.name, row.applied_at]);
    }
    assert.equal((await s.http.get('/readyz')).status, 200);
  });

  test("every response carries X-Request-Id (the client's when well-formed) and the AuditEvent records it", async () => {
    const created = await s.http
      .post('/fhir/Patient')
      .set('Authorization', `Bearer ${systemToken}`)
      .set('Content-Type', FHIR_JSON)
      .set('X-Request-Id', 'trace-create-42')
      .send(JSON.stringify({ resourceType: 'Patient', name: [{ family: FAMILY }] }));
    assert.equal(created.status, 201);
    assert.equal(created.headers['x-request-id'], 'trace-create-42');
    const events = await auditEventsWith('trace-create-42');
    assert.equal(events.length, 1);
    assert.equal(events[0].subtype?.[0].code, 'create');
    // A malformed id (spaces, quotes, too long) is replaced by a fresh UUID.
    const odd = await s.http.get('/fhir/metadata').set('X-Request-Id', 'has "quotes" and spaces');
    assert.match(odd.headers['x-request-id'], UUID);
    assert.match((await s.http.get('/nowhere')).headers['x-request-id'], UUID);
  });

  test('/metrics needs METRICS_TOKEN: none, a wrong one, a FHIR access token are refused', async () => {
    const none = await s.http.get('/metrics');
    assert.equal(none.status, 401);
    assert.equal(none.body.resourceType, 'OperationOutcome');
    assert.match(none.body.issue[0].diagnostics, /Authorization: Bearer <METRICS_TOKEN>/);
    assert.equal(none.headers['www-authenticate'], 'Bearer realm="metrics"');
    assert.equal((await s.http.get('/metrics').set('Authorization', 'Bearer not-the-token')).status, 401);
    assert.equal((await s.http.get('/metrics').set('Authorization', `Bearer ${systemToken}`)).status, 401);
    assert.equal(
      (await s.http.get('/metrics').set('Authorization', `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`)).status,
      401,
    );
  });

  test('/metrics counts requests by interaction, type and status, times them, and shows the pool, the audit queue and jobs', async () => {
    const patient = await s.http
      .post('/fhir/Patient')
      .set('Authorization', `Bearer ${systemToken}`)
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Patient' }));
    const id = (patient.body as { id: string }).id;
    for (let i = 0; i < 3; i++)
      assert.equal((await s.http.get(`/fhir/Patient/${id}`).set('Authorization', `Bearer ${systemToken}`)).status, 200);
    assert.equal((await s.http.get('/fhir/Patient/no-such-one').set('Authorization', `Bearer ${systemToken}`)).status, 404);
    assert.equal((await s.http.get('/fhir/Frobnication?x=1').set('Authorization', `Bearer ${systemToken}`)).status, 404);
    const res = await s.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    assert.equal(res.status, 200);
    assert.match(res.headers['content-type'], /^text\/plain/);
    const text = res.text;
    const value = (series: string) => Number(new RegExp(`^${series.replace(/[{}"]/g, (c) => `\\${c}`)} (\\S+)$`, 'm').exec(text)?.[1]);
    assert.ok(value('fibrotrack_http_requests_total{interaction="read",type="Patient",status="200"}') >= 3, text);
    assert.ok(value('fibrotrack_http_requests_total{interaction="read",type="Patient",status="404"}') >= 1);
    assert.ok(
      value('fibrotrack_http_requests_total{interaction="search-type",type="unknown",status="404"}') >= 1,
      'an unknown type is one series',
    );
    assert.doesNotMatch(text, /Frobnication/);
    assert.ok(value('fibrotrack_http_request_duration_seconds_count{interaction="read",type="Patient"}') >= 4);
    assert.match(text, /^fibrotrack_http_request_duration_seconds_bucket\{le="0.005",interaction="read",type="Patient"\} \d+$/m);
    assert.equal(value('fibrotrack_db_pool_connections{state="limit"}'), 10);
    assert.ok(value('fibrotrack_db_pool_connections{state="open"}') >= 1);
    assert.ok(Number.isFinite(value('fibrotrack_db_pool_waiting')));
    assert.ok(Number.isFinite(value('fibrotrack_audit_queue_depth')));
    assert.match(text, /^# TYPE fibrotrack_import_jobs gauge$/m);
    assert.match(text, /^# TYPE fibrotrack_export_jobs gauge$/m);
    assert.equal(value('fibrotrack_subscription_events_pending'), 0);
    assert.match(text, /^fibrotrack_process_resident_memory_bytes \d+/m);
  });

  test('one JSON line per request with its request id, and no token, secret, password or patient data in the log', async () => {
    const confidential = await registerClient(s, { scope: 'openid fhirUser launch/patient patient/*.rs', auth: 'client_secret_basic' });
    const created = await s.http
      .post('/fhir/Patient')
      .set('Authorization', `Bearer ${systemToken}`)
      .set('Content-Type', FHIR_JSON)
      .send(JSON.stringify({ resourceType: 'Patient', name: [{ family: FAMILY }], birthDate: '1971-02-03' }));
    const patientId = (created.body as { id: string }).id;
    await addUser(s, { username: 'logcheck', password: PASSWORD, fhirUser: `Patient/${patientId}` });
    const token = await authorizationCodeToken(s, {
      client: confidential,
      user: { username: 'logcheck', password: PASSWORD },
      scope: 'openid fhirUser launch/patient patient/*.rs',
    });
    const search = await s.http
      .get(`/fhir/Patient?family=${FAMILY}&birthdate=1971-02-03`)
      .set('Authorization', `Bearer ${token.access_token}`)
      .set('X-Request-Id', 'log-search-1');
    assert.equal(search.status, 200);
    await tokenRequest(s, { clientId: confidential.clientId, clientSecret: 'wrong-secret-zz' }, { grant_type: 'client_credentials' });
    await s.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    const lines = logged.map((l) => JSON.parse(l) as Record<string, unknown>);
    const searchLine = lines.find((l) => l.reqId === 'log-search-1');
    assert.deepEqual(
      {
        msg: searchLine?.msg,
        method: searchLine?.method,
        interaction: searchLine?.interaction,
        type: searchLine?.type,
        status: searchLine?.status,
      },
      { msg: 'request', method: 'GET', interaction: 'search-type', type: 'Patient', status: 200 },
    );
    assert.equal(typeof searchLine?.ms, 'number');
    assert.ok(
      lines.some((l) => l.interaction === 'auth' && l.method === 'POST'),
      'the token requests are logged too',
    );
    const all = logged.join('\n');
    for (const secret of [
      token.access_token,
      token.id_token!,
      systemToken,
      auditorToken,
      confidential.clientSecret!,
      'wrong-secret-zz',
      PASSWORD,
      METRICS_TOKEN,
      FAMILY,
      '1971-02-03',
      patientId,
      'logcheck',
    ]) {
      assert.ok(secret && !all.includes(secret), `the log holds ${secret.slice(0, 12)}...`);
    }
  });
});

describe('AUTH_MODE=open without metrics settings; METRICS_PORT', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer();
  });
  after(() => s.close());

  test('the job gauges of a scrape read an index, not every job row', async () => {
    for (const [table, column] of [
      ['wearable_import_job', 'state'],
      ['export_job', 'state'],
      ['subscription', 'status'],
    ]) {
      const [plan] = await s.sql<{ key: string | null; Extra: string }[]>(
        `EXPLAIN SELECT ${column} AS state, COUNT(*) AS n FROM ${table} GROUP BY ${column}`,
      );
      assert.ok(plan.key, `${table}: ${JSON.stringify(plan)}`);
      assert.match(plan.Extra, /Using index/, table);
    }
  });

  test('/metrics is off on the API port, and served alone on its own port', async () => {
    const off = await s.http.get('/metrics');
    assert.equal(off.status, 404);
    assert.match(off.body.issue[0].diagnostics, /METRICS_TOKEN .* METRICS_PORT/);
    assert.equal((await s.http.get('/fhir/metadata')).status, 200);
    const server = await listenForMetrics(
      s.built.metrics.registry,
      { port: 0, host: '127.0.0.1' },
      errorHandler('http://localhost:8080/fhir', { error: () => undefined }),
    );
    // port 0 asks the system for one; METRICS_PORT names it.
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const metrics = await fetch(`${base}/metrics`);
      assert.equal(metrics.status, 200);
      assert.match(await metrics.text(), /fibrotrack_http_requests_total\{interaction="capabilities",type="",status="200"\} 1/);
      const other = await fetch(`${base}/fhir/metadata`);
      assert.equal(other.status, 404);
      assert.match(((await other.json()) as { issue: { diagnostics: string }[] }).issue[0].diagnostics, /Only GET \/metrics/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
