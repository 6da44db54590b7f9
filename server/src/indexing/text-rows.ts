// The words full-text search reads (`:text`, `_content`, `_text`), one row per distinct word per parameter:
// token parameters' displays and texts, string parameters' values, reference parameters' displays, every string of
// the resource (its narrative's text included) under `_content` and its narrative under `_text`. https://hl7.org/fhir/R4/search.html#text
import type { Resource } from 'fhir/r4.js';
import { textWords } from '../fhir-values/text-words.js';
import type { IndexRows } from './index-rows.js';

export interface WordRow { param: string; word: string }

/** At most this many distinct words of one resource per parameter (a bound on the rows a write adds). */
export const MAX_WORDS_PER_PARAM = 2000;

/** Elements whose strings are not text a person reads: identifiers of things, machine payloads, the narrative's markup (its text is read apart). */
const NOT_CONTENT = new Set(['id', 'reference', 'url', 'system', 'fullUrl', 'data', 'div', 'signature', 'meta', 'contained']);

export function wordRows(resource: Resource, rows: IndexRows): WordRow[] {
  const byParam = new Map<string, Set<string>>();
  const add = (param: string, text: string | null) => {
    if (!text) return;
    let set = byParam.get(param);
    if (!set) byParam.set(param, (set = new Set()));
    for (const word of textWords(text)) {
      if (set.size >= MAX_WORDS_PER_PARAM) return;
      set.add(word);
    }
  };
  // `param:identifier` and `param:of-type` rows hold identifiers, not text.
  for (const r of rows.token) if (!r.param.includes(':')) add(r.param, r.display);
  for (const r of rows.string) add(r.param, r.exact);
  for (const r of rows.display) add(r.param, r.display);
  const div = (resource as { text?: { div?: unknown } }).text?.div;
  const narrative = typeof div === 'string' ? narrativeText(div) : '';
  const content: string[] = [narrative];
  collectStrings(resource, content);
  add('_content', content.join(' '));
  add('_text', narrative);
  return [...byParam].flatMap(([param, words]) => [...words].map((word) => ({ param, word })));
}

function collectStrings(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) if (!NOT_CONTENT.has(key) && !key.startsWith('_')) collectStrings(v, out);
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of an XHTML narrative: tags dropped, character references decoded. */
export function narrativeText(div: string): string {
  return div
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    });
}
