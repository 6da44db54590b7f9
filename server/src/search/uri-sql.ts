// URI search: exact match, :below for URL prefixes. https://hl7.org/fhir/R4/search.html#uri
import { sql } from '../store/sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

export const uriSql: ParamTypeSql = {
  table: 'idx_uri',
  modifiers: ['below'],
  condition(value, modifier) {
    if (modifier === 'below') return sql`i.uri LIKE ${`${likeEscape(value)}%`}`;
    return sql`i.uri = ${value}`;
  },
};
