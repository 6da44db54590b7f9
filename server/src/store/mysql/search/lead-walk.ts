// Unsorted searches across patients whose matches grow with the data ("pain > 8 this week, all patients"): the
// usual plan (search-page.ts) reads every match to return the first ones in primary-key order, so its cost grows
// with the number of patients. Walking one criterion's index rows in pk order (walk-plan.ts) and
// joining the other criteria row by row stops at the page size: its cost follows how dense the matches are,
// not how many patients there are. Pages stay in pk order, so the cursor and its guarantees are the usual ones.
// https://hl7.org/fhir/R4/search.html#paging
import type { WalkPlan } from './walk-plan.js';
import { sql, type Sql } from '../../sql.js';

/** Below this many rows in the optimizer's estimate for the usual plan's largest step, that plan is cheap enough. */
export const WALK_ABOVE = 5_000;
/** The widest first walk window, in primary keys. */
export const FIRST_WINDOW = 50_000;

export type Run = (q: Sql) => Promise<Record<string, unknown>[]>;

/** The thresholds, which tests change to walk small data; costPerPk overrides the plan's. */
export interface WalkOptions {
  above?: number;
  firstWindow?: number;
  costPerPk?: number;
}

/**
 * The pks of the next `limit` matches after `after`, ascending, or undefined when the usual plan is estimated to
 * be cheap. `usual(after, limit)` is the usual plan's key query, for EXPLAIN and for what the walk leaves.
 * The walk goes window by window through the pk space. The first window costs at most half of what the usual
 * plan is estimated to read; each next one is sized from the density of matches seen so far, and when finishing
 * the page that way would cost more than the usual plan, the usual plan finds the rest of the page. So a walk
 * costs at most about one and a half times the usual plan, and far less when matches are dense.
 */
export async function walkKeys(
  planned: WalkPlan,
  usual: (after: number, limit: number) => Sql,
  after: number,
  limit: number,
  run: Run,
  opts: WalkOptions = {},
): Promise<number[] | undefined> {
  const estimate = await largestStep(usual(after, limit), run);
  if (estimate < (opts.above ?? WALK_ABOVE)) return undefined;
  const plan = planned.prepare ? await planned.prepare(run) : planned;
  if (!plan) return undefined;
  const perPk = opts.costPerPk ?? plan.costPerPk;
  const [{ top }] = await run(sql`SELECT COALESCE(MAX(pk), 0) AS top FROM resource`);
  const last = Number(top);
  const pks: number[] = [];
  let from = after;
  let width = Math.max(1, Math.min(opts.firstWindow ?? FIRST_WINDOW, Math.floor(estimate / (2 * perPk))));
  while (pks.length < limit && from < last) {
    const upTo = Math.min(last, from + width);
    // STRAIGHT_JOIN keeps the lead first, so rows arrive in pk order and LIMIT ends the walk; GROUP BY folds the
    // copies of a resource that is in several Patient compartments.
    const walked = await run(sql`SELECT STRAIGHT_JOIN w.resource_pk AS pk FROM (${plan.lead(from, upTo)}) w${plan.joins}
      JOIN resource r ON r.pk = w.resource_pk WHERE ${plan.where}
      GROUP BY w.resource_pk ORDER BY w.resource_pk LIMIT ${limit - pks.length}`);
    pks.push(...walked.map((row) => Number(row.pk)));
    from = upTo;
    const missing = limit - pks.length;
    if (missing === 0 || from >= last) break;
    const density = pks.length / (from - after);
    const next = density > 0 ? Math.ceil((1.25 * missing) / density) : 4 * width;
    if ((from - after + next) * perPk > estimate) {
      pks.push(...(await run(usual(from, missing))).map((row) => Number(row.pk)));
      break;
    }
    width = Math.min(4 * width, next);
  }
  return pks;
}

/** The largest row estimate among the plan's steps, materialised subqueries included (EXPLAIN reads no rows). */
export async function largestStep(query: Sql, run: Run): Promise<number> {
  const plan = await run({ text: `EXPLAIN ${query.text}`, values: query.values });
  return Math.max(0, ...plan.map((row) => Number(row.rows ?? 0)));
}
