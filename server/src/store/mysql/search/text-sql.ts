// Full-text search: `:text` on token, string and reference parameters, `_content` and `_text`, over the words the
// indexer keeps in idx_text (indexing/text-rows.ts). Every word of a value must start a word of the resource's text
// for that parameter; the longest word leads through ix_text_value, the others are checked per resource. A value
// has 1 to MAX_SEARCH_WORDS words: the query's parse has refused any other (search/value-syntax.ts).
// https://hl7.org/fhir/R4/search.html#text https://hl7.org/fhir/R4/search.html#content
import { textWords } from '../../../fhir-values/text-words.js';
export { FULL_TEXT_PARAMS } from '../../../fhir-values/text-words.js';
import { and, sql } from '../../sql.js';
import type { ParamTypeSql } from './param-sql.js';
import { likeEscape } from './param-sql.js';

export const textSql: ParamTypeSql = {
  table: 'idx_text',
  condition(value) {
    const [lead, ...others] = textWords(value).sort((a, b) => b.length - a.length);
    return and([
      sql`i.word LIKE ${`${likeEscape(lead)}%`}`,
      ...others.map(
        (w) => sql`EXISTS (SELECT 1 FROM idx_text w WHERE w.resource_pk = i.resource_pk AND w.res_type = i.res_type
        AND w.param = i.param AND w.word LIKE ${`${likeEscape(w)}%`})`,
      ),
    ]);
  },
};
