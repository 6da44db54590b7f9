// The words full-text search reads (`:text`, `_content`, `_text`), one row per distinct word per parameter:
// token parameters' displays and texts, string parameters' values, reference parameters' displays, the resource's
// text (content-text.ts) and narrative under `_content`, and its narrative under `_text`. https://hl7.org/fhir/R4/search.html#text
import type { Resource } from 'fhir/r4.js';
import { textWords } from '../fhir-values/text-words.js';
import type { IndexRows } from './index-rows.js';

export interface WordRow {
  param: string;
  word: string;
}

/** At most this many distinct words of one resource per parameter (a bound on the rows a write adds). */
const MAX_WORDS_PER_PARAM = 2000;

/** `content`: the resource's text elements (content-text.ts). */
export function wordRows(resource: Resource, rows: IndexRows, content: string[]): WordRow[] {
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
  add('_content', [narrative, ...content].join(' '));
  add('_text', narrative);
  return [...byParam].flatMap(([param, words]) => [...words].map((word) => ({ param, word })));
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** The text of an XHTML narrative: tags dropped, character references decoded. */
function narrativeText(div: string): string {
  return div.replace(/<[^>]*>/g, ' ').replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
  });
}
