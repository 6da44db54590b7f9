// The value sets and code systems this server holds: the base R4 ones (hl7.fhir.r4.examples) and any
// ValueSet or CodeSystem stored through the API (stored ones win, so a newer version can be loaded).
import type { CodeSystem, Resource, ValueSet } from 'fhir/r4.js';
import { baseTerminology } from '../definitions/base-terminology.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { parseSearch } from '../search/parse-search.js';
import type { CodeResolver } from '../search/resolve-codes.js';
import type { SearchRequest } from '../search/search-request.js';
import { indexCodeSystem, type CodeSystemIndex } from './code-system-index.js';
import type { CodeSet } from '../fhir-values/code-set.js';
import { expandValueSet, TerminologyError, type TerminologySource } from './expand-value-set.js';
import { searchCodes } from './search-codes.js';

/** Also the search planner's CodeResolver (search-codes.ts). */
export interface Terminology extends CodeResolver {
  /** A code system by canonical URL (optionally `|version`): stored first, then the base ones. */
  codeSystem(url: string): Promise<CodeSystemIndex | undefined>;
  /**
   * The codes of a value set named the way `:in` names it: a canonical URL (optionally `|version`),
   * `ValueSet/[id]`, or an absolute URL of a ValueSet on this server. Throws TerminologyError.
   */
  valueSetCodes(reference: string): Promise<CodeSet>;
  /** The value set a reference names (as valueSetCodes takes it), or undefined. */
  valueSet(reference: string): Promise<ValueSet | undefined>;
  /** What expanding `vs` reads, loaded (every value set and code system it reaches), for expandValueSet and expansionOf. */
  sourceFor(vs: ValueSet): Promise<TerminologySource>;
}

/** What the terminology reads of the store: ValueSets and CodeSystems stored through the API (a FhirRepository). */
export interface TerminologyStore {
  search(request: SearchRequest): Promise<{ items: Resource[] }>;
  read(type: string, id: string): Promise<{ resource?: Resource } | undefined>;
}

export function createTerminology(repo: TerminologyStore, defs: Definitions, fhirBase: string): Terminology {
  const stored = async <T extends Resource>(type: 'ValueSet' | 'CodeSystem', canonical: string): Promise<T | undefined> => {
    const [url, version] = canonical.split('|');
    const params = new URLSearchParams({ url: searchValue(url), _sort: '-_lastUpdated' });
    if (version) params.set('version', searchValue(version));
    const request = parseSearch(type, params, defs);
    request.count = 1;
    return (await repo.search(request)).items[0] as T | undefined;
  };

  const codeSystem = async (canonical: string): Promise<CodeSystemIndex | undefined> => {
    const found = await stored<CodeSystem>('CodeSystem', canonical);
    if (found) return indexCodeSystem(found);
    const cs = baseTerminology().codeSystems.get(canonical.split('|')[0]);
    return cs ? indexCodeSystem(cs) : undefined;
  };

  const valueSet = async (canonical: string): Promise<ValueSet | undefined> =>
    (await stored<ValueSet>('ValueSet', canonical)) ?? baseTerminology().valueSets.get(canonical.split('|')[0]);

  const byReference = async (reference: string): Promise<ValueSet | undefined> => {
    const local = reference.startsWith(`${fhirBase}/`) ? reference.slice(fhirBase.length + 1) : reference;
    const m = /^ValueSet\/([A-Za-z0-9\-.]{1,64})$/.exec(local);
    if (m) {
      const version = await repo.read('ValueSet', m[1]);
      return version?.resource as ValueSet | undefined;
    }
    return valueSet(reference);
  };

  /** Loads every value set and code system `vs` reaches, so the expansion itself can run synchronously. */
  const loadClosure = async (vs: ValueSet): Promise<TerminologySource> => {
    const valueSets = new Map<string, ValueSet>();
    const systems = new Map<string, CodeSystemIndex>();
    const seen = new Set<string>();
    const pending = [vs];
    while (pending.length > 0) {
      const current = pending.pop()!;
      for (const part of [...(current.compose?.include ?? []), ...(current.compose?.exclude ?? [])]) {
        // An include that lists its concepts needs nothing from the code system (expand-value-set.ts systemPart).
        if (part.system && !part.concept && !seen.has(`cs ${part.system}`)) {
          seen.add(`cs ${part.system}`);
          const cs = await codeSystem(part.system);
          if (cs) systems.set(part.system, cs);
        }
        for (const url of part.valueSet ?? []) {
          const key = url.split('|')[0];
          if (seen.has(`vs ${key}`)) continue;
          seen.add(`vs ${key}`);
          if (seen.size > MAX_REACHED)
            throw new TerminologyError(`Value set ${vs.url ?? reference(vs)} reaches more than ${MAX_REACHED} value sets and code systems`);
          const found = await valueSet(url);
          if (found) {
            valueSets.set(key, found);
            pending.push(found);
          }
        }
      }
    }
    return { valueSet: (url) => valueSets.get(url.split('|')[0]), codeSystem: (url) => systems.get(url) };
  };

  const valueSetCodes = async (ref: string): Promise<CodeSet> => {
    const vs = await byReference(ref);
    if (!vs) throw new TerminologyError(`Value set '${ref}' is not known to this server`);
    return expandValueSet(vs, await loadClosure(vs));
  };
  return {
    codeSystem,
    valueSet: byReference,
    sourceFor: loadClosure,
    valueSetCodes,
    searchCodes: searchCodes({ codeSystem, valueSetCodes }),
  };
}

const MAX_REACHED = 200;
/** One value as a search parameter takes it: a comma escaped, or it would separate values (an OR). */
const searchValue = (value: string) => value.replace(/,/g, '\\,');
const reference = (vs: ValueSet) => `ValueSet/${vs.id ?? '?'}`;
