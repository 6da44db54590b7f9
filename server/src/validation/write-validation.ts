// The validation a write goes through, built from the R4 definitions and the FibroTrack conformance resources:
// one recipe for the FHIR layer and for the import's validation thread, so that both check alike.
// https://hl7.org/fhir/R4/validation.html
import type { OperationOutcomeIssue, Resource } from 'fhir/r4.js';
import type { Definitions } from '../definitions/r4-definitions.js';
import { vendoredConformance } from './vendored-packages.js';
import { createConformanceRegistry } from './conformance-registry.js';
import { createProfileSupport, type ProfileSupport } from './profile-policy.js';
import { createResourceValidator } from './resource-validator.js';

export interface WriteValidation {
  /** The schema and base definition, errors only (what a write must pass). */
  validate: (resource: unknown, expectedType?: string) => OperationOutcomeIssue[];
  profiles: ProfileSupport;
}

/** What the validation is built from; plain data, so that a worker thread can be given the same. */
export interface WriteValidationSource {
  /** The FibroTrack conformance resources (profiles/generated). */
  conformance: Resource[];
  /** REQUIRE_PROFILES. */
  requireProfiles: boolean;
  /** Canonical URLs of the implementation guides among them. */
  implementationGuides: string[];
}

export function buildWriteValidation(defs: Definitions, source: WriteValidationSource): WriteValidation {
  const registry = createConformanceRegistry(defs);
  registry.add(source.conformance);
  // The IPS profiles (profiles/vendor): $validate against them, and the checks of $summary's documents.
  registry.add(vendoredConformance());
  const validator = createResourceValidator(defs, registry);
  return {
    validate: (r, t) => validator.validate(r, t, { errorsOnly: true }),
    profiles: createProfileSupport(validator, source.requireProfiles, source.implementationGuides),
  };
}
