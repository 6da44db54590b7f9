// A parsed FHIR search: what the REST layer hands to the repository. https://hl7.org/fhir/R4/search.html
import type { SearchParamDef } from '../definitions/r4-definitions.js';

export interface SearchCriterion {
  /** The parameter as the client wrote it, e.g. `code:not`. */
  name: string;
  def: SearchParamDef;
  modifier?: string;
  /** Comma-separated alternatives (OR); repeating a parameter adds another criterion (AND). */
  values: string[];
}

export interface SearchRequest {
  type: string;
  criteria: SearchCriterion[];
  count: number;
  cursor?: string;
  total: 'none' | 'estimate' | 'accurate';
  /** Parameters ignored under `Prefer: handling=lenient`, reported back to the client. */
  ignored: string[];
}

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;
