// The delivery loop: leases subscriptions with work due (one UPDATE in MySQL, so across nodes each is served by
// one node at a time), handshakes `requested` ones (a 2xx makes them `active`), POSTs each undelivered event in
// event-number order and marks it delivered after a 2xx. Delivery is at-least-once: a node that dies between the
// POST and the mark leaves the event to be sent again once its lease runs out. Failures back off exponentially
// with jitter; after `maxAttempts` failures in a row the Subscription goes to `error` with the reason. A failure
// of this server (Redis, the database, no websocket channel) backs off the same way but is not the subscriber's:
// it never puts the Subscription in `error`. The loop has a pool of its own (SUBSCRIPTION_DB_POOL_SIZE): its SQL,
// and the repository's reads and writes it makes, never queue behind the HTTP requests' (store/mysql/pool-scope.ts).
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Subscription } from 'fhir/r4.js';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { stringifyExact } from '../core/exact-numbers.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { boundedRequest } from '../http/bounded-request.js';
import type { FhirRepository } from '../store/repository.js';
import type { Sql } from '../store/sql.js';
import { onPool, type PoolScope } from '../store/mysql/pool-scope.js';
import { authorizationEnded, oncePerRound, type AuthorizationState } from './authorization-ended.js';
import { endpointProblem } from './endpoint-rules.js';
import { parseGrant } from './grant.js';
import { notificationBundle, type NotificationEvent } from './notification.js';
import type { SubscriptionsConfig } from './subscriptions-config.js';
import { readSpec, type SubscriptionSpec } from './subscription-spec.js';
import { setStatus } from './set-status.js';
import type { Topics } from './topics.js';
import type { WsNotification } from './websocket/fanout.js';
import * as table from './subscription-table.js';
import { loggableError } from '../audit/loggable.js';

const BATCH = 20;
/** Subscriptions served at once by one node. */
const LEASED_AT_ONCE = 20;

export interface DeliveryDeps {
  /** The loop's own pool, apart from the HTTP requests' (SUBSCRIPTION_DB_POOL_SIZE); ended by close(). */
  pool: Pool;
  repo: FhirRepository;
  defs: Definitions;
  fhirBase: string;
  config: SubscriptionsConfig;
  topics: Topics;
}

export class DeliveryLoop {
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly leaseMs: number;
  private readonly scope: PoolScope;
  private running: Promise<void> | undefined;
  private stopped = true;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  /** Failures of this server in a row, by Subscription id (the backoff of the next try); cleared by a round served. */
  private readonly ownFailures = new Map<string, number>();
  /** AUTH_MODE=smart: a Subscription whose authorization has ended is switched off instead of served. */
  authorization: AuthorizationState | undefined;
  /** Publishes a websocket notification to every node's bound sockets (websocket/); unset, websocket ones wait. */
  websocket: ((n: WsNotification) => Promise<void>) | undefined;
  /** Tells every node's loop that events were recorded (Redis pub/sub, websocket/fanout.ts); unset, they poll. */
  announce: (() => Promise<void>) | undefined;

  constructor(private readonly deps: DeliveryDeps) {
    this.leaseMs = deps.config.limits.totalTimeoutMs * (BATCH + 1) + 5_000;
    this.scope = { pool: deps.pool, closed: false };
  }

  start(): void {
    if (this.scope.closed) throw new Error('the delivery loop is closed');
    if (!this.stopped) return;
    this.stopped = false;
    // Everything the loop awaits, the repository's queries included, takes connections from the loop's pool.
    this.running = onPool(this.scope, () => this.run());
  }

  /** Finishes the POST in flight; events not yet marked delivered are sent by the next loop to lease them. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  /** Stops the loop for good and closes its pool (at shutdown). */
  async close(): Promise<void> {
    await this.stop();
    if (this.scope.closed) return;
    this.scope.closed = true;
    await this.deps.pool.end();
  }

  /** A write on this node recorded events: this node's loop and every other node's look now. */
  recorded(): void {
    this.wake();
    this.announce?.().catch((err: unknown) =>
      console.error('Subscriptions: could not tell the other nodes of new events (they find them at their next poll)', loggableError(err)),
    );
  }

