// An unsorted search as a walk through the primary-key space (lead-walk.ts runs it): one criterion's index rows in
// pk order lead, every other criterion is a join on resource_pk. https://hl7.org/fhir/R4/search.html#paging
import type { ParamCriterion, SearchCriterion, SearchRequest } from '../../../search/search-request.js';
import { and, identifier, or, sql, type Sql } from '../../sql.js';
import { exactDateCondition, indexedDateCondition } from './date-sql.js';
import type { SearchContext } from './param-sql.js';
import type { Run } from './lead-walk.js';
import { paramMatch } from './param-match.js';
import { FULL_TEXT_PARAMS } from './text-sql.js';
import { likeEscape } from './param-sql.js';
import { textWords } from '../../../fhir-values/text-words.js';
import { tokenCondition } from './token-sql.js';
import { groupSingleDates, hintOf, paramRows, paramSql, rowsSelect } from './where.js';
import { fromResourceRow } from '../../../fhir-values/resource-row-params.js';

/** `_id` and `_lastUpdated` are conditions on the resource row itself. */
const onResourceRow = (c: SearchCriterion): boolean => c.kind === 'param' && fromResourceRow(c.def.code);

/**
 * A token criterion that can lead a walk: one `system|code` or `|code` (equal on every ix_token_value column before
 * resource_pk), or one bare `code`, which reads one such range per system the code is stored under.
 */
const tokenLead = (c: SearchCriterion): c is ParamCriterion =>
  c.kind === 'param' &&
  c.def.type === 'token' &&
  c.modifier === undefined &&
  !c.codeSets &&
  c.values.length === 1 &&
  /^([^|]*\|)?[^|]+$/.test(c.values[0]);
const hasSystem = (c: ParamCriterion) => c.values[0].includes('|');

/**
 * A full-text criterion that can lead a walk (`code:text=`, `_content=`, `_text=` with one value): its longest word
 * starts the stored words of a few distinct words (read first), each an ix_text_value range in pk order.
 */
const textLead = (c: SearchCriterion): c is ParamCriterion =>
  c.kind === 'param' &&
  (c.modifier === 'text' || (c.modifier === undefined && FULL_TEXT_PARAMS.has(c.def.code))) &&
  c.values.length === 1 &&
  textWords(c.values[0]).length > 0;

/** Walk cost per primary key, in rows of the usual plan's estimate (calibrated in BENCHMARKS.md, search). */
const DATE_LEAD_COST = 0.4;
const TOKEN_LEAD_COST = 2;

export interface WalkPlan {
  /** The lead's index rows with after < resource_pk <= upTo, in pk order, as `SELECT i.resource_pk ...`. */
  lead(after: number, upTo: number): Sql;
  /** What walking one pk costs, in rows of the usual plan's EXPLAIN estimate. */
  costPerPk: number;
  /** The other criteria, each a join on `w.resource_pk`. */
  joins: Sql;
  /** Conditions on `resource r`. */
  where: Sql;
  /** Completes the lead with what must be read first (the systems a bare code is stored under); undefined: do not walk. */
  prepare?: (run: Run) => Promise<WalkPlan | undefined>;
}

/**
 * The search as a walk through the primary-key space (lead-walk.ts): one criterion's index rows in
 * pk order lead, every other criterion is a join on resource_pk. A date range leads through ix_date_resource
 * (resource_pk first: a window of pks is one sequential range, filtered in the index), unless a `system|code` token
 * beside it has far fewer rows (decided in prepare from EXPLAIN's estimate of its range); otherwise a `system|code`
 * token through ix_token_value (all columns before resource_pk equal; a bare code such as `gender=female`, once per
 * system it is stored under); else a full-text criterion through ix_text_value, once per stored word its longest
 * word starts. Only for unsorted searches that no compartment narrows and whose other criteria all
 * select rows (no :not, :missing=true, :not-in, chains or _has), so that each is one join; otherwise undefined.
 */
