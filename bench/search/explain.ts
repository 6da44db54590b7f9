// The SQL a search runs, built by the same modules the server uses, and MariaDB's EXPLAIN of it.
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { r4Definitions } from '../../server/src/app.js';
import { searchFacts } from '../../server/src/search/search-facts.js';
import { parseSearch } from '../../server/src/search/parse-search.js';
import { searchWhere } from '../../server/src/search/search-sql.js';
import { lastnSql } from '../../server/src/store/mysql/lastn-sql.js';
import { matchPage } from '../../server/src/store/mysql/search-page.js';
import type { Sql } from '../../server/src/store/sql.js';

export async function explainQuery(conn: Connection, path: string): Promise<string> {
  const [target, query] = path.split('?');
  const params = new URLSearchParams(query);
  let sqlToExplain: Sql | undefined;
  const ctx = { baseUrl: 'http://localhost/fhir', now: Date.now(), ...searchFacts(r4Definitions()) };
  if (target.endsWith('$lastn')) {
    const max = Number(params.get('max') ?? 1);
    params.delete('max');
    sqlToExplain = lastnSql(searchWhere(parseSearch('Observation', params, r4Definitions()), ctx), max);
  } else {
    const request = parseSearch(target, params, r4Definitions());
    await matchPage(request, searchWhere(request, ctx), async (q) => {
      sqlToExplain = q;
      return [];
    });
  }
  const [rows] = await conn.query<RowDataPacket[]>(`EXPLAIN ${sqlToExplain!.text}`, sqlToExplain!.values as unknown[]);
  return rows.map((r) => `${r.table}: ${r.type} ${r.key ?? '(no key)'} ~${r.rows}`).join('; ');
}
