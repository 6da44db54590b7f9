// Whether a resource exists now (stored and not deleted): a check on the current-version table, for commands that
// link something to a resource without loading the FHIR layer (`fibrotrack user add --fhir-user`).
import type { Pool, RowDataPacket } from 'mysql2/promise';

export async function resourceExists(pool: Pool, type: string, id: string): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT deleted FROM resource WHERE res_type = ? AND res_id = ?', [type, id]);
  return rows.length > 0 && !rows[0].deleted;
}