export function walkPlan(request: SearchRequest, ctx: SearchContext, hint = hintOf(request, ctx)): WalkPlan | undefined {
  if (request.sort.length > 0 || request.compartment || hint) return undefined;
  const [dateGroups, others] = groupSingleDates(request.type, request.criteria, ctx);
  const type = request.type;
  const range = (after: number, upTo: number) => sql`i.resource_pk > ${after} AND i.resource_pk <= ${upTo}`;
  // A lead reads one parameter's own rows in pk order; a derived parameter's are spread over several.
  const own = (code: string) => ctx.derived(type, code) === undefined;
  const dates = dateGroups.length > 0 && own(dateGroups[0].code) ? dateGroups[0] : undefined;
  const leads = others.filter(tokenLead).filter((c) => own(c.def.code));
  const token = leads.find(hasSystem) ?? leads[0];
  const text = others.filter(textLead).find((c) => own(c.def.code));

  const build = (by: 'date' | 'token' | 'text'): WalkPlan | undefined => {
    let lead: Pick<WalkPlan, 'lead' | 'costPerPk'>;
    let rest: SearchCriterion[] = others;
    let joinedDates = dateGroups;
    let prepare: WalkPlan['prepare'];
    if (by === 'date' && dates) {
      joinedDates = dateGroups.filter((g) => g !== dates);
      const condition = exactDateCondition(dates.values, dates.code, ctx.now);
      lead = {
        costPerPk: DATE_LEAD_COST,
        lead: (a, b) => sql`SELECT i.resource_pk FROM idx_date i FORCE INDEX (ix_date_resource)
      WHERE ${range(a, b)} AND i.res_type = ${type} AND i.param = ${dates.code} AND ${condition}`,
      };
    } else if (by === 'token' && token) {
      rest = others.filter((c) => c !== token);
      const rowsOf =
        (condition: Sql): WalkPlan['lead'] =>
        (a, b) => sql`SELECT i.resource_pk FROM idx_token i FORCE INDEX (ix_token_value)
      WHERE i.res_type = ${type} AND i.param = ${token.def.code} AND ${condition} AND ${range(a, b)}`;
      const code = token.values[0];
      lead = { costPerPk: TOKEN_LEAD_COST, lead: rowsOf(tokenCondition(code, sql`i.system`, sql`i.code`)) };
      if (!hasSystem(token)) {
        prepare = async (run) => {
          const systems = await storedSystems(sql`i.res_type = ${type} AND i.param = ${token.def.code} AND i.code = ${code}`, run);
          return systems && { ...plan, lead: rowsOf(sql`i.code = ${code} AND ${systemIn(systems)}`), prepare: undefined };
        };
      }
    } else if (by === 'text' && text) {
      // The longest word leads, as textSql does; a value of several words keeps its criterion as a join too.
      const [word, ...more] = textWords(text.values[0]).sort((a, b) => b.length - a.length);
      if (more.length === 0) rest = others.filter((c) => c !== text);
      const prefix = sql`i.res_type = ${type} AND i.param = ${text.def.code} AND i.word LIKE ${`${likeEscape(word)}%`}`;
      // The lead is known once prepare has read the stored words; walkKeys always prepares first.
      lead = { costPerPk: TOKEN_LEAD_COST, lead: () => sql`SELECT i.resource_pk FROM idx_text i WHERE 1=0` };
      prepare = async (run) => {
        const words = await storedWords(prefix, run);
        return (
          words && {
            ...plan,
            lead: (a, b) => sql`SELECT i.resource_pk FROM idx_text i FORCE INDEX (ix_text_value)
      WHERE i.res_type = ${type} AND i.param = ${text.def.code} AND ${wordIn(words)} AND ${range(a, b)}`,
            prepare: undefined,
          }
        );
      };
    } else {
      return undefined;
    }
    const joined = criteriaJoins(type, joinedDates, rest, ctx, sql`w.resource_pk`);
    if (!joined) return undefined;
    const plan: WalkPlan = { ...lead, ...joined, prepare };
    return plan;
  };

  if (!dates) return token ? build('token') : build('text');
  const byDate = build('date');
  const byToken = token && hasSystem(token) ? build('token') : undefined;
  if (!byDate || !byToken) return byDate;
  // A date range leads unless the code's rows are far fewer than the pks a date lead reads (every date row of
  // its window): a code stored for a few percent of the resources finds the page in fewer reads.
  const codeRows = sql`SELECT i.resource_pk FROM idx_token i FORCE INDEX (ix_token_value)
    WHERE i.res_type = ${type} AND i.param = ${token.def.code} AND ${tokenCondition(token.values[0], sql`i.system`, sql`i.code`)}`;
  return {
    ...byDate,
    prepare: async (run) => {
      const [explained] = await run(sql`EXPLAIN ${codeRows}`);
      const [{ top }] = await run(sql`SELECT COALESCE(MAX(pk), 0) AS top FROM resource`);
      return Number(explained?.rows ?? Infinity) * TOKEN_LEAD_COST < Number(top) * DATE_LEAD_COST
        ? byToken
        : { ...byDate, prepare: undefined };
    },
  };
}

