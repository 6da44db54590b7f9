// The base FHIR R4 (4.0.1) definitions, read from the npm package hl7.fhir.r4.examples@4.0.1.
// https://hl7.org/fhir/R4/downloads.html
import type { CompartmentDefinition, SearchParameter, StructureDefinition } from 'fhir/r4.js';
import { leanStructureDefinition } from './lean-definitions.js';
import { readR4Bundle, readR4Json } from './r4-package.js';
import { expressionFor } from './search-expression.js';

export type SearchParamType = SearchParameter['type'];

/** A SearchParameter as it applies to one resource type. */
export interface SearchParamDef {
  code: string;
  type: SearchParamType;
  url: string;
  /** The FHIRPath expression narrowed to this resource type; absent for params with no expression (_text, _content...). */
  expression?: string;
  target: string[];
  /** Composite components with the type of the parameter each refers to. */
  components: { definition: string; expression: string; type?: SearchParamType }[];
  modifiers: string[];
  comparators: string[];
}

export interface Definitions {
  readonly resourceTypes: readonly string[];
  isResourceType(type: string): boolean;
  structureDefinition(typeOrDatatype: string): StructureDefinition | undefined;
  searchParams(type: string): ReadonlyMap<string, SearchParamDef>;
  searchParamByUrl(url: string): SearchParameter | undefined;
  /** Compartment owner types (Patient, Encounter, RelatedPerson, Practitioner, Device). */
  readonly compartmentTypes: readonly string[];
  /** The search params that put a resource of `type` in the compartment of an `owner`; empty when none do. */
  compartmentParams(owner: string, type: string): readonly string[];
  /**
   * Changes whenever the search parameters change (runtime-params.ts: SearchParameters created at runtime);
   * absent or constant for the base definitions. Whatever is derived from searchParams() is derived again then.
   */
  revision?(): number;
}

const COMPARTMENT_FILES = ['patient', 'encounter', 'relatedPerson', 'practitioner', 'device'].map((c) => `CompartmentDefinition-${c}.json`);

export function toDef(sp: SearchParameter, type: string): SearchParamDef {
  return {
    code: sp.code,
    type: sp.type,
    url: sp.url,
    expression: sp.expression ? expressionFor(sp.expression, type) : undefined,
    target: sp.target ?? [],
    components: (sp.component ?? []).map((c) => ({ definition: c.definition, expression: c.expression })),
    modifiers: sp.modifier ?? [],
    comparators: sp.comparator ?? [],
  };
}

export function loadR4Definitions(): Definitions {
  const structures = new Map<string, StructureDefinition>();
  for (const file of ['Bundle-types.json', 'Bundle-resources.json']) {
    for (const sd of readR4Bundle(file)) {
      if (sd.resourceType === 'StructureDefinition' && sd.derivation !== 'constraint') structures.set(sd.type, leanStructureDefinition(sd));
    }
  }
  const resourceTypes = [...structures.values()]
    .filter((sd) => sd.kind === 'resource' && !sd.abstract)
    .map((sd) => sd.type)
    .sort();
  const typeSet = new Set(resourceTypes);

  const byType = new Map<string, Map<string, SearchParamDef>>(resourceTypes.map((t) => [t, new Map()]));
  const byUrl = new Map<string, SearchParameter>();
  for (const resource of readR4Bundle('Bundle-searchParams.json')) {
    const sp = resource as SearchParameter;
    byUrl.set(sp.url, sp);
    const bases = sp.base.flatMap((b) => (b === 'Resource' || b === 'DomainResource' ? resourceTypes : [b]));
    for (const base of bases) {
      if (base === 'DomainResource' || !typeSet.has(base)) continue;
      byType.get(base)!.set(sp.code, toDef(sp, base));
    }
  }

  // Component definitions may come later in the bundle than the composite: type them once all are read.
  for (const params of byType.values()) {
    for (const def of params.values()) for (const c of def.components) c.type = byUrl.get(c.definition)?.type;
  }

  const compartments = new Map<string, Map<string, string[]>>();
  for (const file of COMPARTMENT_FILES) {
    const def = readR4Json<CompartmentDefinition>(file);
    compartments.set(def.code, new Map((def.resource ?? []).map((r) => [r.code, r.param ?? []])));
  }

  const empty = new Map<string, SearchParamDef>();
  return {
    resourceTypes,
    isResourceType: (t) => typeSet.has(t),
    structureDefinition: (t) => structures.get(t),
    searchParams: (t) => byType.get(t) ?? empty,
    searchParamByUrl: (url) => byUrl.get(url),
    compartmentTypes: [...compartments.keys()],
    compartmentParams: (owner, t) => compartments.get(owner)?.get(t) ?? [],
  };
}
