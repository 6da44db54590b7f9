// Prometheus metrics of one server (prom-client, its own registry): HTTP requests by FHIR interaction, resource type
// and status, with latency histograms; the database pool; the audit queue; import and export jobs and Subscription
// deliveries (counted in the database when scraped, so every node reports the cluster's jobs); Node's process
// metrics. Served by metrics-endpoint.ts. Names and meanings: docs/operations.md, "Metrics".
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RequestListener } from './track-requests.js';

export interface MetricsSources {
  pool: Pool;
  /** AUTH_MODE=smart: AuditEvents queued and not yet written. */
  auditQueued?: () => number;
}

export interface Metrics {
  registry: Registry;
  /** Counts and times every request (a track-requests.ts listener). */
  observe: RequestListener;
}

/** Seconds: from a 5 ms read to a 30 s import or export kick-off. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function createMetrics(sources: MetricsSources): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'fibrotrack_' });
  const requests = new Counter({
    name: 'fibrotrack_http_requests_total',
    help: 'HTTP requests answered, by FHIR interaction, resource type and status',
    labelNames: ['interaction', 'type', 'status'] as const,
    registers,
  });
  const latency = new Histogram({
    name: 'fibrotrack_http_request_duration_seconds',
    help: 'Time from request to the end of the response, by FHIR interaction and resource type',
    labelNames: ['interaction', 'type'] as const,
    buckets: LATENCY_BUCKETS,
    registers,
  });
  poolGauges(sources.pool, registers);
  if (sources.auditQueued) {
    const queued = sources.auditQueued;
    new Gauge({
      name: 'fibrotrack_audit_queue_depth',
      help: 'AuditEvents recorded and not yet written to the database',
      registers,
      collect() {
        this.set(queued());
      },
    });
  }
  databaseGauges(sources.pool, registers);
  const observe: RequestListener = ({ res, kind, seconds }) => {
    requests.inc({ interaction: kind.interaction, type: kind.type, status: String(res.statusCode) });
    latency.observe({ interaction: kind.interaction, type: kind.type }, seconds);
  };
  return { registry, observe };
}

/** mysql2 keeps its pool's state in fields it does not type; read, never changed. */
interface PoolState {
  _allConnections: { length: number };
  _freeConnections: { length: number };
  _connectionQueue: { length: number };
  config: { connectionLimit: number };
}

function poolGauges(pool: Pool, registers: Registry[]): void {
  const state = (pool as unknown as { pool: PoolState }).pool;
  new Gauge({
    name: 'fibrotrack_db_pool_connections',
    help: 'Database pool connections: open, busy (lent to a request), idle, and the limit (DB_POOL_SIZE)',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const open = state._allConnections.length;
      const idle = state._freeConnections.length;
      this.set({ state: 'open' }, open);
      this.set({ state: 'busy' }, open - idle);
      this.set({ state: 'idle' }, idle);
      this.set({ state: 'limit' }, state.config.connectionLimit);
    },
  });
  new Gauge({
    name: 'fibrotrack_db_pool_waiting',
    help: 'Requests waiting for a free database connection',
    registers,
    collect() {
      this.set(state._connectionQueue.length);
    },
  });
}

/** Jobs and deliveries, counted in the database at scrape time (all nodes' work, not only this one's). */
function databaseGauges(pool: Pool, registers: Registry[]): void {
  const byState = (name: string, help: string, sql: string) =>
    new Gauge({
      name,
      help,
      labelNames: ['state'] as const,
      registers,
      async collect() {
        this.reset();
        // The database down: the scrape still answers, without these series (the readiness check says why).
        const rows = await pool.query<RowDataPacket[]>(sql).then(
          ([r]) => r,
          () => [],
        );
        for (const row of rows) this.set({ state: String(row.state) }, Number(row.n));
      },
    });
  byState(
    'fibrotrack_import_jobs',
    'Wearable import jobs ($import-wearable, respond-async) by state',
    'SELECT state, COUNT(*) AS n FROM wearable_import_job GROUP BY state',
  );
  byState('fibrotrack_export_jobs', 'Bulk Data $export jobs by state', 'SELECT state, COUNT(*) AS n FROM export_job GROUP BY state');
  byState(
    'fibrotrack_subscriptions',
    'Subscriptions by status (requested, active, error, off)',
    'SELECT status AS state, COUNT(*) AS n FROM subscription GROUP BY status',
  );
  new Gauge({
    name: 'fibrotrack_subscription_events_pending',
    help: 'Subscription notifications recorded and not yet delivered',
    registers,
    async collect() {
      const rows = await pool.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM subscription_event WHERE delivered_at IS NULL').then(
        ([r]) => r,
        () => undefined,
      );
      if (rows) this.set(Number(rows[0].n));
    },
  });
}
