// Every write is checked against the R4 schema and base cardinalities before anything is stored.
// https://hl7.org/fhir/R4/http.html#create (400 for resources that fail basic FHIR validation)
import type { Resource } from 'fhir/r4.js';
import { badRequest, invalidResource } from '../core/outcomes.js';
import type { FhirContext } from './fhir-context.js';

export function validateWrite(body: unknown, type: string, ctx: FhirContext): Resource {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(`The request body must be a ${type} resource (a JSON object)`);
  }
  const resourceType = (body as { resourceType?: unknown }).resourceType;
  if (resourceType !== type) {
    throw badRequest(
      `The body's resourceType '${String(resourceType)}' does not match the ${type} endpoint it was sent to`,
      'resourceType',
    );
  }
  const errors = ctx.validate(body, type).filter((i) => i.severity === 'error' || i.severity === 'fatal');
  if (errors.length > 0) throw invalidResource(errors, 400);
  return body as Resource;
}
