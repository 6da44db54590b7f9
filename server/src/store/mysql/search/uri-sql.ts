// URI search: exact match, :below and :above for URL prefixes. https://hl7.org/fhir/R4/search.html#uri
import { sql } from '../../sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

export const uriSql: ParamTypeSql = {
  table: 'idx_uri',
  condition(value, modifier) {
    // Canonical values are indexed without their |version (a later issue adds version matching).
    const uri = value.split('|')[0];
    if (modifier === 'below') return sql`i.uri LIKE ${`${likeEscape(uri)}%`}`;
    // :above: stored URIs the given one starts with (its "parents").
    if (modifier === 'above') return sql`LEFT(${uri}, CHAR_LENGTH(i.uri)) = i.uri`;
    return sql`i.uri = ${uri}`;
  },
};
