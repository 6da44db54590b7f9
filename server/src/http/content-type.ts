// Content negotiation: what we accept and what we answer with. https://hl7.org/fhir/R4/http.html#mime-type
import { notAcceptable } from '../core/outcomes.js';
import { FHIR_JSON, JSON_TYPES, XML_TYPES } from '../fhir/media-types.js';

export { FHIR_JSON, isJsonBody } from '../fhir/media-types.js';
const WILDCARDS = new Set(['*/*', 'application/*']);

/** The media type of the response, from _format (which wins) or Accept; 406 when only XML/other is acceptable. */
export function responseType(format: string | null, accept: string | undefined): string {
  if (format !== null) {
    const f = format.trim().toLowerCase();
    if (JSON_TYPES.has(f)) return f === 'application/json' ? 'application/json' : FHIR_JSON;
    throw notAcceptable(
      XML_TYPES.has(f) ? `_format '${format}': this server speaks FHIR JSON only` : `_format '${format}' is not a known FHIR format`,
    );
  }
  if (!accept) return FHIR_JSON;
  const ranges = accept.split(',').map((r) => {
    const [type, ...params] = r.split(';').map((s) => s.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1 };
  });
  const usable = ranges.filter((r) => r.q > 0 && (JSON_TYPES.has(r.type) || WILDCARDS.has(r.type))).sort((a, b) => b.q - a.q);
  if (usable.length === 0) throw notAcceptable(`None of the media types in Accept '${accept}' can be served; use ${FHIR_JSON}`);
  return usable[0].type === 'application/json' ? 'application/json' : FHIR_JSON;
}

/** The body's media type without parameters, lower-cased. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0].trim().toLowerCase() || undefined;
}
