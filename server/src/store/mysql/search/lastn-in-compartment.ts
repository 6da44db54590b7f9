// $lastn for searches that name the patient, at a cost that follows what it returns: the patient's distinct codes
// come from one index seek each (lastn-codes.ts), and each code's newest matches from the sorted search
// `<the request>&code=<system|code>&_sort=-date` limited to `max` + 1 rows, which walks the patient's dates newest
// first (sort-walk.ts, ix_date_compartment_last) when the usual plan would read many rows. No statement returns more
// than a code's `max` + 1 rows (or its ties), and they run one after the other on one connection at a time.
// lastn-sql.ts serves every other $lastn. https://hl7.org/fhir/R4/operation-observation-lastn.html
import type { SearchParamDef } from '../../../definitions/r4-definitions.js';
import type { ParamCriterion, SearchRequest, SortKey } from '../../../search/search-request.js';
import { sql, type Sql } from '../../sql.js';
import type { CompartmentHint } from './compartment-hint.js';
import type { WalkOptions } from './lead-walk.js';
import { byGroupOrder, groupKey, namedByCode, patientCodes, type CodeGroup, type Run } from './lastn-codes.js';
import type { SearchContext } from './param-sql.js';
import { afterCursor, cursorDate, missingSortValue, sortExpression } from './sort-sql.js';
import { walkSorted, type SortedKey } from './sort-walk.js';
import { sortWalkPlan } from './sort-walk-plan.js';
import { searchWhere } from './where.js';

const def = (code: string, type: 'token' | 'date', url: string): SearchParamDef => ({
  code,
  type,
  url,
  target: [],
  components: [],
  modifiers: [],
  comparators: [],
});
const CODE = def('code', 'token', 'http://hl7.org/fhir/SearchParameter/clinical-code');
/** Newest effective end first; an Observation without a date has the sort's missing value 1000-01-01, the oldest. */
const NEWEST: SortKey = { def: def('date', 'date', 'http://hl7.org/fhir/SearchParameter/clinical-date'), desc: true };
const NO_DATE = missingSortValue(NEWEST);

/**
 * The pks of the latest `max` matches of `request` per code (system|code of each coding), newest effective end
 * first, then the higher pk; codes in lastn-sql.ts's order. `opts`: the walk's thresholds (tests).
 */
export async function lastnInCompartment(
  request: SearchRequest,
  ctx: SearchContext,
  hint: CompartmentHint,
  max: number,
  run: Run,
  opts?: WalkOptions,
): Promise<number[]> {
  // One compartment at a time: each has its own index ranges, and every match has rows in one of them.
  const hints = await singleHints(hint, run);
  const groups = new Map<string, CodeGroup>();
  for (const h of hints) {
    for (const g of await patientCodes(h.ids![0], run)) groups.set(groupKey(g), g);
  }
  const pks: number[] = [];
  for (const g of [...groups.values()].sort(byGroupOrder)) {
    const latest = new Map<number, SortedKey>();
    for (const h of hints) for (const k of await latestOfCode(request, ctx, h, g, max, run, opts)) latest.set(k.pk, k);
    pks.push(
      ...newestFirst([...latest.values()])
        .slice(0, max)
        .map((k) => k.pk),
    );
  }
  return pks;
}

/** The hint as one hint per Patient id; a chain's ids are read first (the Patients it selects). */
async function singleHints(hint: CompartmentHint, run: Run): Promise<CompartmentHint[]> {
  if (hint.ids?.length === 1) return [hint];
  const ids =
    hint.ids ??
    (await run(sql`SELECT r.res_id AS id FROM resource r WHERE r.res_type = 'Patient' AND ${hint.restrict(sql`r.res_id`)}`)).map((row) =>
      String(row.id),
    );
  return [...new Set(ids)].map((id) => ({ restrict: (col: Sql) => sql`${col} = ${id}`, fromScope: false, ids: [id] }));
}

/**
 * The latest `max` matches coded `g` in the one compartment of `hint` (fewer when there are fewer), as the sorted
 * search finds them: `max` + 1 in (date desc, pk asc) order, then every match tied with the `max`-th on its date,
 * since $lastn breaks ties by the higher pk.
 */
async function latestOfCode(
  request: SearchRequest,
  ctx: SearchContext,
  hint: CompartmentHint,
  g: CodeGroup,
  max: number,
  run: Run,
  opts?: WalkOptions,
): Promise<SortedKey[]> {
  const coded: ParamCriterion = { kind: 'param', name: 'code', def: CODE, values: [`${g.system ?? ''}|${g.code}`] };
  const one: SearchRequest = { ...request, criteria: [...request.criteria, coded], sort: [NEWEST], cursor: undefined };
  const where = searchWhere(one, ctx, hint);
  const key = sortExpression(one.type, NEWEST, ctx.derived);
  const usual = (
    after: SortedKey | undefined,
    n: number,
  ) => sql`SELECT q.* FROM (SELECT r.pk, ${key} AS s0 FROM resource r WHERE ${where}) q
    WHERE ${after ? afterCursor(one.sort, [after.s0.toISOString(), after.pk]) : sql`1=1`} ORDER BY q.s0 DESC, q.pk ASC LIMIT ${n}`;
  // Walk the dates only for a code that was asked for (or when none was): other codes' matches are the few
  // Observations coded twice, which the usual plan reads from the rarer code's rows.
  const plan = namedByCode(request, g) ? sortWalkPlan(one, ctx, hint) : undefined;
  const walked = plan && (await walkSorted(plan, usual, undefined, max + 1, run, opts));
  // The usual plan's sort values may come back as text (a COALESCE of a subquery and a parameter).
  const keys = (walked ?? (await run(usual(undefined, max + 1)))).map((k) => ({ s0: cursorDate(k.s0 as Date | string), pk: Number(k.pk) }));
  if (keys.length <= max || keys[max].s0.getTime() !== keys[max - 1].s0.getTime()) return keys.slice(0, max);
  // A tie across the cut: the newest are those after the tied date, then the tied ones with the highest pks.
  const tied = keys[max].s0;
  const ties =
    tied.getTime() <= NO_DATE.getTime()
      ? sql`SELECT q.pk FROM (SELECT r.pk, ${key} AS s0 FROM resource r WHERE ${where}) q WHERE q.s0 = ${tied} ORDER BY q.pk DESC LIMIT ${max}`
      : sql`SELECT STRAIGHT_JOIN DISTINCT d.resource_pk AS pk FROM idx_date d FORCE INDEX (ix_date_compartment_last)
        JOIN resource r ON r.pk = d.resource_pk
        WHERE ${hint.restrict(sql`d.compartment`)} AND d.res_type = ${one.type} AND d.param = 'date' AND d.end_at = ${tied}
          AND ${key} = ${tied} AND ${where}
        ORDER BY d.resource_pk DESC LIMIT ${max}`;
  const tiedKeys = (await run(ties)).map((row) => ({ s0: tied, pk: Number(row.pk) }));
  return [...keys.filter((k) => k.s0.getTime() > tied.getTime()), ...tiedKeys];
}

/** $lastn's order: newest first, ties by the higher pk. */
const newestFirst = (keys: SortedKey[]) => keys.sort((a, b) => b.s0.getTime() - a.s0.getTime() || b.pk - a.pk);
