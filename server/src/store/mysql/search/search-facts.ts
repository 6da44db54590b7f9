// What the SQL builder may assume about the stored index, derived once from the R4 definitions.
import { derivedParams } from '../../../definitions/derived-params.js';
import type { Definitions } from '../../../definitions/r4-definitions.js';
import { splitUnion } from '../../../definitions/search-expression.js';
import { patientCompartmentInfo } from '../../../fhir-values/patient-compartment.js';
import type { SearchContext } from './param-sql.js';

const PLAIN_PATH = /^[A-Z][A-Za-z]+(\.[a-z][A-Za-z0-9]*)+$/;

export function searchFacts(defs: Definitions): Pick<SearchContext, 'compartments' | 'singleValued' | 'derived'> {
  const memo = new Map<string, boolean>();
  let revision = defs.revision?.();
  return {
    compartments: patientCompartmentInfo(defs),
    derived: derivedParams(defs),
    singleValued: (type, code) => {
      if (defs.revision && defs.revision() !== revision) {
        memo.clear();
        revision = defs.revision();
      }
      const key = `${type} ${code}`;
      let v = memo.get(key);
      if (v === undefined) memo.set(key, (v = isSingleValued(defs, type, code)));
      return v;
    },
  };
}

/**
 * A date parameter whose expression is one path of elements that each occur at most once (Observation.effective)
 * gives a resource at most one date row per compartment copy: every copy holds the same values.
 */
function isSingleValued(defs: Definitions, type: string, code: string): boolean {
  const def = defs.searchParams(type).get(code);
  if (def?.type !== 'date' || !def.expression) return false;
  const parts = splitUnion(def.expression);
  if (parts.length !== 1 || !PLAIN_PATH.test(parts[0])) return false;
  const elements = defs.structureDefinition(type)?.snapshot?.element ?? [];
  const segments = parts[0].split('.');
  if (segments[0] !== type) return false;
  for (let i = 2; i <= segments.length; i++) {
    const path = segments.slice(0, i).join('.');
    const element = elements.find((e) => e.path === path || e.path === `${path}[x]`);
    if (!element || element.max !== '1') return false;
  }
  return true;
}
