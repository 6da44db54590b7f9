// WHERE clause for instance, type and system history with _since, _at and a keyset cursor.
// https://hl7.org/fhir/R4/http.html#history
import type { HistoryQuery } from '../repository.js';
import { and, sql, type Sql } from '../sql.js';

export function historyWhere(q: HistoryQuery, cursor: number | undefined): Sql {
  const parts: Sql[] = [];
  if (q.type) parts.push(sql`h.res_type = ${q.type}`);
  if (q.id) parts.push(sql`h.res_id = ${q.id}`);
  if (q.since) parts.push(sql`h.last_updated >= ${q.since}`);
  if (q.at) {
    // Versions current at `at`: written by then and not yet replaced by a later version written by then.
    parts.push(sql`h.last_updated <= ${q.at}`);
    parts.push(sql`NOT EXISTS (SELECT 1 FROM resource_history n WHERE n.res_type = h.res_type AND n.res_id = h.res_id
                   AND n.version_id > h.version_id AND n.last_updated <= ${q.at})`);
  }
  if (cursor !== undefined) parts.push(sql`h.seq < ${cursor}`);
  return and(parts);
}
