// MariaDB's EXPLAIN of the statements a search runs (search-statements.ts), the lead walk's among them.
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { runSearchStatements } from './search-statements.js';

export async function explainQuery(conn: Connection, path: string): Promise<string> {
  const plans: string[] = [];
  for (const statement of await runSearchStatements(conn, path)) {
    if (statement.text.startsWith('EXPLAIN')) continue;
    const [rows] = await conn.query<RowDataPacket[]>(`EXPLAIN ${statement.text}`, statement.values as unknown[]);
    plans.push(rows.map((r) => `${r.table}: ${r.type} ${r.key ?? '(no key)'} ~${r.rows}`).join('; '));
  }
  return plans.join(' **then** ');
}
