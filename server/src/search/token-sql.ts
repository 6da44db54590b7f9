// Token search: code, system|code, |code, system|, :not, :text. https://hl7.org/fhir/R4/search.html#token
import { badSearchParameter } from '../core/outcomes.js';
import { sql } from '../store/sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

export const tokenSql: ParamTypeSql = {
  table: 'idx_token',
  modifiers: ['not', 'text', 'of-type'],
  condition(value, modifier) {
    if (modifier === 'text') return sql`LOWER(i.display) LIKE ${`${likeEscape(value.toLowerCase())}%`}`;
    const bar = value.indexOf('|');
    if (bar < 0) return sql`i.code = ${value}`;
    const system = value.slice(0, bar);
    const code = value.slice(bar + 1);
    if (system === '') return sql`(i.system IS NULL AND i.code = ${code})`;
    if (code === '') return sql`i.system = ${system}`;
    return sql`(i.code = ${code} AND i.system = ${system})`;
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
