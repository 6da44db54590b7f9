// The media types of FHIR bodies and answers (https://hl7.org/fhir/R4/http.html#mime-type): what the HTTP layer
// negotiates (http/content-type.ts), and what tells a Binary's raw content from a FHIR body (router.ts, binary-raw.ts).
export const FHIR_JSON = 'application/fhir+json';
export const JSON_TYPES: ReadonlySet<string> = new Set([FHIR_JSON, 'application/json', 'json', 'text/json']);
export const XML_TYPES: ReadonlySet<string> = new Set(['application/fhir+xml', 'application/xml', 'text/xml', 'xml']);

/** A FHIR format, JSON or XML (`_format` and Accept values). */
export const isFhirFormat = (type: string): boolean => JSON_TYPES.has(type) || XML_TYPES.has(type);

export const isJsonBody = (type: string): boolean =>
  type === FHIR_JSON || type === 'application/json' || type === 'application/json-patch+json';

/** A body the FHIR API reads itself (JSON, JSON Patch, a search form); a Binary create or update in any other is its raw content. */
export const isFhirBody = (type: string): boolean => isJsonBody(type) || type === 'application/x-www-form-urlencoded';