/**
 * Criteria as joins on the walked primary key `pk`, each the derived table of its index rows (merged into the join
 * by MySQL and MariaDB alike: no grouping or LIMIT), and conditions on `resource r`; undefined when a criterion
 * does not select rows (:not, :missing=true, :not-in) or is a chain or _has. Rows read per walked key: a few.
 */
export function criteriaJoins(
  type: string,
  dateGroups: { code: string; values: string[] }[],
  rest: SearchCriterion[],
  ctx: SearchContext,
  pk: Sql,
): Pick<WalkPlan, 'joins' | 'where'> | undefined {
  const selects = dateGroups.map((g) =>
    rowsSelect(sql`idx_date`, type, paramMatch(ctx.derived, type, g.code), undefined, indexedDateCondition(g.values, g.code, ctx.now)),
  );
  for (const c of rest) {
    if (onResourceRow(c)) continue;
    if (c.kind !== 'param') return undefined;
    const { rows, negated } = paramRows(type, c, ctx);
    if (negated) return undefined;
    selects.push(rows);
  }
  const joins = selects.map((rows, n) => {
    const j = identifier(`j${n}`);
    return sql` JOIN (${rows}) ${j} ON ${j}.resource_pk = ${pk}`;
  });
  const r = identifier('r');
  return {
    joins: joins.reduce((a, b) => sql`${a}${b}`, sql``),
    where: and([
      sql`r.res_type = ${type}`,
      sql`r.deleted = 0`,
      ...rest.filter(onResourceRow).map((c) => paramSql(type, c as ParamCriterion, ctx, r)),
    ]),
  };
}

/** More systems than this for one code: the walk would seek too many ranges per window. */
const MAX_SYSTEMS = 8;

/**
 * The systems (null: none) of the ix_token_value rows meeting `prefix` (equal on the columns before system), one
 * seek each; undefined when there are more than MAX_SYSTEMS.
 */
async function storedSystems(prefix: Sql, run: Run): Promise<(string | null)[] | undefined> {
  const first = (condition: Sql) =>
    run(sql`SELECT i.system FROM idx_token i FORCE INDEX (ix_token_value) WHERE ${prefix} AND ${condition}
    ORDER BY i.system LIMIT 1`);
  // No ORDER BY on the NULL range: MariaDB would sort it rather than stop at its first row.
  const none = await run(sql`SELECT 1 FROM idx_token i FORCE INDEX (ix_token_value) WHERE ${prefix} AND i.system IS NULL LIMIT 1`);
  const systems: (string | null)[] = none.length > 0 ? [null] : [];
  for (let rows = await first(sql`i.system IS NOT NULL`); rows.length > 0; rows = await first(sql`i.system > ${systems.at(-1)}`)) {
    systems.push(rows[0].system as string);
    if (systems.length > MAX_SYSTEMS) return undefined;
  }
  return systems;
}

/** More stored words starting a searched word than this: the walk would seek too many ranges per window. */
const MAX_WORDS = 8;

/** The distinct stored words meeting `prefix` (a LIKE range of ix_text_value), one seek each; undefined past MAX_WORDS. */
async function storedWords(prefix: Sql, run: Run): Promise<string[] | undefined> {
  const words: string[] = [];
  const next = (after: Sql) =>
    run(sql`SELECT i.word FROM idx_text i FORCE INDEX (ix_text_value) WHERE ${prefix} AND ${after}
    ORDER BY i.word LIMIT 1`);
  for (let rows = await next(sql`1=1`); rows.length > 0; rows = await next(sql`i.word > ${words.at(-1)}`)) {
    words.push(rows[0].word as string);
    if (words.length > MAX_WORDS) return undefined;
  }
  return words.length > 0 ? words : undefined;
}

const wordIn = (words: string[]) => sql`i.word IN (${words.map((w) => sql`${w}`).reduce((a, b) => sql`${a}, ${b}`)})`;

function systemIn(systems: (string | null)[]): Sql {
  const named = systems.filter((x): x is string => x !== null);
  return or([
    ...(named.length > 0 ? [sql`i.system IN (${named.map((x) => sql`${x}`).reduce((a, b) => sql`${a}, ${b}`)})`] : []),
    ...(systems.includes(null) ? [sql`i.system IS NULL`] : []),
  ]);
}
