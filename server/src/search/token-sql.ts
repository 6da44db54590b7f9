// Token search: code, system|code, |code, system|, :not, :text. https://hl7.org/fhir/R4/search.html#token
import { sql } from '../store/sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

export const tokenSql: ParamTypeSql = {
  table: 'idx_token',
  modifiers: ['not', 'text'],
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
