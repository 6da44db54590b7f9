// Conditional creates in bulk: which of many identifiers are already on resources referring to one target, as
// `type?identifier=system|value&param=target` would find them one by one. https://hl7.org/fhir/R4/http.html#ccreate
// A plain search for all of them at once is no substitute: its plan reads the type's resources in pk order
// (ORDER BY pk LIMIT), and MariaDB turns an OR or IN of 1000 values into a join instead of index ranges.
import type { DerivedParams } from '../../definitions/derived-params.js';
import { paramMatch } from './search/param-match.js';
import { joinSql, sql, type Sql } from '../sql.js';

/**
 * Under eq_range_index_dive_limit (200 by default in MariaDB and MySQL), so that the optimizer estimates each value
 * with an index dive. Past it, it estimates from index statistics, which during an import (a table growing a thousand
 * rows a batch) chose a ref on (res_type, param): every identifier row of the type read for every statement, 12,000
 * rows a statement on average over a 20 MB export (BENCHMARKS.md). Also under in_predicate_conversion_threshold
 * (1000), so that the list is not turned into a join.
 */
export const IDENTIFIERS_PER_QUERY = 199;

/** One statement per IDENTIFIERS_PER_QUERY values, each selecting the `code` (identifier value) of the rows found. */
export function storedIdentifiersSql(
  derived: DerivedParams,
  type: string,
  param: string,
  target: { type: string; id: string },
  system: string,
  values: readonly string[],
): Sql[] {
  const statements: Sql[] = [];
  for (let i = 0; i < values.length; i += IDENTIFIERS_PER_QUERY) {
    const list = joinSql(
      values.slice(i, i + IDENTIFIERS_PER_QUERY).map((v) => sql`${v}`),
      ', ',
    );
    statements.push(sql`SELECT DISTINCT i.code FROM idx_token i
      JOIN idx_reference s ON s.resource_pk = i.resource_pk AND s.res_type = ${type} AND ${paramMatch(derived, type, param, sql`s`)}
        AND s.target_type = ${target.type} AND s.target_id = ${target.id}
      WHERE i.res_type = ${type} AND i.param = 'identifier' AND i.code IN (${list}) AND i.system = ${system}`);
  }
  return statements;
}
