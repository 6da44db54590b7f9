// Token search (:text is text-sql.ts): code, system|code, |code, system|, :not, and :in/:not-in/:above/:below over the
// codes the terminology resolved. https://hl7.org/fhir/R4/search.html#token
import { invalidParameter } from '../../../core/outcomes.js';
import { and, or, sql, type Sql } from '../../sql.js';
import type { CodeSet } from '../../../fhir-values/code-set.js';
import type { ParamTypeSql } from './param-sql.js';

/** `code`, `system|code`, `|code` (no system) or `system|` over the given columns. */
export function tokenCondition(value: string, system: Sql, code: Sql): Sql {
  const bar = value.indexOf('|');
  if (bar < 0) return sql`${code} = ${value}`;
  const s = value.slice(0, bar);
  const c = value.slice(bar + 1);
  if (s === '') return sql`(${system} IS NULL AND ${code} = ${c})`;
  if (c === '') return sql`${system} = ${s}`;
  return sql`(${code} = ${c} AND ${system} = ${s})`;
}

/** Index rows whose coding is in `set`: per system, a code list (or the whole system minus exclusions). */
export function codeSetCondition(set: CodeSet): Sql {
  return or(
    [...set].map(([system, s]) => {
      if (s.all) {
        const excluded = [...s.excluded];
        return excluded.length === 0 ? sql`i.system = ${system}` : and([sql`i.system = ${system}`, sql`i.code NOT IN (${list(excluded)})`]);
      }
      return s.codes.size === 0 ? sql`1=0` : sql`(i.system = ${system} AND i.code IN (${list([...s.codes])}))`;
    }),
  );
}

function list(values: string[]): Sql {
  return values.map((v) => sql`${v}`).reduce((a, b) => sql`${a}, ${b}`);
}

export const tokenSql: ParamTypeSql = {
  table: 'idx_token',
  condition(value, modifier) {
    // :in, :not-in, :above and :below are read from the criterion's code sets (where.ts), never value by value.
    if (modifier !== undefined && modifier !== 'not') throw new Error(`token :${modifier} reached SQL without its codes being resolved`);
    return tokenCondition(value, sql`i.system`, sql`i.code`);
  },
};

/** identifier:of-type=typeSystem|typeCode|value (https://hl7.org/fhir/R4/search.html#modifiers). */
export const ofTypeSql: ParamTypeSql = {
  table: 'idx_token',
  condition(value, _modifier, def) {
    const [system, code, id, ...rest] = value.split('|');
    if (rest.length > 0 || !code || !id) {
      throw invalidParameter(`${def.code}:of-type takes typeSystem|typeCode|value, got '${value}'`, `${def.code}:of-type`);
    }
    const stored = `${code}|${id}`;
    return system ? sql`(i.code = ${stored} AND i.system = ${system})` : sql`i.code = ${stored}`;
  },
};
