// Selects one page of search matches: by primary key when unsorted, by the _sort keys otherwise;
// either way the next page starts strictly after the last row of this one. The page's keys are chosen first and
// only its rows' JSON is read: joining the content before the LIMIT read it for every match.
import type { Resource } from 'fhir/r4.js';
import type { DerivedParams } from '../../../definitions/derived-params.js';
import { invalidParameter } from '../../../core/outcomes.js';
import type { SearchRequest } from '../../../search/search-request.js';
import { and, joinSql, sql, type Sql } from '../../sql.js';
import { CURRENT_CONTENT as CONTENT, contentOf, decodeCursor, encodeCursor } from '../rows.js';
import type { WalkPlan } from './walk-plan.js';
import { walkKeys, type WalkOptions } from './lead-walk.js';
import { walkSorted, type SortedKey } from './sort-walk.js';
import type { SortWalkPlan } from './sort-walk-plan.js';
import {
  afterCursor,
  cursorDate,
  decodeSortCursor,
  encodeSortCursor,
  orderBy,
  sortColumns,
  sortExpression,
  type CursorValue,
} from './sort-sql.js';
import { parseExact } from '../../../core/exact-numbers.js';

type Row = Record<string, unknown> & { pk: number; content: string | null };

export interface MatchPage {
  items: Resource[];
  nextCursor?: string;
}

/**
 * `derived`: the parameters stored as others' rows, for the sort keys. `walk`: the same search as a walk, tried for
 * pages the usual plan would find costly: unsorted through the pk space (lead-walk.ts), sorted through the sort
 * key's index (sort-walk.ts).
 */
export async function matchPage(
  request: SearchRequest,
  where: Sql,
  run: (q: Sql) => Promise<Row[]>,
  derived: DerivedParams,
  walk?: WalkPlan | SortWalkPlan,
  walkOptions?: WalkOptions,
): Promise<MatchPage> {
  const limit = request.count + 1;
  const invalid = () => invalidParameter(`Invalid paging cursor '${request.cursor}'`, '_cursor');
  let rows: Row[];
  let encode: (row: Row) => string;
  if (request.sort.length === 0) {
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
    if (request.cursor !== undefined && after === undefined) throw invalid();
    const keys = (from: number | undefined, n: number) =>
      sql`SELECT r.pk FROM resource r WHERE ${and([where, from ? sql`r.pk > ${from}` : sql`1=1`])} ORDER BY r.pk LIMIT ${n}`;
    const walked = walk && !isSorted(walk) ? await walkKeys(walk, keys, after ?? 0, limit, run, walkOptions) : undefined;
    if (walked === undefined) {
      rows = await run(sql`SELECT p.pk, h.content FROM (${keys(after, limit)}) p JOIN resource r ON r.pk = p.pk ${CONTENT} ORDER BY p.pk`);
    } else {
      rows = walked.length === 0 ? [] : await run(contentOf(walked));
    }
    encode = (row) => encodeCursor(Number(row.pk));
  } else {
    const after = request.cursor === undefined ? undefined : decodeSortCursor(request.cursor, request.sort);
    if (request.cursor !== undefined && after === undefined) throw invalid();
    const cols = sortColumns(request.sort);
    const values = joinSql(
      request.sort.map((k, i) => sql`${sortExpression(request.type, k, derived)} AS ${cols[i]}`),
      ', ',
    );
    const keys = (
      from: CursorValue[] | undefined,
      n: number,
    ) => sql`SELECT q.* FROM (SELECT r.pk, ${values} FROM resource r WHERE ${where}) q
      WHERE ${from ? afterCursor(request.sort, from) : sql`1=1`} ORDER BY ${orderBy(request.sort)} LIMIT ${n}`;
    const walked =
      walk && isSorted(walk)
        ? await walkSorted(
            walk,
            (from, n) => keys(from && [from.s0.toISOString(), from.pk], n),
            after && { s0: cursorDate(after[0]), pk: Number(after[1]) },
            limit,
            run,
            walkOptions,
          )
        : undefined;
    if (walked === undefined) {
      rows = await run(
        sql`SELECT q.*, h.content FROM (${keys(after, limit)}) q JOIN resource r ON r.pk = q.pk ${CONTENT} ORDER BY ${orderBy(request.sort)}`,
      );
    } else {
      rows = walked.length === 0 ? [] : await withContent(walked, run);
    }
    encode = (row) => encodeSortCursor(row, request.sort);
  }
  const page: MatchPage = { items: rows.slice(0, request.count).map((r) => parseExact<Resource>(r.content!)) };
  if (rows.length > request.count && request.count > 0) page.nextCursor = encode(rows[request.count - 1]);
  return page;
}

const isSorted = (walk: WalkPlan | SortWalkPlan): walk is SortWalkPlan => 'desc' in walk;

/** The walked keys in their order, each with its resource's current content (one deleted meanwhile left out). */
async function withContent(keys: SortedKey[], run: (q: Sql) => Promise<Row[]>): Promise<Row[]> {
  const content = new Map((await run(contentOf(keys.map((k) => k.pk)))).map((row) => [Number(row.pk), row.content]));
  return keys.flatMap((k) => (content.get(k.pk) ? [{ pk: k.pk, s0: k.s0, content: content.get(k.pk)! }] : []));
}