  /** Look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  /**
   * Serves up to LEASED_AT_ONCE subscriptions at a time, leasing more as soon as one is done (a slow receiver holds
   * up only its own subscription); waits for a wake (a local commit, a subscription served) or the poll otherwise.
   */
  private async run(): Promise<void> {
    const serving = new Map<string, Promise<void>>();
    while (!this.stopped) {
      let leased = false;
      const room = LEASED_AT_ONCE - serving.size;
      if (room > 0) {
        try {
          for (const { row, authorization } of await this.leaseDue(room, serving)) {
            leased = true;
            const served = this.serve(row, authorization)
              .then(
                () => void this.ownFailures.delete(row.id),
                (err: unknown) => this.retryLater(row, err),
              )
              .finally(() => {
                serving.delete(row.id);
                this.wake();
              });
            serving.set(row.id, served);
          }
        } catch (err) {
          console.error('Subscription delivery failed; retrying at the next poll', loggableError(err));
        }
      }
      if (!leased && !this.stopped) await this.idle();
    }
    await Promise.all(serving.values());
  }

  private idle(): Promise<void> {
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.deps.config.pollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wakeUp = () => {
        this.wakeUp = undefined;
        this.woken = false;
        done();
      };
    });
  }

  private query<T extends RowDataPacket[] | ResultSetHeader>(q: Sql): Promise<T> {
    return this.deps.pool.query<T>(q.text, q.values as unknown[]).then(([rows]) => rows);
  }

  /** Leases up to `max` subscriptions with work due, besides those being served: what to serve now. */
  private async leaseDue(
    max: number,
    serving: ReadonlyMap<string, unknown>,
  ): Promise<{ row: table.SubscriptionRow; authorization: AuthorizationState | undefined }[]> {
    const due = await this.query<RowDataPacket[]>(table.due(max));
    if (due.length === 0) return [];
    const ids = due.map((r) => String(r.id));
    const { affectedRows } = await this.query<ResultSetHeader>(table.lease(this.owner, this.leaseMs, ids));
    if (affectedRows === 0) return []; // another node leased them first
    const rows = (await this.query<table.SubscriptionRow[]>(table.leased(this.owner))).filter((r) => !serving.has(r.id));
    const authorization = this.authorization && oncePerRound(this.authorization);
    return rows.map((row) => ({ row, authorization }));
  }

  /** This server failed (not the subscriber): the Subscription is leased again after a backoff, its status kept. */
  private async retryLater(row: table.SubscriptionRow, err: unknown): Promise<void> {
    const failures = (this.ownFailures.get(row.id) ?? 0) + 1;
    this.ownFailures.set(row.id, failures);
    const delay = this.backoff(failures);
    console.error(`Subscription/${row.id}: delivery failed on this server; trying again in ${delay} ms`, loggableError(err));
    await this.query(table.postpone(row.id, this.owner, delay)).catch(() => undefined);
  }

  /** The wait before try `failures` + 1: doubling from retryBaseMs up to retryMaxMs, plus up to 50% jitter. */
  private backoff(failures: number): number {
    const { retryBaseMs, retryMaxMs } = this.deps.config;
    return Math.round(Math.min(retryMaxMs, retryBaseMs * 2 ** (failures - 1)) * (1 + Math.random() * 0.5));
  }

  private async serve(row: table.SubscriptionRow, authorization: AuthorizationState | undefined): Promise<void> {
    const current = await this.deps.repo.read('Subscription', row.id);
    const sub = current?.resource as Subscription | undefined;
    if (!sub || current?.deleted) return void (await this.query(table.release(row.id, this.owner)));
    const ended = authorization && (await authorizationEnded(parseGrant(row.grant_json), authorization));
    if (ended) {
      await setStatus(this.deps.repo, row.id, 'off', `delivery stopped: ${ended}`);
      return void (await this.query(table.release(row.id, this.owner)));
    }
    let spec: SubscriptionSpec;
    try {
      spec = readSpec(sub, this.deps.defs, this.deps.topics);
    } catch (err) {
      return this.fail(row, `the Subscription can no longer be served: ${(err as Error).message}`, true);
    }
    if (spec.channel === 'websocket') return this.serveWebsocket(row, spec, sub);
    const problem = await endpointProblem(spec.endpoint, this.deps.config.allowLoopback);
    if (problem) return this.fail(row, `endpoint refused: ${problem}`, true);
    if (row.status === 'requested') {
      const why = await this.post(spec, sub, 'handshake', Number(row.event_count), []);
      if (why) return this.fail(row, `handshake failed: ${why}`);
      await setStatus(this.deps.repo, row.id, 'active');
      await this.query(table.succeeded(row.id, this.owner));
      return;
    }
    const events = await this.query<table.EventRow[]>(table.pendingEvents(row.id, BATCH));
    for (const e of events) {
      const why = await this.post(spec, sub, 'event-notification', Number(e.event_number), [await this.eventOf(e, spec)]);
      if (why) return this.fail(row, `notification ${e.event_number} failed: ${why}`);
      await this.query(table.markDelivered(row.id, Number(e.event_number)));
    }
    await this.query(table.succeeded(row.id, this.owner));
  }

  /**
   * A websocket Subscription is active without a handshake (a socket binds to it when it likes); each event is
   * published to every node's sockets and counts as delivered once published.
   */
  private async serveWebsocket(row: table.SubscriptionRow, spec: SubscriptionSpec, sub: Subscription): Promise<void> {
    if (row.status === 'requested') {
      await setStatus(this.deps.repo, row.id, 'active');
      return void (await this.query(table.succeeded(row.id, this.owner)));
    }
    const publish = this.websocket;
    if (!publish) throw new Error('this node has no websocket channel (yet, or any more)');
    const events = await this.query<table.EventRow[]>(table.pendingEvents(row.id, BATCH));
    for (const e of events) {
      // The focus in full, for each socket's access check, whatever the payload shows.
      const event = await this.eventOf(e, { ...spec, content: 'full-resource' });
      const { resource: _focus, ...idOnly } = event;
      const shown = spec.content === 'full-resource' ? event : idOnly;
      const text =
        spec.content === 'empty' ? `ping ${row.id}` : this.bundleText(spec, sub, 'event-notification', event.eventNumber, [shown]);
      await publish({ subscriptionId: row.id, text, ...(event.resource ? { focus: event.resource } : {}) });
      await this.query(table.markDelivered(row.id, event.eventNumber));
    }
    await this.query(table.succeeded(row.id, this.owner));
  }

  private bundleText(
    spec: SubscriptionSpec,
    sub: Subscription,
    type: 'handshake' | 'event-notification',
    count: number,
    events: NotificationEvent[],
  ): string {
    return stringifyExact(
      notificationBundle({
        fhirBase: this.deps.fhirBase,
        subscriptionId: sub.id!,
        topic: sub.criteria,
        status: type === 'handshake' ? 'requested' : 'active',
        type,
        eventsSinceStart: count,
        content: spec.content,
        events,
      }),
    );
  }

  private async eventOf(e: table.EventRow, spec: SubscriptionSpec): Promise<NotificationEvent> {
    const reference = `${e.res_type}/${e.res_id}`;
    const about = e.patient_ref ? { patient: e.patient_ref } : {};
    if (spec.content !== 'full-resource') return { eventNumber: Number(e.event_number), reference, ...about };
    // The version that matched, even when the resource has changed since.
    const version = await this.deps.repo.vread(e.res_type, e.res_id, String(e.version_id));
    return { eventNumber: Number(e.event_number), reference, ...about, ...(version?.resource ? { resource: version.resource } : {}) };
  }

  /** Why the POST failed, or undefined after a 2xx. */
  private async post(
    spec: SubscriptionSpec,
    sub: Subscription,
    type: 'handshake' | 'event-notification',
    count: number,
    events: NotificationEvent[],
  ): Promise<string | undefined> {
    const headers: Record<string, string> = { ...spec.headers };
    let body: string | undefined;
    if (spec.content !== 'empty') {
      body = this.bundleText(spec, sub, type, count, events);
      headers['Content-Type'] = spec.mediaType ?? 'application/fhir+json';
    }
    try {
      const res = await boundedRequest(
        spec.endpoint,
        { method: 'POST', headers, ...(body !== undefined ? { body } : {}) },
        this.deps.config.limits,
      );
      return res.status >= 200 && res.status < 300 ? undefined : `the endpoint answered ${res.status}`;
    } catch (err) {
      return (err as Error).message;
    }
  }

  private async fail(row: table.SubscriptionRow, why: string, final = false): Promise<void> {
    const failures = Number(row.failures) + 1;
    if (final || failures >= this.deps.config.maxAttempts) {
      const after = final ? '' : ` (after ${failures} attempts)`;
      await setStatus(this.deps.repo, row.id, 'error', `${why}${after}`);
      await this.query(table.release(row.id, this.owner));
      return;
    }
    await this.query(table.failed(row.id, this.owner, this.backoff(failures)));
  }
}
