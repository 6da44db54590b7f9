// Row shapes of the resource tables and their conversion to ResourceVersion.
import type { Resource } from 'fhir/r4.js';
import type { RowDataPacket } from 'mysql2/promise';
import { parseExact } from '../../core/exact-numbers.js';
import type { ResourceVersion, WriteMethod } from '../repository.js';
import { joinSql, sql, type Sql } from '../sql.js';

export interface VersionRow extends RowDataPacket {
  pk: number;
  res_type: string;
  res_id: string;
  version_id: number;
  last_updated: Date;
  deleted: number;
  method?: WriteMethod;
  content: string | null;
}

/** Joins the JSON of the current version (NULL for a deletion) to `resource r` as `h.content`. */
export const CURRENT_CONTENT = sql`LEFT JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id`;

/** `pk` and current `content` of the resources with these primary keys (at least one), in pk order. */
export function contentOf(pks: readonly number[]): Sql {
  return sql`SELECT r.pk, h.content FROM resource r ${CURRENT_CONTENT} WHERE r.pk IN (${joinSql(
    pks.map((pk) => sql`${pk}`),
    ', ',
  )}) ORDER BY r.pk`;
}

export function toVersion(row: VersionRow, method: WriteMethod = row.method ?? 'PUT'): ResourceVersion {
  return {
    type: row.res_type,
    id: row.res_id,
    versionId: String(row.version_id),
    lastUpdated: row.last_updated.toISOString(),
    deleted: row.deleted === 1,
    method,
    resource: row.content ? parseExact<Resource>(row.content) : undefined,
  };
}

/** Cursors are opaque to clients; a bad one is their error, not ours. */
export function encodeCursor(n: number): string {
  return Buffer.from(String(n)).toString('base64url');
}

export function decodeCursor(cursor: string): number | undefined {
  const n = Number(Buffer.from(cursor, 'base64url').toString());
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}
