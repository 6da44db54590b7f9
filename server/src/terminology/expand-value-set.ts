// ValueSet compose -> CodeSet: includes (concepts, filters, whole systems, imported value sets) minus
// excludes, over the code systems we hold. https://hl7.org/fhir/R4/valueset.html#compositions
import type {
  CodeSystem,
  ValueSet,
  ValueSetComposeInclude,
  ValueSetComposeIncludeFilter,
  ValueSetExpansion,
  ValueSetExpansionContains,
} from 'fhir/r4.js';
import { indexCodeSystem, type CodeSystemIndex, type ConceptEntry } from './code-system-index.js';
import { filterRegex } from './filter-regex.js';
import { codesOf, emptyCodeSet, intersect, subtract, union, wholeSystem, type CodeSet } from '../fhir-values/code-set.js';

/** What expansion reads, synchronously: callers load what a value set needs first (see terminology.ts). */
export interface TerminologySource {
  codeSystem(url: string): CodeSystemIndex | undefined;
  valueSet(url: string): ValueSet | undefined;
}

/** A source over plain definitions, looked up by canonical URL without `|version` (code systems are indexed once). */
export function definitionSource(
  valueSet: (url: string) => ValueSet | undefined,
  codeSystem: (url: string) => CodeSystem | undefined,
): TerminologySource {
  return {
    valueSet: (url) => valueSet(url.split('|')[0]),
    codeSystem: (url) => {
      const cs = codeSystem(url);
      return cs ? indexCodeSystem(cs) : undefined;
    },
  };
}

/** A value set we cannot expand: the message names the value set and the reason. */
export class TerminologyError extends Error {}

const MAX_DEPTH = 10;

export function expandValueSet(vs: ValueSet, source: TerminologySource, depth = 0): CodeSet {
  const name = vs.url ?? `ValueSet/${vs.id ?? '?'}`;
  if (depth > MAX_DEPTH) throw new TerminologyError(`ValueSet ${name} imports value sets more than ${MAX_DEPTH} levels deep`);
  if (!vs.compose) {
    if (vs.expansion && !limited(vs.expansion)) return fromExpansion(vs.expansion.contains ?? []);
    throw new TerminologyError(`ValueSet ${name} has neither a compose nor an expansion`);
  }
  try {
    let result = emptyCodeSet();
    for (const inc of vs.compose.include) result = union(result, includeSet(inc, source, depth, name));
    for (const exc of vs.compose.exclude ?? []) result = subtract(result, includeSet(exc, source, depth, name));
    return result;
  } catch (err) {
    // The publisher's own expansion stands in when the compose needs a code system we do not hold.
    if (err instanceof TerminologyError && vs.expansion?.contains && !limited(vs.expansion)) return fromExpansion(vs.expansion.contains);
    throw err;
  }
}

function includeSet(inc: ValueSetComposeInclude, source: TerminologySource, depth: number, name: string): CodeSet {
  let set: CodeSet | undefined;
  if (inc.system) set = systemPart(inc, source, name);
  for (const url of inc.valueSet ?? []) {
    const imported = source.valueSet(url.split('|')[0]);
    if (!imported) throw new TerminologyError(`ValueSet ${name} imports ${url}, which this server does not hold`);
    const codes = expandValueSet(imported, source, depth + 1);
    set = set ? intersect(set, codes) : codes;
  }
  return set ?? emptyCodeSet();
}

function systemPart(inc: ValueSetComposeInclude, source: TerminologySource, name: string): CodeSet {
  const system = inc.system!;
  if (inc.concept)
    return codesOf(
      system,
      inc.concept.map((c) => c.code),
    );
  if (!inc.filter || inc.filter.length === 0) {
    const cs = source.codeSystem(system);
    return cs?.complete ? codesOf(system, cs.concepts.keys()) : wholeSystem(system);
  }
  const cs = source.codeSystem(system);
  if (!cs || !cs.complete) {
    throw new TerminologyError(`ValueSet ${name} filters code system ${system}, which this server does not hold in full`);
  }
  let codes = new Set(cs.concepts.keys());
  for (const f of inc.filter) {
    const matching = filterCodes(cs, f, name);
    codes = new Set([...codes].filter((c) => matching.has(c)));
  }
  return codesOf(system, codes);
}

function filterCodes(cs: CodeSystemIndex, f: ValueSetComposeIncludeFilter, name: string): Set<string> {
  const all = [...cs.concepts.values()];
  const pick = (test: (c: ConceptEntry) => boolean) => new Set(all.filter(test).map((c) => c.code));
  const values = f.value.split(',').map((v) => v.trim());
  if (f.property === 'concept' || f.property === 'code') {
    switch (f.op) {
      case 'is-a':
        return cs.descendantsAndSelf(f.value);
      case 'descendent-of': {
        const d = cs.descendantsAndSelf(f.value);
        d.delete(f.value);
        return d;
      }
      case 'is-not-a': {
        const d = cs.descendantsAndSelf(f.value);
        return pick((c) => !d.has(c.code));
      }
      case 'generalizes':
        return cs.ancestorsAndSelf(f.value);
      case '=':
        return pick((c) => c.code === f.value);
      case 'in':
        return pick((c) => values.includes(c.code));
      case 'not-in':
        return pick((c) => !values.includes(c.code));
      case 'regex': {
        const re = regex(f.value, name);
        return pick((c) => re.test(c.code));
      }
    }
  } else {
    const propertyValues = (c: ConceptEntry) =>
      c.properties
        .filter((p) => p.code === f.property)
        .map((p) =>
          String(p.valueCode ?? p.valueString ?? p.valueBoolean ?? p.valueInteger ?? p.valueDecimal ?? p.valueCoding?.code ?? ''),
        );
    switch (f.op) {
      case '=':
        return pick((c) => propertyValues(c).includes(f.value));
      case 'in':
        return pick((c) => propertyValues(c).some((v) => values.includes(v)));
      case 'not-in':
        return pick((c) => !propertyValues(c).some((v) => values.includes(v)));
      case 'exists':
        return pick((c) => propertyValues(c).length > 0 === (f.value === 'true'));
      case 'regex': {
        const re = regex(f.value, name);
        return pick((c) => propertyValues(c).some((v) => re.test(v)));
      }
    }
  }
  throw new TerminologyError(`ValueSet ${name}: filter '${f.property} ${f.op} ${f.value}' is not supported`);
}

function regex(pattern: string, name: string): RegExp {
  const re = filterRegex(pattern);
  if (typeof re === 'string') throw new TerminologyError(`ValueSet ${name}: filter regex '${pattern.slice(0, 100)}' ${re}`);
  return re;
}

/** An expansion the publisher cut short cannot say what is not in the value set. */
function limited(expansion: ValueSetExpansion): boolean {
  return expansion.parameter?.some((p) => p.name === 'limitedExpansion' && p.valueBoolean !== false) === true;
}

function fromExpansion(contains: ValueSetExpansionContains[]): CodeSet {
  const bySystem = new Map<string, string[]>();
  const walk = (list: ValueSetExpansionContains[]) => {
    for (const c of list) {
      if (c.system && c.code && !c.abstract) (bySystem.get(c.system) ?? bySystem.set(c.system, []).get(c.system)!).push(c.code);
      walk(c.contains ?? []);
    }
  };
  walk(contains);
  return [...bySystem].reduce((set, [system, codes]) => union(set, codesOf(system, codes)), emptyCodeSet());
}
