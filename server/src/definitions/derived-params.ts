// Search parameters whose values are exactly those of other parameters of the same resource type, so that
// their index rows would repeat rows already stored. https://hl7.org/fhir/R4/searchparameter.html#expression
// Two shapes occur in R4:
// - a union: Observation `combo-code` is `Observation.code | Observation.component.code`, the expressions of
//   `code` and `component-code` (composites also need the same components: `combo-code-value-quantity` is
//   `code-value-quantity` and `component-code-value-quantity`);
// - a restriction to one target type: Condition `patient` is `Condition.subject.where(resolve() is Patient)`,
//   the `subject` references to a Patient.
// Their rows are not stored; a search on them reads the rows of the parameters they are made of.
import type { Definitions, SearchParamDef } from './r4-definitions.js';
import { splitUnion } from './search-expression.js';

export interface DerivedParam {
  /** The parameters whose rows, together, are this parameter's rows. */
  from: readonly string[];
  /** Reference parameters: only rows whose target is of this type. */
  targetType?: string;
}

const RESTRICTED = /^(.+)\.where\(resolve\(\)\s+is\s+([A-Za-z]+)\)$/;

/** `derived(type, code)`: how the rows of the parameter are found among other parameters' rows, or undefined when it has its own. */
export type DerivedParams = (type: string, code: string) => DerivedParam | undefined;

/** One per definitions: the indexer, the compartments, the search and the migration all ask. */
const PER_DEFINITIONS = new WeakMap<Definitions, DerivedParams>();

export function derivedParams(defs: Definitions): DerivedParams {
  let found = PER_DEFINITIONS.get(defs);
  if (found) return found;
  const byType = new Map<string, ReadonlyMap<string, DerivedParam>>();
  let revision = defs.revision?.();
  found = (type, code) => {
    // Runtime SearchParameters (runtime-params.ts) change the parameters of a type: derive again.
    if (defs.revision && defs.revision() !== revision) {
      byType.clear();
      revision = defs.revision();
    }
    let derived = byType.get(type);
    if (!derived) byType.set(type, (derived = derivedOf([...defs.searchParams(type).values()])));
    return derived.get(code);
  };
  PER_DEFINITIONS.set(defs, found);
  return found;
}

function derivedOf(params: readonly SearchParamDef[]): Map<string, DerivedParam> {
  const parts = new Map(params.filter((p) => p.expression).map((p) => [p, splitUnion(p.expression!)]));
  const derived = new Map<string, DerivedParam>();
  for (const [p, own] of parts) {
    const restricted = own.length === 1 ? RESTRICTED.exec(own[0]) : null;
    if (restricted && p.type === 'reference') {
      const base = [...parts].find(
        ([q, qParts]) => q !== p && q.type === 'reference' && qParts.length === 1 && qParts[0] === restricted[1],
      );
      if (base) derived.set(p.code, { from: [base[0].code], targetType: restricted[2] });
      continue;
    }
    if (own.length < 2) continue;
    // Parameters made only of this one's union members, each member made of one of them.
    const members = new Set(own);
    const subs = [...parts].filter(
      ([q, qParts]) => q !== p && q.type === p.type && sameComponents(p, q) && qParts.every((x) => members.has(x)),
    );
    const covered = new Set(subs.flatMap(([, qParts]) => qParts));
    if (subs.length > 0 && own.every((x) => covered.has(x)) && !subs.some(([q]) => q.expression === p.expression)) {
      derived.set(p.code, { from: subs.map(([q]) => q.code) });
    }
  }
  // Members that are themselves derived are covered by the members they derive from (also members): read those.
  for (const [code, d] of derived) if (!d.targetType) derived.set(code, { from: d.from.filter((f) => !derived.has(f)) });
  return derived;
}

/** Composites: the same component expressions in the same order (their types follow from the expressions). */
function sameComponents(p: SearchParamDef, q: SearchParamDef): boolean {
  if (p.type !== 'composite') return true;
  return p.components.length === q.components.length && p.components.every((c, i) => c.expression === q.components[i].expression);
}
