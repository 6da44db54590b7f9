// Expands the value sets we hold into code sets for binding checks: from an expansion, or from a compose whose
// includes are enumerable (listed concepts, whole code systems we hold completely, other value sets).
// https://hl7.org/fhir/R4/valueset.html#compositions
import type { CodeSystem, CodeSystemConcept, ValueSet, ValueSetComposeInclude, ValueSetExpansionContains } from 'fhir/r4.js';

export interface CodeSet {
  /** `system|code` pairs. */
  pairs: Set<string>;
  /** Bare codes, for `code` elements (which carry no system). */
  codes: Set<string>;
}

export interface TerminologySource {
  valueSet(url: string): ValueSet | undefined;
  codeSystem(url: string): CodeSystem | undefined;
}

/** Builds code sets on demand and remembers them; null marks a value set we cannot enumerate (filters, LOINC...). */
export function createCodeSets(source: TerminologySource): (url: string) => CodeSet | null {
  const cache = new Map<string, CodeSet | null>();

  const expand = (url: string, visiting: Set<string>): CodeSet | null => {
    const known = cache.get(url);
    if (known !== undefined) return known;
    if (visiting.has(url)) return null;
    visiting.add(url);
    const vs = source.valueSet(url);
    let result: CodeSet | null = null;
    if (vs?.expansion?.contains && !vs.expansion.parameter?.some((p) => p.name === 'limitedExpansion')) {
      result = { pairs: new Set(), codes: new Set() };
      addContains(result, vs.expansion.contains);
    } else if (vs?.compose) {
      const included = unionOf(vs.compose.include, visiting);
      const excluded = vs.compose.exclude?.length ? unionOf(vs.compose.exclude, visiting) : { pairs: new Set<string>(), codes: new Set<string>() };
      if (included && excluded) {
        for (const pair of excluded.pairs) included.pairs.delete(pair);
        result = { pairs: included.pairs, codes: new Set([...included.pairs].map((p) => p.slice(p.lastIndexOf('|') + 1))) };
      }
    }
    cache.set(url, result);
    return result;
  };

  const unionOf = (parts: ValueSetComposeInclude[], visiting: Set<string>): CodeSet | null => {
    const out: CodeSet = { pairs: new Set(), codes: new Set() };
    for (const part of parts) {
      const set = includeOf(part, visiting);
      if (!set) return null;
      for (const pair of set) out.pairs.add(pair);
    }
    return out;
  };

  /** One include: its listed concepts, or a whole code system, intersected with any value sets it names. */
  const includeOf = (part: ValueSetComposeInclude, visiting: Set<string>): Set<string> | null => {
    if (part.filter?.length) return null;
    let pairs: Set<string> | null = null;
    if (part.system) {
      if (part.concept) {
        pairs = new Set(part.concept.map((c) => `${part.system}|${c.code}`));
      } else {
        const cs = source.codeSystem(part.system);
        if (!cs || cs.content !== 'complete' || !cs.concept) return null;
        pairs = new Set();
        addConcepts(pairs, part.system, cs.concept);
      }
    }
    for (const url of part.valueSet ?? []) {
      const other = expand(url.split('|')[0], visiting);
      if (!other) return null;
      pairs = pairs ? new Set([...pairs].filter((p) => other.pairs.has(p))) : new Set(other.pairs);
    }
    return pairs;
  };

  return (url) => expand(url, new Set());
}

function addContains(out: CodeSet, contains: ValueSetExpansionContains[]): void {
  for (const c of contains) {
    if (c.code !== undefined && c.abstract !== true) {
      out.pairs.add(`${c.system ?? ''}|${c.code}`);
      out.codes.add(c.code);
    }
    if (c.contains) addContains(out, c.contains);
  }
}

function addConcepts(out: Set<string>, system: string, concepts: CodeSystemConcept[]): void {
  for (const c of concepts) {
    out.add(`${system}|${c.code}`);
    if (c.concept) addConcepts(out, system, c.concept);
  }
}
