// Search parameters the server holds beyond base R4: the FibroTrack IG's (profiles/generated, stored at start) and
// those created, changed or deleted through the API. They overlay the base definitions, so the indexer, the search
// parser and the CapabilityStatement all see them as they see R4's. https://hl7.org/fhir/R4/searchparameter.html
import { createHash } from 'node:crypto';
import type { SearchParameter } from 'fhir/r4.js';
import { toDef, type Definitions, type SearchParamDef } from './r4-definitions.js';
import { expressionFor } from './search-expression.js';

/** The parameter types whose rows the index tables hold (composites need component definitions; special has no rows). */
const INDEXABLE = new Set(['token', 'string', 'date', 'number', 'quantity', 'reference', 'uri']);
const CODE = /^[A-Za-z][A-Za-z0-9-]{0,99}$/;

export class RuntimeDefinitions implements Definitions {
  /** url -> the parameter as it applies to each of its bases. */
  private readonly held = new Map<string, { sp: SearchParameter; defs: Map<string, SearchParamDef> }>();
  private readonly merged = new Map<string, ReadonlyMap<string, SearchParamDef>>();
  private rev = 0;

  constructor(private readonly base: Definitions) {}

  get resourceTypes() {
    return this.base.resourceTypes;
  }
  get compartmentTypes() {
    return this.base.compartmentTypes;
  }
  isResourceType(type: string) {
    return this.base.isResourceType(type);
  }
  structureDefinition(type: string) {
    return this.base.structureDefinition(type);
  }
  compartmentParams(owner: string, type: string) {
    return this.base.compartmentParams(owner, type);
  }
  revision() {
    return this.rev;
  }

  searchParams(type: string): ReadonlyMap<string, SearchParamDef> {
    let found = this.merged.get(type);
    if (!found) {
      const own = [...this.held.values()].flatMap((h) => (h.defs.has(type) ? [h.defs.get(type)!] : []));
      found =
        own.length === 0
          ? this.base.searchParams(type)
          : new Map([...this.base.searchParams(type), ...own.map((d) => [d.code, d] as const)]);
      this.merged.set(type, found);
    }
    return found;
  }

  searchParamByUrl(url: string): SearchParameter | undefined {
    return this.held.get(url)?.sp ?? this.base.searchParamByUrl(url);
  }

  /** Whether `code` on `type` is a runtime parameter (its rows may still be being built: reindex). */
  isRuntime(type: string, code: string): boolean {
    const def = this.searchParams(type).get(code);
    return def !== undefined && this.held.has(def.url);
  }

  /** The runtime parameters of `type`, with the hash that tells when a change needs a reindex. */
  runtimeParams(type: string): { code: string; url: string; hash: string }[] {
    return [...this.held.values()].flatMap((h) => {
      const def = h.defs.get(type);
      return def ? [{ code: def.code, url: def.url, hash: defHash(def) }] : [];
    });
  }

  /**
   * Why `sp` cannot be a search parameter of this server (a 422 on its write), or undefined. Parameters that are
   * not active, or that are base R4's own, are held as resources only and need no check.
   */
  problem(sp: SearchParameter): string | undefined {
    if (!isIndexed(sp) || this.base.searchParamByUrl(sp.url)) return undefined;
    if (!sp.url) return 'SearchParameter.url is required: it names the parameter';
    if (!CODE.test(sp.code ?? ''))
      return `SearchParameter.code '${sp.code ?? ''}' must be letters, digits and '-', starting with a letter (at most 100 characters)`;
    if (!INDEXABLE.has(sp.type)) return `SearchParameter.type '${sp.type}' cannot be indexed here: use one of ${[...INDEXABLE].join(', ')}`;
    if (!sp.expression) return 'SearchParameter.expression is required: it says which values are indexed';
    if (!sp.base?.length) return 'SearchParameter.base is required';
    for (const type of sp.base) {
      if (!this.base.isResourceType(type))
        return `SearchParameter.base '${type}' is not an R4 resource type (Resource and DomainResource are not accepted: name the types)`;
      if (!expressionFor(sp.expression, type)) return `SearchParameter.expression has no part starting with '${type}' (its base)`;
      const existing = this.searchParams(type).get(sp.code);
      if (existing && existing.url !== sp.url) return `Search parameter '${sp.code}' of ${type} is already defined by ${existing.url}`;
    }
    return undefined;
  }

  /** Holds `sp` (replacing the version with its url) when it is active, else lets it go; returns the types whose parameters changed. */
  set(sp: SearchParameter): string[] {
    const before = this.typesOf(sp.url);
    if (!isIndexed(sp) || this.base.searchParamByUrl(sp.url) || this.problem(sp)) return this.remove(sp.url);
    const defs = new Map(sp.base.map((type) => [type, toDef(sp, type)]));
    for (const def of defs.values()) for (const c of def.components) c.type = this.searchParamByUrl(c.definition)?.type;
    const old = this.held.get(sp.url);
    const changed =
      !old || [...defs].some(([t, d]) => defHash(d) !== (old.defs.get(t) && defHash(old.defs.get(t)!))) || old.defs.size !== defs.size;
    this.held.set(sp.url, { sp, defs });
    if (!changed) return [];
    this.touch();
    return [...new Set([...before, ...defs.keys()])];
  }

  /** The canonical URLs of the runtime parameters held. */
  heldUrls(): string[] {
    return [...this.held.keys()];
  }

  /** Forgets the parameter with `url`; returns the types that had it. */
  remove(url: string): string[] {
    const types = this.typesOf(url);
    if (this.held.delete(url)) this.touch();
    return types;
  }

  private typesOf(url: string): string[] {
    return [...(this.held.get(url)?.defs.keys() ?? [])];
  }

  private touch(): void {
    this.merged.clear();
    this.rev += 1;
  }
}

/** Only active parameters are indexed and searchable; draft and retired ones are stored resources, nothing more. */
function isIndexed(sp: SearchParameter): boolean {
  return sp.status === 'active';
}

/** What a parameter's rows depend on: a change of any of these needs the type reindexed. */
export function defHash(def: SearchParamDef): string {
  return createHash('sha1')
    .update(JSON.stringify([def.code, def.type, def.expression, def.target]))
    .digest('hex');
}
