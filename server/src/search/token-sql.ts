// Token search: code, system|code, |code, system|, :not, :text. https://hl7.org/fhir/R4/search.html#token
import { badSearchParameter } from '../core/outcomes.js';
import { sql, type Sql } from '../store/sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

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

export const tokenSql: ParamTypeSql = {
  table: 'idx_token',
  modifiers: ['not', 'text', 'of-type'],
  condition(value, modifier) {
    if (modifier === 'text') return sql`LOWER(i.display) LIKE ${`${likeEscape(value.toLowerCase())}%`}`;
    return tokenCondition(value, sql`i.system`, sql`i.code`);
  },
};

/** identifier:of-type=typeSystem|typeCode|value (https://hl7.org/fhir/R4/search.html#modifiers). */
export const ofTypeSql: ParamTypeSql = {
  table: 'idx_token',
  modifiers: [],
  condition(value, _modifier, def) {
    const [system, code, id, ...rest] = value.split('|');
    if (rest.length > 0 || !code || !id) {
      throw badSearchParameter(`${def.code}:of-type takes typeSystem|typeCode|value, got '${value}'`, `${def.code}:of-type`);
    }
    const stored = `${code}|${id}`;
    return system ? sql`(i.code = ${stored} AND i.system = ${system})` : sql`i.code = ${stored}`;
  },
};
