// Narrows a SearchParameter expression shared by several bases ("A.x | B.y") to the part for one type.
// https://hl7.org/fhir/R4/searchparameter.html#expression

/** Splits on `|` at parenthesis depth 0, outside string literals. */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const ch = expression[i];
    if (ch === "'" && expression[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === '|' && depth === 0) {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((p) => p.length > 0);
}

function rootOf(part: string): string {
  const m = /^\(*\s*([A-Za-z]+)/.exec(part);
  return m ? m[1] : '';
}

/** The union members of `expression` that apply to `type` (or to every type, for Resource/DomainResource). */
export function expressionFor(expression: string, type: string): string | undefined {
  const kept = splitUnion(expression).filter((p) => {
    const root = rootOf(p);
    return root === type || root === 'Resource' || root === 'DomainResource';
  });
  return kept.length > 0 ? kept.join(' | ') : undefined;
}

// Three rewrites the write path needs (and the search side, to read a parameter's parts as indexed):
// - `x as T` on a collection throws in fhirpath.js; for indexing it means "the T values of x" (ofType).
// - `where(resolve() is T)` would fetch the target (fhirpath.js resolves asynchronously over HTTP); it means
//   "references to a T", which the reference string itself tells, so the filter runs on the results instead.
// - a FHIRPath System type in `as`/`ofType` (`DateTime`) means the FHIR primitive of that name (`dateTime`).
// `value.as(DateTime)` (Observation's code-value-date) names the FHIRPath System type; the element holds the FHIR primitive.
const FHIR_PRIMITIVE = {
  Boolean: 'boolean',
  String: 'string',
  Integer: 'integer',
  Decimal: 'decimal',
  Date: 'date',
  DateTime: 'dateTime',
  Time: 'time',
} as const;

const RESOLVE_IS = /\.where\(resolve\(\)\s+is\s+([A-Za-z]+)\)/g;

export function rewriteForIndexing(part: string): { expression: string; targetTypes: string[] } {
  const targetTypes: string[] = [];
  let expression = part.replace(RESOLVE_IS, (_m, t: string) => {
    targetTypes.push(t);
    return '';
  });
  expression = expression
    .replace(/\(([A-Za-z][\w.]*) as ([A-Za-z]+)\)/g, '$1.ofType($2)')
    .replace(/^([A-Za-z][\w.]*) as ([A-Za-z]+)$/, '$1.ofType($2)')
    .replace(
      /\.(?:as|ofType)\((Boolean|String|Integer|Decimal|Date|DateTime|Time)\)/g,
      (_m, t: keyof typeof FHIR_PRIMITIVE) => `.ofType(${FHIR_PRIMITIVE[t]})`,
    );
  return { expression, targetTypes };
}
