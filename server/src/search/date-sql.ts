// Date search with all prefixes over indexed [start, end] ranges. https://hl7.org/fhir/R4/search.html#date
import { badSearchParameter } from '../core/outcomes.js';
import { sql, type Sql } from '../store/sql.js';
import { parseDateRange } from './date-range.js';
import type { ParamTypeSql } from './param-sql.js';
import { splitPrefix } from './prefix.js';

const DAY = 86_400_000;

/** SQL over columns `start`/`end` (already inlined identifiers) for one prefixed date value. */
export function dateCondition(value: string, name: string, start: Sql, end: Sql, now: number): Sql {
  const { prefix, rest } = splitPrefix(value);
  const range = parseDateRange(rest);
  if (!range) throw badSearchParameter(`Search parameter '${name}': '${value}' is not a valid date`, name);
  const lo = new Date(range.start);
  const hi = new Date(range.end);
  switch (prefix) {
    case 'eq': return sql`(${start} >= ${lo} AND ${end} <= ${hi})`;
    case 'ne': return sql`(${start} < ${lo} OR ${end} > ${hi})`;
    case 'gt': return sql`${end} > ${hi}`;
    case 'lt': return sql`${start} < ${lo}`;
    case 'ge': return sql`${end} >= ${lo}`;
    case 'le': return sql`${start} <= ${hi}`;
    case 'sa': return sql`${start} > ${hi}`;
    case 'eb': return sql`${end} < ${lo}`;
    case 'ap': {
      // "Approximately": within 10% of the distance from now, at least a day, as HAPI does.
      const margin = Math.max(DAY, Math.abs(now - range.start) * 0.1);
      return sql`(${end} >= ${new Date(range.start - margin)} AND ${start} <= ${new Date(range.end + margin)})`;
    }
  }
}

export const dateSql: ParamTypeSql = {
  table: 'idx_date',
  modifiers: [],
  condition: (value, _modifier, def, ctx) => dateCondition(value, def.code, sql`i.start_at`, sql`i.end_at`, ctx.now),
};
