// Who may see a Subscription: only the user of the client whose token created it (grant.ts ownerOf; a Backend
// Services client is its own user). Its criteria name patients and its channel headers may carry the receiver's
// secret, so to everyone else it is as absent as an id never stored: every interaction and operation on it, and
// a websocket bind, asks this. Without authorization (AUTH_MODE=open) every Subscription is visible.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { sql } from '../store/sql.js';
import { ownedBy, parseGrant, type Who } from './grant.js';

/** The ids among `ids` that `who` may see (undefined: AUTH_MODE=open, all of them). */
export type VisibleSubscriptions = (ids: string[]) => Promise<Set<string>>;

interface GrantRecord extends RowDataPacket {
  id: string;
  grant_json: string | null;
}

export function subscriptionsVisibleTo(pool: Pool, who: Who | undefined): VisibleSubscriptions {
  return async (ids) => {
    if (!who || ids.length === 0) return new Set(ids);
    const q = sql`SELECT id, grant_json FROM subscription WHERE id IN (${ids})`;
    const [rows] = await pool.query<GrantRecord[]>(q.text, q.values as unknown[]);
    return new Set(rows.filter((r) => ownedBy(parseGrant(r.grant_json ?? null), who)).map((r) => String(r.id)));
  };
}
