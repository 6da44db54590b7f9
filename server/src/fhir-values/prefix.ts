// Search prefixes for ordered types. https://hl7.org/fhir/R4/search.html#prefix
export const PREFIXES = ['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap'] as const;
export type Prefix = (typeof PREFIXES)[number];

export function splitPrefix(value: string): { prefix: Prefix; rest: string } {
  const head = value.slice(0, 2);
  if ((PREFIXES as readonly string[]).includes(head) && /^[0-9+\-.]/.test(value.slice(2))) {
    return { prefix: head as Prefix, rest: value.slice(2) };
  }
  return { prefix: 'eq', rest: value };
}
