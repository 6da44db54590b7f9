// Checks the values of number, quantity, date, composite and full-text criteria when the query is parsed, so that a
// value that can never be searched for (1e309, 2026-02-30, `_content=--`) is a 400 naming the parameter as the client
// wrote it (a chain or _has included), before any SQL is built. https://hl7.org/fhir/R4/search.html#ptypes
import type { SearchParamDef, SearchParamType } from '../definitions/r4-definitions.js';
import { dateRangeProblem } from '../fhir-values/date-range.js';
import { numberProblem } from '../fhir-values/number-range.js';
import { splitPrefix } from '../fhir-values/prefix.js';
import { FULL_TEXT_PARAMS, MAX_SEARCH_WORDS, textWords } from '../fhir-values/text-words.js';

/** Why `value` cannot be a value of a parameter of this definition, or undefined. */
export function valueProblem(def: SearchParamDef, modifier: string | undefined, value: string): string | undefined {
  if (modifier === 'text' || FULL_TEXT_PARAMS.has(def.code)) return wordsProblem(value);
  if (def.type !== 'composite') return typedProblem(def.type, value);
  const parts = value.split('$');
  if (parts.length !== def.components.length) return `takes ${def.components.length} values joined by '$', got '${value}'`;
  for (const [i, part] of parts.entries()) {
    const problem = typedProblem(def.components[i].type, part);
    if (problem) return problem;
  }
  return undefined;
}

function typedProblem(type: SearchParamType | undefined, value: string): string | undefined {
  switch (type) {
    case 'number':
      return numberProblem(value);
    case 'quantity':
      return numberProblem(value.split('|')[0]);
    case 'date':
      return dateRangeProblem(splitPrefix(value).rest);
    default:
      return undefined;
  }
}

/** A full-text value has words to look for (https://hl7.org/fhir/R4/search.html#text), and not too many. */
function wordsProblem(value: string): string | undefined {
  const n = textWords(value).length;
  if (n === 0) return `'${value}' has no words to search for`;
  if (n > MAX_SEARCH_WORDS) return `at most ${MAX_SEARCH_WORDS} words in a value, got ${n}`;
  return undefined;
}
