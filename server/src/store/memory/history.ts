// Instance, type and system history from the log, newest first, with _since, _at and a keyset cursor on the log
// position, as store/mysql/history-sql.ts selects it. https://hl7.org/fhir/R4/http.html#history
import { invalidParameter } from '../../core/outcomes.js';
import type { HistoryQuery, Page, ResourceVersion } from '../repository.js';
import { toResourceVersion, type MemoryState } from './memory-state.js';

export function historyPage(state: MemoryState, q: HistoryQuery): Page<ResourceVersion> {
  const cursor = q.cursor === undefined ? undefined : Number(Buffer.from(q.cursor, 'base64url').toString());
  if (cursor !== undefined && !(Number.isSafeInteger(cursor) && cursor > 0))
    throw invalidParameter(`Invalid paging cursor '${q.cursor}'`, '_cursor');
  const since = q.since?.getTime();
  const at = q.at?.getTime();
  const selected = [...state.log].reverse().flatMap(({ seq, key, index }) => {
    const r = state.resources.get(key)!;
    const v = r.versions[index];
    const time = Date.parse(v.lastUpdated);
    if ((q.type !== undefined && r.type !== q.type) || (q.id !== undefined && r.id !== q.id)) return [];
    if (since !== undefined && time < since) return [];
    // Versions current at `at`: written by then and not replaced by a later version written by then.
    if (at !== undefined && (time > at || r.versions.slice(index + 1).some((n) => Date.parse(n.lastUpdated) <= at))) return [];
    return [{ seq, r, v }];
  });
  const after = cursor === undefined ? selected : selected.filter((s) => s.seq < cursor);
  const page: Page<ResourceVersion> = { items: after.slice(0, q.count).map(({ r, v }) => toResourceVersion(r, v)) };
  if (after.length > q.count && q.count > 0) page.nextCursor = Buffer.from(String(after[q.count - 1].seq)).toString('base64url');
  // As MySQL: counted for one resource's versions only (over a type or the system it would not scale there).
  if (cursor === undefined && q.id !== undefined) page.total = selected.length;
  return page;
}
