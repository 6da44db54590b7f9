// URI search: exact match, :below for URL prefixes. https://hl7.org/fhir/R4/search.html#uri
import { sql } from '../store/sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

export const uriSql: ParamTypeSql = {
  table: 'idx_uri',
  modifiers: ['below'],
  condition(value, modifier) {
    // Canonical values are indexed without their |version (a later issue adds version matching).
    const uri = value.split('|')[0];
    if (modifier === 'below') return sql`i.uri LIKE ${`${likeEscape(uri)}%`}`;
    return sql`i.uri = ${uri}`;
  },
};
