// Sorted searches whose matches grow with the data (`subject=X&code=...&_sort=-date` for a patient with years of
// scores; `code=...&_sort=-date` across patients): the usual plan (search-page.ts) computes the sort key of every
// match and sorts them all to return the first page. Walking the sort key's index in sort order (sort-walk-plan.ts)
// and joining the criteria row by row stops at the page: its cost follows the page and how dense the matches are
// among the walked rows, not how many matches there are. Rows come in the usual plan's order, (key, pk), so its
// cursor and keyset guarantees hold unchanged. https://hl7.org/fhir/R4/search.html#sort
import { sql, type Sql } from '../../sql.js';
import { largestStep, type Run, type WalkOptions } from './lead-walk.js';
import type { SortWalkPlan } from './sort-walk-plan.js';

/**
 * Below this many pages' worth of rows in the usual plan's largest step, the usual plan is cheap enough. It reads
 * every match, computes its sort key and sorts them; the walk reads about a page per window and a few queries more.
 */
export const SORT_WALK_ABOVE_PAGES = 4;

/** A row's place in the walk order: its sort value and pk, as a sort cursor holds them. */
export interface SortedKey {
  s0: Date;
  pk: number;
}

/**
 * The next `limit` matches after `after` (a decoded sort cursor) as pk and sort value, in sort order, or undefined
 * when the usual plan is estimated to be cheap. `usual(after, limit)` is the usual plan's key query, for EXPLAIN
 * and for what the walk leaves. The walk goes window by window: a window is the next `width` lead rows (its last
 * row found by one index-only read), and its matches are read in order by a query bounded by the window, which
 * stops at the page. The first window is two pages (at most half the usual plan's estimate); each next one is
 * sized from the density of matches seen so far; when finishing the page that way would cost more than the usual plan, the usual plan finds the rest.
 * When the lead ends, the matches without a sort value (which sort last) come from the usual plan too.
 */
export async function walkSorted(
  plan: SortWalkPlan,
  usual: (after: SortedKey | undefined, limit: number) => Sql,
  after: SortedKey | undefined,
  limit: number,
  run: Run,
  opts: WalkOptions = {},
): Promise<SortedKey[] | undefined> {
  const estimate = await largestStep(usual(after, limit), run);
  if (estimate < (opts.above ?? SORT_WALK_ABOVE_PAGES * limit)) return undefined;
  const perRow = opts.costPerPk ?? plan.costPerRow;
  const found: SortedKey[] = [];
  let at = after;
  let walked = 0;
  let width = Math.max(1, Math.min(opts.firstWindow ?? 2 * limit, Math.floor(estimate / (2 * perRow))));
  const rest = async (from: SortedKey | undefined) => found.push(...(await run(usual(from, limit - found.length))).map(toKey));
  while (found.length < limit) {
    const [end] = (
      await run(sql`SELECT ${plan.key} AS s0, ${plan.pk} AS pk FROM ${plan.from}
      WHERE ${plan.lead} AND ${beyond(plan, at)} ORDER BY ${order(plan)} LIMIT ${width - 1}, 1`)
    ).map(toKey);
    await matchesIn(plan, at, end, limit, found, run);
    if (found.length === limit) break;
    if (!end) {
      // The lead is read to its end: what is left has no sort value, which only the usual plan orders.
      if (!plan.complete) await rest(found.at(-1) ?? at);
      break;
    }
    at = end;
    walked += width;
    const missing = limit - found.length;
    const density = found.length / walked;
    const next = density > 0 ? Math.ceil((1.25 * missing) / density) : 4 * width;
    if ((walked + next) * perRow > estimate) {
      await rest(at);
      break;
    }
    width = Math.min(4 * width, next);
  }
  return found;
}

/**
 * Adds to `found` the matches among the lead rows after `from` up to `end` (to the lead's end when undefined), in
 * order, until it holds `limit`. STRAIGHT_JOIN keeps the lead first, so rows come in its index order, each join a
 * lookup by pk, and LIMIT stops the scan. The copies of a resource in several Patient compartments (or a join's
 * several rows) are adjacent, equal in key and pk: they are skipped here, and a query cut short by them resumes
 * after the last row it gave.
 */
async function matchesIn(
  plan: SortWalkPlan,
  from: SortedKey | undefined,
  end: SortedKey | undefined,
  limit: number,
  found: SortedKey[],
  run: Run,
): Promise<void> {
  const window = end ? sql` AND NOT ${beyond(plan, end)}` : sql``;
  for (;;) {
    const want = limit - found.length;
    const rows = (
      await run(sql`SELECT STRAIGHT_JOIN ${plan.pk} AS pk, ${plan.key} AS s0 FROM ${plan.from}${plan.joins}
      JOIN resource r ON r.pk = ${plan.pk} WHERE ${plan.lead} AND ${beyond(plan, from)}${window} AND ${plan.where}
      ORDER BY ${order(plan)} LIMIT ${want}`)
    ).map(toKey);
    for (const row of rows) {
      const last = found.at(-1);
      if (!last || last.pk !== row.pk || last.s0.getTime() !== row.s0.getTime()) found.push(row);
    }
    if (rows.length < want || found.length === limit) return;
    from = rows[rows.length - 1];
  }
}

const order = (plan: SortWalkPlan): Sql => sql`${plan.key} ${plan.desc ? sql`DESC` : sql`ASC`}, ${plan.pk} ASC`;

/** Lead rows strictly after `at` in the walk order (all of them when undefined). */
function beyond(plan: SortWalkPlan, at: SortedKey | undefined): Sql {
  if (!at) return sql`1=1`;
  const past = plan.desc ? sql`${plan.key} < ${at.s0}` : sql`${plan.key} > ${at.s0}`;
  return sql`(${past} OR (${plan.key} = ${at.s0} AND ${plan.pk} > ${at.pk}))`;
}

const toKey = (row: Record<string, unknown>): SortedKey => ({ s0: row.s0 as Date, pk: Number(row.pk) });
