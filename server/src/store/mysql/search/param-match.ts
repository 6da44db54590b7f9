// Which index rows hold a parameter's values: its own, or for a derived parameter (definitions/derived-params.ts)
// those of the parameters it is made of, restricted to one target type where it says so.
// https://hl7.org/fhir/R4/searchparameter.html#expression
import type { DerivedParams } from '../../../definitions/derived-params.js';
import { joinSql, sql, type Sql } from '../../sql.js';

/** The condition on the index row `alias` (default `i`) that it is a row of `code` on resources of `type`. */
export function paramMatch(derived: DerivedParams, type: string, code: string, alias: Sql = sql`i`): Sql {
  const d = derived(type, code);
  if (!d) return sql`${alias}.param = ${code}`;
  const params =
    d.from.length === 1
      ? sql`${alias}.param = ${d.from[0]}`
      : sql`${alias}.param IN (${joinSql(
          d.from.map((f) => sql`${f}`),
          ', ',
        )})`;
  return d.targetType ? sql`${params} AND ${alias}.target_type = ${d.targetType}` : params;
}
