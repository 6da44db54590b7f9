// Migration 029's data step (and 031's, after `_content` became human text only): the full-text words (idx_text) of every stored resource, computed by the same indexer
// as new writes, 500 resources per transaction under row locks so a concurrent write's own rows are never
// overwritten with older ones; safe to run again. The rows go through the WriteBuffer, in INSERTs of bounded size
// (a batch of wordy resources holds more than max_allowed_packet). Words of runtime SearchParameters come with
// their reindex job.
// https://hl7.org/fhir/R4/search.html#text
import type { Resource } from 'fhir/r4.js';
import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { loadR4Definitions } from '../../definitions/r4-definitions.js';
import { createResourceIndexer } from '../../indexing/resource-indexer.js';
import { WriteBuffer } from './write-buffer.js';

const BATCH = 500;

export async function fullTextWords(conn: PoolConnection): Promise<void> {
  const indexer = createResourceIndexer(loadR4Definitions());
  // INSERTs rather than LOAD DATA: a migration runs before the server has asked whether local_infile is allowed.
  const buffer = new WriteBuffer({ loadData: false });
  let after = 0;
  for (;;) {
    await conn.beginTransaction();
    try {
      const [rows] = await conn.query<RowDataPacket[]>(
        `SELECT r.pk, r.res_type, h.content FROM resource r JOIN resource_history h ON h.resource_pk = r.pk AND h.version_id = r.version_id
         WHERE r.pk > ? AND r.deleted = 0 ORDER BY r.pk LIMIT ${BATCH} FOR UPDATE`,
        [after],
      );
      if (rows.length === 0) {
        await conn.commit();
        return;
      }
      const pks = rows.map((r) => Number(r.pk));
      await conn.query('DELETE FROM idx_text WHERE resource_pk IN (?)', [pks]);
      for (const r of rows) {
        const resource = JSON.parse(String(r.content)) as Resource;
        buffer.words(Number(r.pk), String(r.res_type), indexer.rowsToStore(resource).words);
      }
      await buffer.flush(conn);
      await conn.commit();
      after = pks[pks.length - 1];
    } catch (err) {
      await conn.rollback().catch(() => undefined);
      throw err;
    }
  }
}
