// SearchRequest -> a WHERE clause over `resource r`, each criterion a semi-join on its index table.
import { and, identifier, or, sql, type Sql } from '../store/sql.js';
import { dateCondition } from './date-sql.js';
import type { SearchContext } from './param-sql.js';
import { PARAM_TYPE_SQL } from './param-types.js';
import type { SearchCriterion, SearchRequest } from './search-request.js';

export function searchWhere(request: SearchRequest, ctx: SearchContext): Sql {
  return and([
    sql`r.res_type = ${request.type}`,
    sql`r.deleted = 0`,
    ...request.criteria.map((c) => criterionSql(request.type, c, ctx)),
  ]);
}

function criterionSql(type: string, c: SearchCriterion, ctx: SearchContext): Sql {
  // Columns of the resource row answer these two faster than their index rows.
  if (c.def.code === '_id' && c.modifier !== 'missing') {
    const ids = sql`r.res_id IN (${listOf(c.values)})`;
    return c.modifier === 'not' ? sql`NOT ${ids}` : ids;
  }
  if (c.def.code === '_lastUpdated') {
    return or(c.values.map((v) => dateCondition(v, c.name, sql`r.last_updated`, sql`r.last_updated`, ctx.now)));
  }
  const typeSql = PARAM_TYPE_SQL[c.def.type]!;
  const table = identifier(typeSql.table);
  const rows = (condition: Sql) =>
    sql`r.pk IN (SELECT i.resource_pk FROM ${table} i WHERE i.res_type = ${type} AND i.param = ${c.def.code} AND ${condition})`;
  if (c.modifier === 'missing') {
    const present = rows(sql`1=1`);
    return c.values[0] === 'true' ? sql`NOT ${present}` : present;
  }
  const matches = rows(or(c.values.map((v) => typeSql.condition(v, c.modifier, c.def, ctx))));
  return c.modifier === 'not' ? sql`NOT ${matches}` : matches;
}

function listOf(values: string[]): Sql {
  return values.map((v) => sql`${v}`).reduce((a, b) => sql`${a}, ${b}`);
}
