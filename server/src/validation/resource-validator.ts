// Base validation of any R4 resource: resourceType, id, the JSON schema and the base cardinalities, nested
// resources (contained, Bundle entries, Parameters) included. https://hl7.org/fhir/R4/validation.html
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { isValidId } from '../core/ids.js';
import { issue } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { createCardinalityValidator } from './cardinality-validator.js';
import { createSchemaValidator } from './schema-validator.js';

type Obj = Record<string, unknown>;

export interface ResourceValidator {
  validate(resource: unknown, expectedType?: string): OperationOutcomeIssue[];
}

export function createResourceValidator(defs: Definitions): ResourceValidator {
  const schema = createSchemaValidator();
  const cardinality = createCardinalityValidator(defs);

  const validate = (resource: unknown, expectedType?: string): OperationOutcomeIssue[] => {
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
      return [issue({ code: 'structure', diagnostics: 'A resource must be a JSON object with a resourceType', expression: 'resourceType' })];
    }
    const type = (resource as Obj).resourceType;
    if (typeof type !== 'string' || !defs.isResourceType(type)) {
      const what = typeof type === 'string' ? `'${type}' is not an R4 resource type` : 'resourceType is missing or not a string';
      return [issue({ code: 'structure', diagnostics: `The resource's ${what}`, expression: 'resourceType' })];
    }
    if (expectedType && type !== expectedType) {
      return [issue({ code: 'structure', diagnostics: `Expected a ${expectedType} resource but found a ${type}`, expression: 'resourceType' })];
    }
    const r = resource as Obj;
    const issues: OperationOutcomeIssue[] = [];
    if (typeof r.id === 'string' && !isValidId(r.id)) {
      issues.push(issue({
        code: 'value',
        diagnostics: `${type}.id: '${r.id}' is not a valid id (1 to 64 characters of A-Z, a-z, 0-9, '-' and '.')`,
        expression: `${type}.id`,
      }));
    }
    // The schema reaches nested resources itself (by their own type) and so does the cardinality walk; a required
    // element the schema also lists as `required` comes out of both, hence one issue per location.
    issues.push(...schema(r, type), ...cardinality(r, type));
    return onePerLocation(issues);
  };

  return { validate };
}

function onePerLocation(issues: OperationOutcomeIssue[]): OperationOutcomeIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = i.expression?.[0] ?? '';
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
