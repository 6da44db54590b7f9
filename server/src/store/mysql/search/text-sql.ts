// Full-text search: `:text` on token, string and reference parameters, `_content` and `_text`, over the words the
// indexer keeps in idx_text (indexing/text-rows.ts). Every word of a value must start a word of the resource's text
// for that parameter; the longest word leads through ix_text_value, the others are checked per resource.
// https://hl7.org/fhir/R4/search.html#text https://hl7.org/fhir/R4/search.html#content
import { invalidParameter } from '../../../core/outcomes.js';
import { textWords } from '../../../fhir-values/text-words.js';
export { FULL_TEXT_PARAMS } from '../../../fhir-values/text-words.js';
import { and, sql } from '../../sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

/** Words of one search value: more would only add per-resource checks a client controls. */
export const MAX_SEARCH_WORDS = 8;

export const textSql: ParamTypeSql = {
  table: 'idx_text',
  condition(value, modifier, def) {
    const name = modifier ? `${def.code}:${modifier}` : def.code;
    const words = textWords(value);
    if (words.length === 0) throw invalidParameter(`Search parameter '${name}': '${value}' has no words to search for`, name);
    if (words.length > MAX_SEARCH_WORDS) {
      throw invalidParameter(`Search parameter '${name}': at most ${MAX_SEARCH_WORDS} words in a value, got ${words.length}`, name);
    }
    const [lead, ...others] = [...words].sort((a, b) => b.length - a.length);
    return and([
      sql`i.word LIKE ${`${likeEscape(lead)}%`}`,
      ...others.map((w) => sql`EXISTS (SELECT 1 FROM idx_text w WHERE w.resource_pk = i.resource_pk AND w.res_type = i.res_type
        AND w.param = i.param AND w.word LIKE ${`${likeEscape(w)}%`})`),
    ]);
  },
};
