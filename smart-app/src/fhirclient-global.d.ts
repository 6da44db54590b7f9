// The `FHIR` global that fhirclient's prebuilt browser bundle (served at /app/vendor/fhir-client.pure.min.js) defines.
declare global {
  const FHIR: typeof import('fhirclient/lib/entry/browser');
}
export {};
