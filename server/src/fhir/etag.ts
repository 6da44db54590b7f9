// Weak ETags carry the versionId. https://hl7.org/fhir/R4/http.html#versioning
export const etagOf = (versionId: string) => `W/"${versionId}"`;

/** `W/"3"`, `"3"` or `3` -> `3`; undefined for anything else. */
export function versionFromEtag(header: string): string | undefined {
  const m = /^(?:W\/)?"?([^"\s]+)"?$/.exec(header.trim());
  return m ? m[1] : undefined;
}
