// String search: starts-with ignoring case and accents, :exact, :contains. https://hl7.org/fhir/R4/search.html#string
import { sql } from '../store/sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

/** The same normalisation the indexer applies: lower case, no accents, single spaces. */
export function normalizeString(value: string): string {
  const normalized = value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
  // Cut by code point so that an emoji or other surrogate pair is never split.
  return [...normalized].slice(0, 255).join('');
}

export const stringSql: ParamTypeSql = {
  table: 'idx_string',
  modifiers: ['exact', 'contains'],
  condition(value, modifier) {
    if (modifier === 'exact') return sql`i.exact = ${value}`;
    const needle = likeEscape(normalizeString(value));
    if (modifier === 'contains') return sql`i.normalized LIKE ${`%${needle}%`}`;
    return sql`i.normalized LIKE ${`${needle}%`}`;
  },
};
