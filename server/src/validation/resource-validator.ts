// Base validation of any R4 resource: resourceType, id, the JSON schema and required cardinalities,
// recursively for nested resources. https://hl7.org/fhir/R4/validation.html
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { isValidId } from '../core/ids.js';
import { issue } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { createCardinalityValidator } from './cardinality-validator.js';
import { splitNested } from './nested-resources.js';
import { createSchemaValidator } from './schema-validator.js';

type Obj = Record<string, unknown>;

export interface ResourceValidator {
  validate(resource: unknown, expectedType?: string): OperationOutcomeIssue[];
  /** Compiles every type's schema validator now (seconds), so that no request pays for it. */
  warmUp(): void;
}

export function createResourceValidator(defs: Definitions): ResourceValidator {
  const schema = createSchemaValidator();
  const cardinality = createCardinalityValidator(defs);

  const validateAt = (resource: unknown, at: string | undefined, expectedType?: string): OperationOutcomeIssue[] => {
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
      return [issue({ code: 'structure', diagnostics: `${at ?? 'The resource'} must be a JSON object`, expression: at ?? 'resourceType' })];
    }
    const r = resource as Obj;
    const type = r.resourceType;
    if (typeof type !== 'string' || !defs.isResourceType(type)) {
      return [issue({ code: 'structure', diagnostics: `${at ?? 'The resource'}: '${String(type)}' is not an R4 resource type`, expression: at ? `${at}.resourceType` : 'resourceType' })];
    }
    if (expectedType && type !== expectedType) {
      return [issue({ code: 'structure', diagnostics: `Expected a ${expectedType} but got a ${type}`, expression: 'resourceType' })];
    }
    const here = at ?? type;
    const issues: OperationOutcomeIssue[] = [];
    if (r.id !== undefined && (typeof r.id !== 'string' || !isValidId(r.id))) {
      issues.push(issue({ code: 'value', diagnostics: `${here}.id: '${String(r.id)}' is not a valid id (1-64 of A-Z a-z 0-9 - .)`, expression: `${here}.id` }));
    }
    const { outer, nested } = splitNested(r, here);
    const structural = schema(outer, type).map((i) => relocate(i, type, here));
    issues.push(...structural);
    if (structural.length === 0) issues.push(...cardinality(outer, type, here));
    for (const n of nested) issues.push(...validateAt(n.resource, n.at));
    return issues;
  };

  return {
    validate: (resource, expectedType) => validateAt(resource, undefined, expectedType),
    warmUp: () => schema.compile(defs.resourceTypes),
  };
}

/** Issues of a nested resource are reported at its place in the outer one. */
function relocate(i: OperationOutcomeIssue, type: string, at: string): OperationOutcomeIssue {
  if (at === type) return i;
  const move = (s: string) => (s.startsWith(type) ? at + s.slice(type.length) : s);
  return { ...i, diagnostics: i.diagnostics && move(i.diagnostics), expression: i.expression?.map(move) };
}
