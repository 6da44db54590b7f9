// The parameter types this server searches on and the modifiers each takes (besides :missing, which all take, and a
// resource type on a reference). store/mysql/search/param-types.ts has the SQL of each type.
// https://hl7.org/fhir/R4/search.html#modifiers
import type { SearchParamType } from '../definitions/r4-definitions.js';

/** Token modifiers whose values name codes through the terminology (value sets, code system hierarchies). */
export const TERMINOLOGY_MODIFIERS = ['in', 'not-in', 'above', 'below'] as const;
export type TerminologyModifier = (typeof TERMINOLOGY_MODIFIERS)[number];

export const MODIFIERS = {
  token: ['not', 'text', 'of-type', ...TERMINOLOGY_MODIFIERS],
  string: ['exact', 'contains', 'text'],
  reference: ['identifier', 'text'],
  date: [],
  number: [],
  quantity: [],
  uri: ['below', 'above'],
  composite: [],
} as const satisfies Partial<Record<SearchParamType, readonly string[]>>;

export type SearchableType = keyof typeof MODIFIERS;

export const isSearchableType = (type: SearchParamType | undefined): type is SearchableType =>
  type !== undefined && Object.hasOwn(MODIFIERS, type);

export const isTerminologyModifier = (modifier: string | undefined): modifier is TerminologyModifier =>
  (TERMINOLOGY_MODIFIERS as readonly (string | undefined)[]).includes(modifier);
