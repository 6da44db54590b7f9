// Reads _summary and _elements from a query string. https://hl7.org/fhir/R4/search.html#summary
import { badRequest, invalidParameter } from '../../core/outcomes.js';

export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';
const MODES: ReadonlySet<string> = new Set<SummaryMode>(['true', 'text', 'data', 'count', 'false']);

export interface Shaping {
  /** `count` is returned as is: only the caller knows whether this is a search, where it means anything. */
  summary?: SummaryMode;
  /** Names as the client wrote them (`name`, `Patient.name`); applyElements resolves them per resource. */
  elements?: string[];
}

export function parseShaping(query: Record<string, string | string[] | undefined>): Shaping {
  const shaping: Shaping = {};
  const summaries = [...new Set(values(query._summary))];
  // Two different modes cannot both be honoured, and picking one would silently ignore the other.
  if (summaries.length > 1)
    throw badRequest(`_summary was given more than once: ${summaries.join(', ')}`, '_summary', 'MSG_PARAM_NO_REPEAT');
  if (summaries.length === 1) {
    const mode = summaries[0];
    if (!MODES.has(mode)) throw invalidParameter(`_summary must be one of true, text, data, count, false; got '${mode}'`, '_summary');
    shaping.summary = mode as SummaryMode;
  }
  const elements = values(query._elements)
    .flatMap((e) => e.split(','))
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (elements.length > 0) shaping.elements = [...new Set(elements)];
  return shaping;
}

function values(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
