// SQL of the subscription delivery state (migration 026): the row per Subscription, the outbox of events, and
// the lease that lets one node at a time deliver a subscription's events.
import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { sql, type Sql } from '../store/sql.js';

export type Run = <T extends RowDataPacket[] | ResultSetHeader>(q: Sql) => Promise<T>;
export type SubscriptionStatus = 'requested' | 'active' | 'error' | 'off';

export interface SubscriptionRow extends RowDataPacket {
  id: string;
  res_type: string;
  criteria: string;
  /** The topic's canonical URL when the Subscription follows one (its condition is checked on write). */
  topic: string | null;
  status: SubscriptionStatus;
  grant_json: string | null;
  event_count: number;
  failures: number;
}

export interface EventRow extends RowDataPacket {
  subscription_id: string;
  event_number: number;
  res_type: string;
  res_id: string;
  version_id: number;
  /** `Patient/<id>`: the patient the focus is about, when it names one. */
  patient_ref: string | null;
}

export const saveGrant = (id: string, grantJson: string) =>
  sql`INSERT INTO subscription (id, grant_json) VALUES (${id}, ${grantJson}) ON DUPLICATE KEY UPDATE grant_json = VALUES(grant_json)`;

/** Mirrors a committed Subscription resource (in its transaction); a new request starts its retries afresh. */
export const syncResource = (id: string, type: string, criteria: string, topic: string | null, status: SubscriptionStatus) =>
  sql`INSERT INTO subscription (id, res_type, criteria, topic, status) VALUES (${id}, ${type}, ${criteria}, ${topic}, ${status})
      ON DUPLICATE KEY UPDATE res_type = VALUES(res_type), criteria = VALUES(criteria), topic = VALUES(topic),
        failures = IF(VALUES(status) = 'requested' AND status <> 'requested', 0, failures),
        next_attempt_at = IF(VALUES(status) = 'requested' AND status <> 'requested', '1970-01-01 00:00:01', next_attempt_at),
        status = VALUES(status)`;

/** A deleted Subscription keeps its row (for `subscriptions list`), switched off. */
export const switchOff = (id: string) => sql`UPDATE subscription SET status = 'off' WHERE id = ${id}`;

/** The next event number (LAST_INSERT_ID(expr) hands it back without a second read; the row stays locked). */
export const nextEventNumber = (id: string) => sql`UPDATE subscription SET event_count = LAST_INSERT_ID(event_count + 1) WHERE id = ${id}`;

export const insertEvent = (id: string, n: number, type: string, resId: string, versionId: number, patientRef: string | null, now: Date) =>
  sql`INSERT INTO subscription_event (subscription_id, event_number, res_type, res_id, version_id, patient_ref, created_at)
      VALUES (${id}, ${n}, ${type}, ${resId}, ${versionId}, ${patientRef}, ${now})`;

/**
 * Up to `max` subscriptions with work due (a handshake, or undelivered events), those waiting longest first (a busy
 * subscription does not starve the others): plain reads of the pending-events index, which lock nothing, so that
 * the writes' outbox is never held up by a node looking for work.
 */
export const due = (max: number) =>
  sql`SELECT id FROM (
        SELECT s.id, MIN(e.created_at) AS since FROM subscription_event e JOIN subscription s ON s.id = e.subscription_id
        WHERE e.delivered_at IS NULL AND s.status = 'active' AND s.next_attempt_at <= NOW(3)
          AND (s.lease_until IS NULL OR s.lease_until < NOW(3))
        GROUP BY s.id
        UNION ALL
        SELECT id, TIMESTAMP('1970-01-01 00:00:01') AS since FROM subscription
        WHERE status = 'requested' AND next_attempt_at <= NOW(3) AND (lease_until IS NULL OR lease_until < NOW(3))
      ) d ORDER BY since LIMIT ${max}`;

/**
 * Leases those of `ids` still due and not leased to `owner` for `ms`: one UPDATE by primary key that checks again
 * under the row locks, so two nodes never lease the same row.
 */
export const lease = (owner: string, ms: number, ids: string[]) =>
  sql`UPDATE subscription SET lease_owner = ${owner}, lease_until = NOW(3) + INTERVAL ${ms * 1000} MICROSECOND
      WHERE id IN (${ids}) AND status IN ('requested', 'active') AND next_attempt_at <= NOW(3)
        AND (lease_until IS NULL OR lease_until < NOW(3))`;

export const leased = (owner: string) =>
  sql`SELECT id, res_type, criteria, topic, status, grant_json, event_count, failures FROM subscription WHERE lease_owner = ${owner} AND lease_until >= NOW(3)`;

export const pendingEvents = (id: string, max: number) =>
  sql`SELECT subscription_id, event_number, res_type, res_id, version_id, patient_ref FROM subscription_event
      WHERE subscription_id = ${id} AND delivered_at IS NULL ORDER BY event_number LIMIT ${max}`;

export const markDelivered = (id: string, n: number) =>
  sql`UPDATE subscription_event SET delivered_at = NOW(3) WHERE subscription_id = ${id} AND event_number = ${n}`;

export const succeeded = (id: string, owner: string) =>
  sql`UPDATE subscription SET failures = 0, lease_owner = NULL, lease_until = NULL WHERE id = ${id} AND lease_owner = ${owner}`;

/** The subscriber failed: one more failure in a row, leased again no sooner than `delayMs` from now. */
export const failed = (id: string, owner: string, delayMs: number) => later(id, owner, delayMs, sql`failures = failures + 1,`);

/** This server failed: leased again no sooner than `delayMs` from now, the subscriber's failure count kept. */
export const postpone = (id: string, owner: string, delayMs: number) => later(id, owner, delayMs, sql``);

const later = (id: string, owner: string, delayMs: number, count: Sql) =>
  sql`UPDATE subscription SET ${count} next_attempt_at = NOW(3) + INTERVAL ${delayMs * 1000} MICROSECOND,
        lease_owner = NULL, lease_until = NULL WHERE id = ${id} AND lease_owner = ${owner}`;

export const release = (id: string, owner: string) =>
  sql`UPDATE subscription SET lease_owner = NULL, lease_until = NULL WHERE id = ${id} AND lease_owner = ${owner}`;

export const allRows = () =>
  sql`SELECT s.id, s.res_type, s.criteria, s.status, s.event_count, s.failures,
        (SELECT COUNT(*) FROM subscription_event e WHERE e.subscription_id = s.id AND e.delivered_at IS NULL) AS pending
      FROM subscription s WHERE s.res_type <> '' ORDER BY s.id`;
