// Validation of any R4 resource: resourceType, id, the JSON schema (primitives and their formats), the base
// StructureDefinition, and any profiles asked for or claimed in meta.profile, nested resources (contained, Bundle
// entries, Parameters) included. https://hl7.org/fhir/R4/validation.html
import type { OperationOutcomeIssue } from 'fhir/r4.js';
import { isValidId } from '../core/ids.js';
import { issue } from '../core/outcomes.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { createConformanceRegistry, type ConformanceRegistry } from './conformance-registry.js';
import { claimedProfiles, createInstanceWalker } from './instance-walker.js';
import { createSchemaValidator } from './schema-validator.js';

type Obj = Record<string, unknown>;

export interface ValidateOptions {
  /** Profiles (canonical URLs) the resource must meet; an unknown one is an error. */
  profiles?: readonly string[];
  /** Also check the profiles the resource, and resources inside it, claim in meta.profile (unknown ones are reported as information). */
  claimed?: boolean;
  /** Leave out checks that can only warn or inform (bindings that are not required, warning invariants): writes need errors only. */
  errorsOnly?: boolean;
  /**
   * false skips the schema and base definition (when the caller has just run them). 'covered': the schema only, for
   * profiles that cover the base definition (covers-base.ts): their walk runs the core invariants too, and passing
   * it means passing the base definition.
   */
  base?: boolean | 'covered';
}

export interface ResourceValidator {
  validate(resource: unknown, expectedType?: string, options?: ValidateOptions): OperationOutcomeIssue[];
  readonly registry: ConformanceRegistry;
}

export function createResourceValidator(defs: Definitions, registry = createConformanceRegistry(defs)): ResourceValidator {
  const schema = createSchemaValidator();
  const walker = createInstanceWalker(registry);

  const profileIssues = (r: Obj, type: string, options: ValidateOptions, out: OperationOutcomeIssue[]) => {
    const claimed = options.claimed ? claimedProfiles(r) : [];
    const requested = options.profiles ?? [];
    for (const url of new Set([...requested, ...claimed])) {
      const structure = registry.structure(url);
      if (!structure) {
        const asked = requested.includes(url);
        out.push(
          issue({
            severity: asked ? 'error' : 'information',
            code: asked ? 'not-found' : 'informational',
            diagnostics: asked
              ? `Profile ${url} is not known to this server`
              : `${type}.meta.profile: profile ${url} is not known to this server, so it was not checked`,
            expression: asked ? type : `${type}.meta.profile`,
          }),
        );
      } else if (structure.type !== type) {
        out.push(
          issue({ code: 'invalid', diagnostics: `Profile ${url} constrains ${structure.type} resources, not ${type}`, expression: type }),
        );
      } else {
        // Either this call walked the base definition above or the caller did (base: false): its invariants ran.
        // With 'covered' nobody did: the profile's walk runs them.
        walker.walk(structure, r, type, out, options.errorsOnly === true, false, options.base !== 'covered');
      }
    }
  };

  const validate = (resource: unknown, expectedType?: string, options: ValidateOptions = {}): OperationOutcomeIssue[] => {
    if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
      return [
        issue({ code: 'structure', diagnostics: 'A resource must be a JSON object with a resourceType', expression: 'resourceType' }),
      ];
    }
    const type = (resource as Obj).resourceType;
    if (typeof type !== 'string' || !defs.isResourceType(type)) {
      const what = typeof type === 'string' ? `'${type}' is not an R4 resource type` : 'resourceType is missing or not a string';
      return [issue({ code: 'structure', diagnostics: `The resource's ${what}`, expression: 'resourceType' })];
    }
    if (expectedType && type !== expectedType) {
      return [
        issue({ code: 'structure', diagnostics: `Expected a ${expectedType} resource but found a ${type}`, expression: 'resourceType' }),
      ];
    }
    const r = resource as Obj;
    const first: OperationOutcomeIssue[] = [];
    const walked: OperationOutcomeIssue[] = [];
    if (options.base !== false) {
      if (typeof r.id === 'string' && !isValidId(r.id)) {
        first.push(
          issue({
            code: 'value',
            diagnostics: `${type}.id: '${r.id}' is not a valid id (1 to 64 characters of A-Z, a-z, 0-9, '-' and '.')`,
            expression: `${type}.id`,
          }),
        );
      }
      first.push(...schema(r, type));
      if (options.base !== 'covered')
        walker.walk(registry.structure(type)!, r, type, walked, options.errorsOnly === true, options.claimed === true);
    }
    profileIssues(r, type, options, walked);
    const covered = new Set<string>();
    const fromSchema = first.filter((i) => {
      const at = i.expression?.[0] ?? '';
      if (covered.has(at)) return false;
      covered.add(at);
      return true;
    });
    return [...fromSchema, ...distinct(walked, covered)];
  };

  return { validate, registry };
}

/**
 * Issues the schema already raised at a location explain it best; each profile walk repeats the base rules, so of
 * one kind of issue at one place only one is kept. Invariants are told apart by their key.
 */
function distinct(issues: OperationOutcomeIssue[], covered: Set<string>): OperationOutcomeIssue[] {
  const seen = new Set<string>();
  // The last of a kind wins: a profile's message is the more specific (Patient rather than Patient, Group, Device...).
  return [...issues]
    .reverse()
    .filter((i) => {
      const at = i.expression?.[0] ?? '';
      if (covered.has(at)) return false;
      const key = i.code === 'invariant' ? `${i.severity}|${i.diagnostics}` : `${i.severity}|${i.code}|${at}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .reverse();
}

export { claimedProfiles };
