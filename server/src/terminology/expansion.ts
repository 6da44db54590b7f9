// ValueSet.expansion: the codes expandValueSet finds, listed with their displays in the order the definition gives
// them, optionally filtered and paged. The IG build (profiles/build) publishes its value sets with it, and the
// server's $expand answers with it. https://hl7.org/fhir/R4/valueset.html#expansion
import type { ValueSet, ValueSetExpansion, ValueSetExpansionContains, ValueSetExpansionParameter } from 'fhir/r4.js';
import type { CodeSet } from '../fhir-values/code-set.js';
import type { ConceptEntry } from './code-system-index.js';
import { expandValueSet, TerminologyError, type TerminologySource } from './expand-value-set.js';

export interface ExpansionOptions {
  /** expansion.timestamp: fixed by the IG build so that its output is reproducible. */
  timestamp: string;
  /** Keeps the codes whose code or display contains this text, ignoring case. */
  filter?: string;
  /** Leaves out inactive codes (a concept with `inactive` true or `status` retired). */
  activeOnly?: boolean;
  offset?: number;
  count?: number;
  /** Most codes one expansion may list (after filter and paging); beyond it ExpansionTooCostly. */
  maxCodes?: number;
}

/** An expansion that would list more than ExpansionOptions.maxCodes codes. */
export class ExpansionTooCostly extends TerminologyError {}

/** `vs` with its expansion. Throws TerminologyError when the codes cannot be listed (a code system not held in full). */
export function expansionOf(vs: ValueSet, source: TerminologySource, options: ExpansionOptions): ValueSet {
  const name = vs.url ?? `ValueSet/${vs.id ?? '?'}`;
  let all = listCodes(expandValueSet(vs, source), vs, source, name);
  if (options.activeOnly) all = all.filter((c) => !c.inactive);
  if (options.filter) {
    const text = options.filter.toLowerCase();
    all = all.filter((c) => c.code!.toLowerCase().includes(text) || (c.display?.toLowerCase().includes(text) ?? false));
  }
  const offset = options.offset ?? 0;
  const page = options.count === undefined ? all.slice(offset) : all.slice(offset, offset + options.count);
  if (options.maxCodes !== undefined && page.length > options.maxCodes) {
    throw new ExpansionTooCostly(
      `ValueSet ${name} has ${all.length} codes${options.filter ? ' matching the filter' : ''}, more than the ${options.maxCodes} one expansion lists: narrow it with filter, or page with count and offset`,
    );
  }
  const parameter: ValueSetExpansionParameter[] = [
    ...[...new Set(all.map((c) => c.system!))].map((url) => ({ name: 'used-codesystem', valueUri: url })),
    ...(options.filter !== undefined ? [{ name: 'filter', valueString: options.filter }] : []),
    ...(options.activeOnly !== undefined ? [{ name: 'activeOnly', valueBoolean: options.activeOnly }] : []),
    ...(options.offset !== undefined ? [{ name: 'offset', valueInteger: options.offset }] : []),
    ...(options.count !== undefined ? [{ name: 'count', valueInteger: options.count }] : []),
  ];
  const expansion: ValueSetExpansion = { timestamp: options.timestamp, total: all.length };
  if (options.offset !== undefined) expansion.offset = options.offset;
  return { ...vs, expansion: { ...expansion, parameter, contains: page } };
}

/** Every code of the set in order; a code system held whole but not listed (LOINC, SNOMED CT) cannot be listed. */
function listCodes(set: CodeSet, vs: ValueSet, source: TerminologySource, name: string): ValueSetExpansionContains[] {
  const displayOf = displaysOf(vs, source);
  const out: ValueSetExpansionContains[] = [];
  for (const [system, codes] of set) {
    if (codes.all) {
      throw new TerminologyError(
        `ValueSet ${name} includes all of code system ${system}, which this server does not hold in full, so its codes cannot be listed`,
      );
    }
    const cs = source.codeSystem(system);
    for (const code of codes.codes) {
      const concept = cs?.concepts.get(code);
      const display = displayOf(system, code);
      out.push({
        system,
        ...(concept && flag(concept, ['notSelectable', 'abstract']) ? { abstract: true } : {}),
        ...(concept && isInactive(concept) ? { inactive: true } : {}),
        code,
        ...(display !== undefined ? { display } : {}),
      });
    }
  }
  return out;
}

/** Whether a concept is inactive: `inactive` true, or `status` retired or inactive. */
function isInactive(c: ConceptEntry): boolean {
  return (
    flag(c, ['inactive']) || c.properties.some((p) => p.code === 'status' && (p.valueCode === 'retired' || p.valueCode === 'inactive'))
  );
}

const flag = (c: ConceptEntry, codes: string[]) => c.properties.some((p) => codes.includes(p.code) && p.valueBoolean === true);

/** The display of a code of `vs`: as its compose lists it, else as its code system has it, else as its publisher's expansion. */
export function displaysOf(vs: ValueSet, source: TerminologySource): (system: string, code: string) => string | undefined {
  const displays = definitionDisplays(vs, source);
  return (system, code) =>
    displays.get(`${system}|${code}`) ??
    source.codeSystem(system)?.concepts.get(code)?.display ??
    displays.get(`expansion ${system}|${code}`);
}

/**
 * Displays the definitions give: concepts listed in the compose (of `vs` and the value sets it imports; the first
 * wins), then, under `expansion ` keys, the publisher's own expansion for codes no code system we hold names.
 */
function definitionDisplays(vs: ValueSet, source: TerminologySource): Map<string, string> {
  const out = new Map<string, string>();
  const seen = new Set<ValueSet>();
  const walk = (v: ValueSet) => {
    if (seen.has(v)) return;
    seen.add(v);
    for (const inc of v.compose?.include ?? []) {
      for (const c of inc.concept ?? [])
        if (c.display !== undefined && !out.has(`${inc.system}|${c.code}`)) out.set(`${inc.system}|${c.code}`, c.display);
      for (const url of inc.valueSet ?? []) {
        const imported = source.valueSet(url.split('|')[0]);
        if (imported) walk(imported);
      }
    }
  };
  walk(vs);
  const contains = (list: ValueSetExpansionContains[]) => {
    for (const c of list) {
      if (c.display !== undefined && !out.has(`expansion ${c.system}|${c.code}`)) out.set(`expansion ${c.system}|${c.code}`, c.display);
      contains(c.contains ?? []);
    }
  };
  contains(vs.expansion?.contains ?? []);
  return out;
}
