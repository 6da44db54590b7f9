// String search: starts-with ignoring case and accents, :exact, :contains. https://hl7.org/fhir/R4/search.html#string
import { sql } from '../../sql.js';
import { normalizeString } from '../../../fhir-values/normalize-string.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

export const stringSql: ParamTypeSql = {
  table: 'idx_string',
  condition(value, modifier) {
    if (modifier === 'exact') return sql`i.exact = ${value}`;
    const needle = likeEscape(normalizeString(value));
    if (modifier === 'contains') return sql`i.normalized LIKE ${`%${needle}%`}`;
    return sql`i.normalized LIKE ${`${needle}%`}`;
  },
};
