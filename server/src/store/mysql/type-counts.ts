// Per-type counts of current resources (migration 030), changed in the write transaction that creates, deletes or
// re-creates a resource, and read for `_total` and `_summary=count` on a type without criteria: a few rows instead
// of counting millions. https://hl7.org/fhir/R4/search.html#total
import type { PoolConnection } from 'mysql2/promise';
import { sql, type Sql } from '../sql.js';
import type { SearchRequest } from '../../search/search-request.js';

/** Slots per type: a writer adds to a random one, so concurrent writers of one type rarely wait on one row lock. */
const SLOTS = 16;

/** A transaction's count changes, written just before it commits (so the slot's row lock is held briefly). */
export class TypeCountDeltas {
  private deltas = new Map<string, number>();

  add(type: string, delta: number): void {
    this.deltas.set(type, (this.deltas.get(type) ?? 0) + delta);
  }

  async flush(conn: PoolConnection): Promise<void> {
    const changed = [...this.deltas].filter(([, d]) => d !== 0).sort(([a], [b]) => (a < b ? -1 : 1));
    this.deltas.clear();
    if (changed.length === 0) return;
    // Types in one order in every transaction: two writers never lock each other's slots the other way round.
    const slot = Math.floor(Math.random() * SLOTS);
    const values = changed.map(([type, d]) => [type, slot, d]);
    await conn.query('INSERT INTO resource_count (res_type, slot, n) VALUES ? ON DUPLICATE KEY UPDATE n = n + VALUES(n)', [values]);
  }
}

/** Whether the search's matches are exactly the type's current resources: no criteria, no compartment. */
export const isWholeType = (request: SearchRequest): boolean => request.criteria.length === 0 && request.compartment === undefined;

export const typeCountSql = (type: string): Sql => sql`SELECT COALESCE(SUM(n), 0) AS n FROM resource_count WHERE res_type = ${type}`;
