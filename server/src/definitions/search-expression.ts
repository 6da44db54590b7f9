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
