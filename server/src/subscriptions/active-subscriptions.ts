// This node's copy of the active Subscriptions, compiled for matching (criteria-index.ts). Every write of a
// Subscription raises a counter in its transaction (migration 035); each write's outbox reads the counter in its
// own transaction and rebuilds the copy, from the same transaction, when it moved: a Subscription activated on any
// node is matched by the next write on every node, with one primary-key read per write instead of a scan.
import type { RowDataPacket } from 'mysql2/promise';
import type { Definitions } from '../definitions/r4-definitions.js';
import { sql } from '../store/sql.js';
import { buildCriteriaIndex, type CriteriaIndex } from './criteria-index.js';
import { parseGrant } from './grant.js';
import type { Run } from './subscription-table.js';

export const raiseGeneration = () => sql`UPDATE subscription_generation SET generation = generation + 1 WHERE id = 1`;
const generation = () => sql`SELECT generation FROM subscription_generation WHERE id = 1`;
const active = () => sql`SELECT id, res_type, criteria, topic, grant_json FROM subscription WHERE status = 'active'`;

export interface ActiveSubscriptions {
  /** The index as of the transaction `run` belongs to (rebuilt from it when the counter moved). */
  current(run: Run): Promise<CriteriaIndex>;
}

export function activeSubscriptions(defs: Definitions, baseUrl: string): ActiveSubscriptions {
  let cached: { generation: number; index: CriteriaIndex } | undefined;
  return {
    async current(run) {
      const [row] = await run<RowDataPacket[]>(generation());
      const now = Number(row?.generation ?? -1);
      if (cached && cached.generation === now) return cached.index;
      const rows = await run<RowDataPacket[]>(active());
      const index = buildCriteriaIndex(
        rows.map((r) => ({
          id: String(r.id),
          type: String(r.res_type),
          criteria: String(r.criteria),
          topic: r.topic === null ? null : String(r.topic),
          grant: parseGrant(r.grant_json as string | null),
        })),
        defs,
        baseUrl,
      );
      // A concurrent transaction that saw a newer counter keeps its newer copy.
      if (!cached || cached.generation < now) cached = { generation: now, index };
      return index;
    },
  };
}
