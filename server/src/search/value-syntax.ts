// Checks the values of number, quantity, date and composite criteria when the query is parsed, so that a value
// that can never be searched for (1e309, 2026-02-30) is a 400 naming the parameter as the client wrote it
// (a chain or _has included), before any SQL is built. https://hl7.org/fhir/R4/search.html#ptypes
import type { SearchParamDef, SearchParamType } from '../definitions/r4-definitions.js';
import { dateRangeProblem } from '../fhir-values/date-range.js';
import { numberProblem } from '../fhir-values/number-range.js';
import { splitPrefix } from '../fhir-values/prefix.js';

/** Why `value` cannot be a value of a parameter of this definition, or undefined. */
export function valueProblem(def: SearchParamDef, value: string): string | undefined {
  if (def.type !== 'composite') return typedProblem(def.type, value);
  const parts = value.split('$');
  if (parts.length !== def.components.length) return `takes ${def.components.length} values joined by '$', got '${value}'`;
  for (const [i, part] of parts.entries()) {
    const problem = typedProblem(def.components[i].type, part);
    if (problem) return problem;
  }
  return undefined;
}

function typedProblem(type: SearchParamType | undefined, value: string): string | undefined {
  switch (type) {
    case 'number': return numberProblem(value);
    case 'quantity': return numberProblem(value.split('|')[0]);
    case 'date': return dateRangeProblem(splitPrefix(value).rest);
    default: return undefined;
  }
}
