// ValueSet expansion from the guide's own definitions, without a terminology server: enumerated concepts, whole
// FibroTrack code systems and included value sets. Anything else (filters, excludes of external systems) needs a
// terminology server and is refused. https://hl7.org/fhir/R4/valueset.html#expansion
import type { CodeSystem, CodeSystemConcept, ValueSet, ValueSetComposeInclude, ValueSetExpansionContains } from 'fhir/r4.js';

export interface ExpansionSources {
  codeSystem(url: string): CodeSystem | undefined;
  valueSet(url: string): ValueSet | undefined;
}

/** The value set with an expansion; `timestamp` is fixed by the caller so that builds are reproducible. */
export function expandValueSet(vs: ValueSet, sources: ExpansionSources, timestamp: string): ValueSet {
  const contains = containsOf(vs, sources, new Set());
  return {
    ...vs,
    expansion: {
      timestamp,
      total: contains.length,
      parameter: usedCodeSystems(contains).map((url) => ({ name: 'used-codesystem', valueUri: url })),
      contains,
    },
  };
}

function containsOf(vs: ValueSet, sources: ExpansionSources, visiting: Set<string>): ValueSetExpansionContains[] {
  if (visiting.has(vs.url ?? '')) throw new Error(`ValueSet ${vs.url} includes itself`);
  visiting.add(vs.url ?? '');
  const out = new Map<string, ValueSetExpansionContains>();
  for (const inc of vs.compose?.include ?? []) {
    for (const c of includeOf(inc, vs, sources, visiting)) out.set(key(c), c);
  }
  for (const exc of vs.compose?.exclude ?? []) {
    for (const c of includeOf(exc, vs, sources, visiting)) out.delete(key(c));
  }
  visiting.delete(vs.url ?? '');
  return [...out.values()];
}

function includeOf(inc: ValueSetComposeInclude, vs: ValueSet, sources: ExpansionSources, visiting: Set<string>): ValueSetExpansionContains[] {
  if (inc.filter?.length) throw new Error(`ValueSet ${vs.url}: filters need a terminology server`);
  let fromSystem: ValueSetExpansionContains[] | undefined;
  if (inc.system) {
    if (inc.concept?.length) {
      fromSystem = inc.concept.map((c) => ({ system: inc.system, code: c.code, display: c.display ?? displayIn(sources, inc.system!, c.code) }));
    } else {
      const cs = sources.codeSystem(inc.system);
      if (!cs || cs.content !== 'complete') throw new Error(`ValueSet ${vs.url}: the whole of ${inc.system} is not available to expand`);
      fromSystem = flatten(cs.concept ?? []).map((c) => ({ system: inc.system, code: c.code, display: c.display }));
    }
  }
  let result = fromSystem;
  for (const url of inc.valueSet ?? []) {
    const other = sources.valueSet(url);
    if (!other) throw new Error(`ValueSet ${vs.url}: included value set ${url} is unknown`);
    const codes = containsOf(other, sources, visiting);
    result = result ? result.filter((c) => codes.some((o) => key(o) === key(c))) : codes;
  }
  return (result ?? []).map(dropUndefined);
}

function displayIn(sources: ExpansionSources, system: string, code: string): string | undefined {
  return flatten(sources.codeSystem(system)?.concept ?? []).find((c) => c.code === code)?.display;
}

function flatten(concepts: CodeSystemConcept[]): CodeSystemConcept[] {
  return concepts.flatMap((c) => [c, ...flatten(c.concept ?? [])]);
}

function usedCodeSystems(contains: ValueSetExpansionContains[]): string[] {
  return [...new Set(contains.map((c) => c.system!))];
}

const key = (c: ValueSetExpansionContains): string => `${c.system}|${c.code}`;

function dropUndefined(c: ValueSetExpansionContains): ValueSetExpansionContains {
  return Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)) as ValueSetExpansionContains;
}
