// A parsed FHIR search: what the REST layer hands to the repository. https://hl7.org/fhir/R4/search.html
import type { SearchParamDef } from '../definitions/r4-definitions.js';
import type { CodeSet } from '../fhir-values/code-set.js';

/** One parameter on the searched type: `code=a,b` (values are ORed). */
export interface ParamCriterion {
  kind: 'param';
  /** The parameter as the client wrote it, e.g. `code:not`. */
  name: string;
  def: SearchParamDef;
  modifier?: string;
  values: string[];
  /** Token `:in`, `:not-in`, `:above`, `:below`: the codes each value stands for, filled by resolve-codes.ts. */
  codeSets?: CodeSet[];
}

/** A chained parameter `subject:Patient.name=x`: the reference points at a target matching `criterion`. */
export interface ChainCriterion {
  kind: 'chain';
  name: string;
  def: SearchParamDef;
  /** Every target type that can satisfy the rest of the chain (ORed). */
  targets: { type: string; criterion: SearchCriterion }[];
}

/** Reverse chaining `_has:Observation:patient:code=x`: some `type` references this resource through `param`. */
export interface HasCriterion {
  kind: 'has';
  name: string;
  type: string;
  param: string;
  criterion: SearchCriterion;
}

export type SearchCriterion = ParamCriterion | ChainCriterion | HasCriterion;

/** `_include=Observation:subject[:Patient]` or `_revinclude=Provenance:target`, optionally `:iterate`. */
export interface IncludeSpec {
  /** `*` (with param `*`) for the bare wildcard: any source type. */
  sourceType: string;
  param: string;
  targetType?: string;
  iterate: boolean;
}

/** Compartment search `Patient/123/Observation`: the resource links to the compartment owner through one of `params`. */
export interface CompartmentScope {
  type: string;
  id: string;
  params: readonly string[];
}

/** One `_sort` key. */
export interface SortKey {
  def: SearchParamDef;
  desc: boolean;
}

export interface SearchRequest {
  type: string;
  criteria: SearchCriterion[];
  sort: SortKey[];
  compartment?: CompartmentScope;
  include: IncludeSpec[];
  revinclude: IncludeSpec[];
  count: number;
  cursor?: string;
  /**
   * _total (https://hl7.org/fhir/R4/search.html#total): `accurate` counts, `estimate` asks the optimizer, `none`
   * gives no total; absent, a total is given only when it costs nothing (the first page holds every match).
   */
  total?: 'none' | 'estimate' | 'accurate';
  /** Parameters ignored under `Prefer: handling=lenient`, reported back to the client. */
  ignored: string[];
}

export const DEFAULT_COUNT = 20;
export const MAX_COUNT = 1000;
