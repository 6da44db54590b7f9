// SearchRequest -> a WHERE clause over `resource r`: each criterion a semi-join on an index table;
// chains join the referenced resources, _has the referencing ones. https://hl7.org/fhir/R4/search.html
import { and, identifier, or, sql, type Sql } from '../../sql.js';
import { dateCondition, indexedDateCondition } from './date-sql.js';
import type { SearchContext } from './param-sql.js';
import { PARAM_TYPE_SQL } from './param-types.js';
import { codeSetCondition, ofTypeSql, tokenSql } from './token-sql.js';
import type { SearchableType } from '../../../search/param-types.js';
import type { ChainCriterion, CompartmentScope, ParamCriterion, SearchCriterion, SearchRequest } from '../../../search/search-request.js';
import { compartmentHint, takesHint, type CompartmentHint } from './compartment-hint.js';
import { paramMatch } from './param-match.js';
import { FULL_TEXT_PARAMS, textSql } from './text-sql.js';
import { fromResourceRow } from '../../../fhir-values/resource-row-params.js';

/** `hint`: hintOf(request, ctx), when the caller has it already. */
export function searchWhere(request: SearchRequest, ctx: SearchContext, hint = hintOf(request, ctx)): Sql {
  const r = identifier('r');
  const [dateGroups, others] = groupSingleDates(request.type, request.criteria, ctx);
  const criteria = [
    ...dateGroups.map((g) =>
      rowsSql(
        sql`idx_date`,
        request.type,
        paramMatch(ctx.derived, request.type, g.code),
        r,
        hint,
        indexedDateCondition(g.values, g.code, ctx.now),
      ),
    ),
    ...others.map((c) => (hint && takesHint(c) ? paramSql(request.type, c, ctx, r, hint) : criterionSql(request.type, c, ctx, r, 1))),
  ];
  // Rows restricted to the scope's compartment already prove membership; the scope's own join is then redundant.
  const scopeProven = hint?.fromScope === true && request.criteria.some(takesHint);
  return and([
    sql`r.res_type = ${request.type}`,
    sql`r.deleted = 0`,
    ...(request.compartment && !scopeProven ? [compartmentSql(request.type, request.compartment, ctx)] : []),
    ...criteria,
  ]);
}

/**
 * `date=ge2026-01-01&date=le2026-01-31` on a parameter with at most one date per resource: both must hold for
 * that one row, so they are one semi-join whose start_at range is bounded at both ends.
 */
export function groupSingleDates(
  type: string,
  criteria: SearchCriterion[],
  ctx: SearchContext,
): [{ code: string; values: string[] }[], SearchCriterion[]] {
  const single = (c: SearchCriterion): c is ParamCriterion =>
    c.kind === 'param' &&
    c.def.type === 'date' &&
    c.modifier === undefined &&
    c.values.length === 1 &&
    ctx.singleValued?.(type, c.def.code) === true;
  const byCode = new Map<string, string[]>();
  for (const c of criteria) if (single(c)) byCode.set(c.def.code, [...(byCode.get(c.def.code) ?? []), c.values[0]]);
  const groups = [...byCode].filter(([, values]) => values.length > 1).map(([code, values]) => ({ code, values }));
  const grouped = new Set(groups.map((g) => g.code));
  return [groups, criteria.filter((c) => !(single(c) && grouped.has(c.def.code)))];
}

/** The Patient compartment(s) every match of the search is in, when the search says so (compartment-hint.ts). */
export function hintOf(request: SearchRequest, ctx: SearchContext): CompartmentHint | undefined {
  return ctx.compartments ? compartmentHint(request, ctx.compartments, ctx.baseUrl, (c) => chainTargetIds(c, ctx)) : undefined;
}

/** `alias` has an index row in `table` that `param` accepts (paramMatch) meeting `condition` (in the hinted compartments when given). */
function rowsSql(table: Sql, type: string, param: Sql, alias: Sql, hint: CompartmentHint | undefined, condition: Sql): Sql {
  return sql`${alias}.pk IN (${rowsSelect(table, type, param, hint, condition)})`;
}

/** The resource_pk of every index row in `table` that `param` accepts and that meets `condition`. */
export function rowsSelect(table: Sql, type: string, param: Sql, hint: CompartmentHint | undefined, condition: Sql): Sql {
  const scoped = hint ? sql`${hint.restrict(sql`i.compartment`)} AND ` : sql``;
  return sql`SELECT i.resource_pk FROM ${table} i WHERE ${scoped}i.res_type = ${type} AND ${param} AND ${condition}`;
}

/** The ids of the Patients a chain through a compartment parameter (`subject:Patient.identifier=...`) selects. */
function chainTargetIds(c: ChainCriterion, ctx: SearchContext): Sql {
  const t = identifier('t1');
  const [target] = c.targets; // compartmentHint takes only chains whose one target type is Patient
  return sql`SELECT ${t}.res_id FROM resource ${t} WHERE ${t}.res_type = ${target.type}
    AND ${t}.deleted = 0 AND ${criterionSql(target.type, target.criterion, ctx, t, 2)}`;
}

