// JSON pointer (/name/0/given/1) -> FHIRPath-style location (Patient.name[0].given[1]).
export function fhirPathOf(type: string, pointer: string): string {
  let out = type;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : `.${seg}`;
  }
  return out;
}
