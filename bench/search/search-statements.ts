// Runs a bench query's SQL on a connection as the server would (the same modules build it: where, walk-plan, sort-walk-plan, count-sql,
// search-page, lead-walk, lastn-in-compartment, lastn-sql) and returns the statements it ran, for explain.ts and sql-time.ts.
import type { Connection, RowDataPacket } from 'mysql2/promise';
import { r4Definitions } from '../../server/src/fhir-services.js';
import { parseSearch } from '../../server/src/search/parse-search.js';
import { searchFacts } from '../../server/src/store/mysql/search/search-facts.js';
import { walkPlan } from '../../server/src/store/mysql/search/walk-plan.js';
import { sortWalkPlan } from '../../server/src/store/mysql/search/sort-walk-plan.js';
import { countSql } from '../../server/src/store/mysql/search/count-sql.js';
import { isWholeType } from '../../server/src/store/mysql/type-counts.js';
import { hintOf, searchWhere } from '../../server/src/store/mysql/search/where.js';
import { lastnInCompartment } from '../../server/src/store/mysql/search/lastn-in-compartment.js';
import { lastnSql } from '../../server/src/store/mysql/search/lastn-sql.js';
import { matchPage } from '../../server/src/store/mysql/search/search-page.js';
import { contentOf } from '../../server/src/store/mysql/rows.js';
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
    const request = parseSearch('Observation', params, r4Definitions());
    const hint = hintOf(request, ctx);
    if (!hint) await run(lastnSql(searchWhere(request, ctx), max));
    else {
      const pks = await lastnInCompartment(request, ctx, hint, max, run);
      if (pks.length > 0) await run(contentOf(pks));
    }
  } else {
    // As the repository's searchPage: the sorted walk for sorted searches, the lead walk otherwise, then a total.
    const request = parseSearch(target, params, r4Definitions());
    const hint = hintOf(request, ctx);
    const where = searchWhere(request, ctx, hint);
    if (request.count > 0)
      await matchPage(
        request,
        where,
        run,
        ctx.derived,
        request.sort.length > 0 ? sortWalkPlan(request, ctx, hint) : walkPlan(request, ctx, hint),
      );
    if (request.total === 'accurate' || (request.total === 'estimate' && isWholeType(request)))
      await run(countSql(request, where, ctx, hint));
  }
  return ran;
}
