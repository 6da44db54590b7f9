// Value sets for binding checks, expanded by the server's one engine (terminology/expand-value-set.ts):
// listed concepts, filters over code systems held in full, whole code systems, imports and excludes. What it
// cannot expand (a filter on a code system we do not hold) is null, and the binding is then not checked.
// https://hl7.org/fhir/R4/terminologies.html#binding
import type { CodeSystem, ValueSet } from 'fhir/r4.js';
import { hasCode, type CodeSet } from '../fhir-values/code-set.js';
import { definitionSource, expandValueSet, TerminologyError } from '../terminology/expand-value-set.js';

export type { CodeSet };

export interface DefinitionSource {
  valueSet(url: string): ValueSet | undefined;
  codeSystem(url: string): CodeSystem | undefined;
}

/** Expands on demand and remembers each answer (the definitions behind `source` do not change). */
export function createCodeSets(source: DefinitionSource): (url: string) => CodeSet | null {
  const cache = new Map<string, CodeSet | null>();
  const terminology = definitionSource(
    (url) => source.valueSet(url),
    (url) => source.codeSystem(url),
  );
  return (url) => {
    const key = url.split('|')[0];
    const known = cache.get(key);
    if (known !== undefined) return known;
    const vs = terminology.valueSet(key);
    let result: CodeSet | null = null;
    try {
      if (vs) result = expandValueSet(vs, terminology);
    } catch (err) {
      if (!(err instanceof TerminologyError)) throw err;
    }
    cache.set(key, result);
    return result;
  };
}

/** Whether `system|code` is in the set; a bare code (`|code`, from a `code` element) may be in any of its systems. */
export function inCodeSet(set: CodeSet, pair: string): boolean {
  const bar = pair.indexOf('|');
  const system = pair.slice(0, bar);
  const code = pair.slice(bar + 1);
  if (system) return hasCode(set, system, code);
  for (const s of set.keys()) if (hasCode(set, s, code)) return true;
  return false;
}
