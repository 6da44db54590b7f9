// Reads _summary and _elements from a query. https://hl7.org/fhir/R4/search.html#summary
import { badRequest } from '../../core/outcomes.js';

export type SummaryMode = 'true' | 'text' | 'data' | 'count' | 'false';
const MODES = new Set<string>(['true', 'text', 'data', 'count', 'false']);

export interface Shaping {
  summary?: SummaryMode;
  elements?: string[];
}

export function parseShaping(query: Record<string, string | string[] | undefined>): Shaping {
  const shaping: Shaping = {};
  const summary = [query._summary].flat()[0];
  if (summary !== undefined) {
    if (!MODES.has(summary)) throw badRequest(`_summary must be one of true, text, data, count, false; got '${summary}'`, '_summary');
    shaping.summary = summary as SummaryMode;
  }
  const elements = [query._elements].flat().filter((e): e is string => e !== undefined);
  if (elements.length > 0) {
    shaping.elements = elements.flatMap((e) => e.split(',')).map((e) => e.trim()).filter((e) => e.length > 0);
  }
  return shaping;
}