/** `alias` is the resource row the criterion constrains; nested joins get aliases t1, t2... by depth. */
function criterionSql(type: string, c: SearchCriterion, ctx: SearchContext, alias: Sql, depth: number): Sql {
  const t = identifier(`t${depth}`);
  if (c.kind === 'chain') {
    return or(
      c.targets.map(
        (target) => sql`${alias}.pk IN (SELECT i.resource_pk FROM idx_reference i
      JOIN resource ${t} ON ${t}.res_type = i.target_type AND ${t}.res_id = i.target_id
      WHERE i.res_type = ${type} AND ${paramMatch(ctx.derived, type, c.def.code)} AND ${t}.res_type = ${target.type} AND ${t}.deleted = 0
      AND ${criterionSql(target.type, target.criterion, ctx, t, depth + 1)})`,
      ),
    );
  }
  if (c.kind === 'has') {
    return sql`EXISTS (SELECT 1 FROM idx_reference i JOIN resource ${t} ON ${t}.pk = i.resource_pk
      WHERE i.target_type = ${alias}.res_type AND i.target_id = ${alias}.res_id AND i.res_type = ${c.type}
      AND ${paramMatch(ctx.derived, c.type, c.param)} AND ${t}.deleted = 0 AND ${criterionSql(c.type, c.criterion, ctx, t, depth + 1)})`;
  }
  return paramSql(type, c, ctx, alias);
}

export function paramSql(type: string, c: ParamCriterion, ctx: SearchContext, alias: Sql, hint?: CompartmentHint): Sql {
  // Columns of the resource row answer these two faster than index rows; every resource has both.
  if (fromResourceRow(c.def.code) && c.modifier === 'missing') {
    return c.values[0] === 'true' ? sql`1=0` : sql`1=1`;
  }
  if (c.def.code === '_id') {
    const ids = sql`${alias}.res_id IN (${listOf(c.values)})`;
    return c.modifier === 'not' ? sql`NOT ${ids}` : ids;
  }
  if (c.def.code === '_lastUpdated') {
    const column = sql`${alias}.last_updated`;
    return or(c.values.map((v) => dateCondition(v, c.name, column, column, ctx.now)));
  }
  const { rows, negated } = paramRows(type, c, ctx, hint);
  const matches = sql`${alias}.pk IN (${rows})`;
  return negated ? sql`NOT ${matches}` : matches;
}

/** The index rows a criterion on an indexed parameter selects; `negated` when it matches resources without such rows. */
export function paramRows(type: string, c: ParamCriterion, ctx: SearchContext, hint?: CompartmentHint): { rows: Sql; negated: boolean } {
  // :identifier and :of-type read token rows the indexer keeps under `param:modifier`.
  const viaTokens = c.modifier === 'identifier' || c.modifier === 'of-type';
  const fullText = c.modifier === 'text' || FULL_TEXT_PARAMS.has(c.def.code);
  const typeSql = fullText
    ? textSql
    : viaTokens
      ? c.modifier === 'of-type'
        ? ofTypeSql
        : tokenSql
      : PARAM_TYPE_SQL[c.def.type as SearchableType];
  const param = viaTokens ? sql`i.param = ${`${c.def.code}:${c.modifier}`}` : paramMatch(ctx.derived, type, c.def.code);
  const rows = (condition: Sql) => rowsSelect(identifier(typeSql.table), type, param, hint, condition);
  if (c.modifier === 'missing') return { rows: rows(sql`1=1`), negated: c.values[0] === 'true' };
  if (c.codeSets) return { rows: rows(or(c.codeSets.map(codeSetCondition))), negated: c.modifier === 'not-in' };
  const matches = rows(or(c.values.map((v) => typeSql.condition(v, viaTokens ? undefined : c.modifier, c.def, ctx))));
  return { rows: matches, negated: c.modifier === 'not' };
}

/** The resource refers to the compartment owner through any of the compartment's parameters. */
function compartmentSql(type: string, scope: CompartmentScope, ctx: SearchContext): Sql {
  const links = scope.params.map((p) =>
    p === '{def}'
      ? sql`(r.res_type = ${scope.type} AND r.res_id = ${scope.id})`
      : sql`r.pk IN (SELECT i.resource_pk FROM idx_reference i WHERE i.res_type = ${type} AND ${paramMatch(ctx.derived, type, p)}
              AND i.target_type = ${scope.type} AND i.target_id = ${scope.id})`,
  );
  return or(links);
}

function listOf(values: string[]): Sql {
  return values.map((v) => sql`${v}`).reduce((a, b) => sql`${a}, ${b}`);
}
