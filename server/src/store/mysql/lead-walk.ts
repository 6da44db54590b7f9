// Unsorted searches across patients whose matches grow with the data ("pain > 8 this week, all patients"): the
// usual plan (search-page.ts) reads every match to return the first ones in primary-key order, so its cost grows
// with the number of patients. Walking one token criterion's index rows in pk order and joining the other
// criteria row by row stops at the page size: its cost follows how dense the matches are, not how many
// patients there are. Pages stay in pk order, so the cursor and its guarantees are the usual ones.
// https://hl7.org/fhir/R4/search.html#paging
import { sql, type Sql } from '../sql.js';

/** Below this many rows in the optimizer's estimate for the usual plan's largest step, that plan is cheap enough. */
export const WALK_ABOVE = 20_000;
/** The first walk window, in primary keys; later windows are sized from the density of matches seen so far. */
export const FIRST_WINDOW = 50_000;

/** search-sql.ts walkPlan: the lead's condition on `idx_token w`, the other criteria as joins, the rest on `resource r`. */
export interface WalkPlan { lead: Sql; joins: Sql; where: Sql }

type Run = (q: Sql) => Promise<Record<string, unknown>[]>;

/** The two thresholds, which tests lower to walk small data. */
export interface WalkOptions { above?: number; firstWindow?: number }

/**
 * The pks of the next `limit` matches after `after`, ascending, or undefined when the usual plan is estimated to
 * be cheap. `usual(after, limit)` is the usual plan's key query, for EXPLAIN and for what the walk leaves.
 * The walk goes window by window through the pk space, each window's lead rows at most; once the windows have
 * covered as many pks as the usual plan was estimated to read, the usual plan finds the rest of the page, so
 * a walk whose matches are sparse costs at most about twice the usual plan.
 */
export async function walkKeys(
  plan: WalkPlan, usual: (after: number, limit: number) => Sql, after: number, limit: number, run: Run, opts: WalkOptions = {},
): Promise<number[] | undefined> {
  const estimate = await largestStep(usual(after, limit), run);
  if (estimate < (opts.above ?? WALK_ABOVE)) return undefined;
  const [{ top }] = await run(sql`SELECT COALESCE(MAX(pk), 0) AS top FROM resource`);
  const last = Number(top);
  const pks: number[] = [];
  let from = after;
  const first = opts.firstWindow ?? FIRST_WINDOW;
  let width = first;
  while (pks.length < limit && from < last) {
    if (from - after >= estimate) {
      pks.push(...(await run(usual(from, limit - pks.length))).map((row) => Number(row.pk)));
      break;
    }
    const upTo = Math.min(last, from + width);
    // STRAIGHT_JOIN keeps the lead first, so rows arrive in pk order and LIMIT ends the walk; GROUP BY folds the
    // copies of a resource that is in several Patient compartments.
    const walked = await run(sql`SELECT STRAIGHT_JOIN w.resource_pk AS pk FROM idx_token w FORCE INDEX (ix_token_value)${plan.joins}
      JOIN resource r ON r.pk = w.resource_pk
      WHERE ${plan.lead} AND w.resource_pk > ${from} AND w.resource_pk <= ${upTo} AND ${plan.where}
      GROUP BY w.resource_pk ORDER BY w.resource_pk LIMIT ${limit - pks.length}`);
    pks.push(...walked.map((row) => Number(row.pk)));
    // The next window aims at the rest of the page from the density seen so far, at most four times wider.
    const density = pks.length / (upTo - after);
    width = density > 0 ? Math.min(4 * width, Math.max(first, Math.ceil((1.25 * (limit - pks.length)) / density))) : 4 * width;
    from = upTo;
  }
  return pks;
}

/** The largest row estimate among the steps of the top-level plan (EXPLAIN reads no rows). */
async function largestStep(query: Sql, run: Run): Promise<number> {
  const plan = await run({ text: `EXPLAIN ${query.text}`, values: query.values });
  return Math.max(0, ...plan.filter((row) => Number(row.id) === 1).map((row) => Number(row.rows ?? 0)));
}
