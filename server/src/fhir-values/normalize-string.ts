// How string values compare in search: lower case, no accents, single spaces, at most 255 code points. The indexer
// stores every string this way and a search normalises its value the same way. https://hl7.org/fhir/R4/search.html#string

/** Lower case, no accents, single spaces, cut to 255 code points. */
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
