// The SQL of a search's total (https://hl7.org/fhir/R4/search.html#total), cheapest first: a type alone reads the
// counts the writes keep (type-counts.ts); one positive criterion on indexed rows counts its index range alone (a
// deleted resource has no index rows, so no resource row is read); anything else counts the matching resources.
import { sql, type Sql } from '../../sql.js';
import type { SearchRequest } from '../../../search/search-request.js';
import { isWholeType, typeCountSql } from '../type-counts.js';
import type { SearchContext } from './param-sql.js';
import { takesHint, type CompartmentHint } from './compartment-hint.js';
import { paramRows } from './where.js';
import { fromResourceRow } from '../../../fhir-values/resource-row-params.js';

export function countSql(request: SearchRequest, where: Sql, ctx: SearchContext, hint: CompartmentHint | undefined): Sql {
  if (isWholeType(request)) return typeCountSql(request.type);
  const [c] = request.criteria;
  if (request.criteria.length === 1 && request.compartment === undefined && c.kind === 'param' && !fromResourceRow(c.def.code)) {
    const { rows, negated } = paramRows(request.type, c, ctx, takesHint(c) ? hint : undefined);
    if (!negated) return sql`SELECT COUNT(DISTINCT x.resource_pk) AS n FROM (${rows}) x`;
  }
  return sql`SELECT COUNT(*) AS n FROM resource r WHERE ${where}`;
}
