// What `$status` and `$events` read of a Subscription's delivery state: its event count and the events the outbox
// recorded for it (kept after delivery), by event number. Set on the FhirContext by subscriptions.ts.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { sql } from '../store/sql.js';

export interface RecordedEvent {
  eventNumber: number;
  type: string;
  id: string;
  versionId: string;
  /** `Patient/<id>` the event is about, when the resource names one. */
  patient?: string;
}

export interface SubscriptionEvents {
  /** Events recorded so far (`events-since-subscription-start`). */
  eventCount(id: string): Promise<number>;
  /** Events numbered `from` to `to` (inclusive), in order, at most `max`. */
  events(id: string, from: number, to: number, max: number): Promise<RecordedEvent[]>;
}

export function subscriptionEvents(pool: Pool): SubscriptionEvents {
  return {
    async eventCount(id) {
      const q = sql`SELECT event_count FROM subscription WHERE id = ${id}`;
      const [rows] = await pool.query<RowDataPacket[]>(q.text, q.values as unknown[]);
      return Number(rows[0]?.event_count ?? 0);
    },
    async events(id, from, to, max) {
      const q = sql`SELECT event_number, res_type, res_id, version_id, patient_ref FROM subscription_event
        WHERE subscription_id = ${id} AND event_number BETWEEN ${from} AND ${to} ORDER BY event_number LIMIT ${max}`;
      const [rows] = await pool.query<RowDataPacket[]>(q.text, q.values as unknown[]);
      return rows.map((r) => ({
        eventNumber: Number(r.event_number),
        type: String(r.res_type),
        id: String(r.res_id),
        versionId: String(r.version_id),
        ...(r.patient_ref ? { patient: String(r.patient_ref) } : {}),
      }));
    },
  };
}
