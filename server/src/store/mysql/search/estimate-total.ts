// _total=estimate: the optimizer's row estimate for the count query, from EXPLAIN (index dives and index
// statistics, no rows read). https://hl7.org/fhir/R4/search.html#total
// Below COUNT_BELOW expected matches the rows are counted instead: that is cheap, and the optimizer's guesses for
// small results are coarse (an empty range is "1 row").
// The estimate is the product of rows (times `filtered`, which MySQL 8 reports) of the top-level plan, capped by the
// smallest materialised criterion; it can be off by a factor of a few when index statistics are stale.
import type { RowDataPacket } from 'mysql2/promise';
import type { Sql } from '../../sql.js';

interface ExplainRow extends RowDataPacket {
  id: number | null;
  select_type: string;
  rows: number | string | null;
  filtered?: number | string | null;
}

export const COUNT_BELOW = 1000;

export async function estimateTotal(countQuery: Sql, atLeast: number, run: (q: Sql) => Promise<RowDataPacket[]>): Promise<number> {
  const plan = (await run({ text: `EXPLAIN ${countQuery.text}`, values: countQuery.values })) as ExplainRow[];
  let estimate = 1;
  let cap = Infinity;
  for (const row of plan) {
    const rows = Number(row.rows ?? 0);
    if (Number(row.id) === 1) estimate *= rows * (row.filtered === undefined || row.filtered === null ? 1 : Number(row.filtered) / 100);
    else if (row.select_type === 'MATERIALIZED') cap = Math.min(cap, rows);
  }
  // "Impossible WHERE" and the like come without rows: nothing matches.
  if (plan.every((r) => r.rows === null)) return atLeast;
  estimate = Math.min(estimate, cap);
  if (estimate < COUNT_BELOW) {
    const [{ n }] = await run(countQuery);
    return Number(n);
  }
  return Math.max(atLeast, Math.round(estimate));
}
