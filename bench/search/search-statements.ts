// Runs a bench query's SQL on a connection as the server would (the same modules build it: search-sql,
// search-page, lead-walk, lastn-sql) and returns the statements it ran, for explain.ts and sql-time.ts.
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { r4Definitions } from '../../server/src/app.js';
import { parseSearch } from '../../server/src/search/parse-search.js';
import { searchFacts } from '../../server/src/search/search-facts.js';
import { searchWhere, walkPlan } from '../../server/src/search/search-sql.js';
import { lastnSql } from '../../server/src/store/mysql/lastn-sql.js';
import { matchPage } from '../../server/src/store/mysql/search-page.js';
import type { Sql } from '../../server/src/store/sql.js';

export async function runSearchStatements(conn: Connection, path: string): Promise<Sql[]> {
  const [target, query] = path.split('?');
  const params = new URLSearchParams(query);
  const ctx = { baseUrl: 'http://localhost/fhir', now: Date.now(), ...searchFacts(r4Definitions()) };
  const ran: Sql[] = [];
  const run = async (q: Sql) => {
    ran.push(q);
    return (await conn.query<RowDataPacket[]>(q.text, q.values as unknown[]))[0] as never[];
  };
  if (target.endsWith('$lastn')) {
    const max = Number(params.get('max') ?? 1);
    params.delete('max');
    await run(lastnSql(searchWhere(parseSearch('Observation', params, r4Definitions()), ctx), max));
  } else {
    const request = parseSearch(target, params, r4Definitions());
    await matchPage(request, searchWhere(request, ctx), run, walkPlan(request, ctx));
  }
  return ran;
}
