// JSON pointer (/name/0/given/1) -> FHIRPath-style location (Patient.name[0].given[1]).
// https://hl7.org/fhir/R4/fhirpath.html and https://www.rfc-editor.org/rfc/rfc6901
export function fhirPathOf(type: string, pointer: string): string {
  let out = type;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    // `_birthDate` holds the extensions of birthDate; FHIRPath reaches them as birthDate.extension.
    out += /^\d+$/.test(seg) ? `[${seg}]` : `.${seg.startsWith('_') ? seg.slice(1) : seg}`;
  }
  return out;
}
