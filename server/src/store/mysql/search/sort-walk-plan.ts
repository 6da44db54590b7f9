// A sorted search as a walk of its sort key's index in sort order (sort-walk.ts runs it): the lead is the index
// rows of the one `_sort` key, every criterion a join on their resource_pk. https://hl7.org/fhir/R4/search.html#sort
import type { ParamCriterion, SearchCriterion, SearchRequest } from '../../../search/search-request.js';
import { and, identifier, or, sql, type Sql } from '../../sql.js';
import { exactDateCondition } from './date-sql.js';
import type { SearchContext } from './param-sql.js';
import { missingSortValue } from './sort-sql.js';
import { criteriaJoins } from './walk-plan.js';
import { groupSingleDates, hintOf, paramSql } from './where.js';

export interface SortWalkPlan {
  /** The lead table as `i`, its index forced (migration 033): rows in (key, pk) order, the key descending for `-`. */
  from: Sql;
  /** The lead row's sort key and resource primary key. */
  key: Sql;
  pk: Sql;
  desc: boolean;
  /** Conditions on the lead row `i`. */
  lead: Sql;
  /** The other criteria, each a join on the lead's pk. */
  joins: Sql;
  /** Conditions on `resource r`. */
  where: Sql;
  /** Every match has a lead row; otherwise matches without one (missing sort values) come after the walk's. */
  complete: boolean;
  /** Rows read per lead row walked (the lead's and one per join), in rows of the usual plan's EXPLAIN estimate. */
  costPerRow: number;
}

/**
 * The walk for searches sorted by one key that an index holds in order: `_lastUpdated` (the resource table) or a
 * date parameter with one value per resource (ix_date_first/ix_date_last, within the Patient compartment when the
 * search names one patient). Ascending dates sort by start, descending by end, as sortExpression does. Undefined
 * for other sorts, for a compartment narrowed to several patients or through a chain, and for criteria that are not
 * joins (see criteriaJoins).
 */
export function sortWalkPlan(request: SearchRequest, ctx: SearchContext, hint = hintOf(request, ctx)): SortWalkPlan | undefined {
  if (request.sort.length !== 1) return undefined;
  const [{ def, desc }] = request.sort;
  const type = request.type;
  const [dateGroups, others] = groupSingleDates(type, request.criteria, ctx);
  // Membership in request.compartment is proven only by lead rows of its compartment (hint.fromScope).
  if (request.compartment && !hint?.fromScope) return undefined;
  const one = hint?.ids?.length === 1 ? hint.ids[0] : undefined;
  if (hint && one === undefined) return undefined;
  const joinsOn = (pk: Sql, groups: typeof dateGroups, rest: SearchCriterion[]) => criteriaJoins(type, groups, rest, ctx, pk);
  const joinCount = (rest: SearchCriterion[], groups: typeof dateGroups) => groups.length + rest.filter((c) => c.kind === 'param').length;
  if (def.code === '_lastUpdated') {
    // The resource table has no compartment: a patient's resources are too sparse in it to walk.
    if (hint) return undefined;
    const joined = joinsOn(sql`i.pk`, dateGroups, others);
    if (!joined) return undefined;
    const index = identifier(desc ? 'ix_resource_type_updated_desc' : 'ix_resource_type_updated');
    // `_lastUpdated` criteria bound the lead's range too (they stay conditions on `r` as well).
    const bounds = others
      .filter((c): c is ParamCriterion => c.kind === 'param' && c.def.code === '_lastUpdated' && c.modifier !== 'missing')
      .map((c) => paramSql(type, c, ctx, identifier('i')));
    return {
      from: sql`resource i FORCE INDEX (${index})`,
      key: sql`i.last_updated`,
      pk: sql`i.pk`,
      desc,
      lead: and([sql`i.res_type = ${type}`, ...bounds]),
      ...joined,
      complete: true,
      costPerRow: 1 + joinCount(others, dateGroups),
    };
  }
  if (def.type !== 'date' || ctx.derived(type, def.code) !== undefined || ctx.singleValued?.(type, def.code) !== true) return undefined;
  // Criteria on the sort key's own parameter hold for the resource's one row: they bound the lead itself.
  const own = (c: SearchCriterion): c is ParamCriterion => c.kind === 'param' && c.def.code === def.code && c.modifier === undefined;
  const bounds = [
    ...dateGroups.filter((g) => g.code === def.code).map((g) => exactDateCondition(g.values, g.code, ctx.now)),
    ...others.filter(own).map((c) => or(c.values.map((v) => exactDateCondition([v], c.def.code, ctx.now)))),
  ];
  const groups = dateGroups.filter((g) => g.code !== def.code);
  const rest = others.filter((c) => !own(c));
  const joined = joinsOn(sql`i.resource_pk`, groups, rest);
  if (!joined) return undefined;
  const key = desc ? sql`i.end_at` : sql`i.start_at`;
  // A row at the missing-value sentinel ties with the resources that have none: the usual plan orders those.
  const beforeMissing = desc ? sql`${key} > ${missingSortValue(request.sort[0])}` : sql`${key} < ${missingSortValue(request.sort[0])}`;
  const index = identifier(`ix_date_${one === undefined ? '' : 'compartment_'}${desc ? 'last' : 'first'}`);
  return {
    from: sql`idx_date i FORCE INDEX (${index})`,
    key,
    pk: sql`i.resource_pk`,
    desc,
    lead: and([
      ...(one === undefined ? [] : [sql`i.compartment = ${one}`]),
      sql`i.res_type = ${type}`,
      sql`i.param = ${def.code}`,
      beforeMissing,
      ...bounds,
    ]),
    ...joined,
    complete: bounds.length > 0,
    costPerRow: 1 + joinCount(rest, groups),
  };
}
