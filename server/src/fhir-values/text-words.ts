// How text compares in full-text search (`:text`, `_content`, `_text`): words in lower case without accents, split
// at anything that is not a letter or digit, each cut to 64 characters. The indexer stores resources' words this way
// and a search splits its value the same way. https://hl7.org/fhir/R4/search.html#text
export const MAX_WORD_LENGTH = 64;

/** The parameters whose every criterion is full-text: `_content` (all of a resource's text), `_text` (its narrative). */
export const FULL_TEXT_PARAMS: ReadonlySet<string> = new Set(['_content', '_text']);

/** Words of one search value: more would only add per-resource checks a client controls. */
export const MAX_SEARCH_WORDS = 8;

/** The distinct words of `text`, in order of first appearance. */
export function textWords(text: string): string[] {
  const words = new Set<string>();
  const folded = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  for (const word of folded.split(/[^\p{L}\p{N}]+/u)) {
    if (word !== '') words.add([...word].slice(0, MAX_WORD_LENGTH).join(''));
  }
  return [...words];
}
