// The access policy (authorize-interaction.ts) as a Bulk Data export applies it to the grant stored with a job:
// a token may export only what it may read, a Binary as its securityContext (rule 8b), judged on the stored rows
// before any content is downloaded. https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-kick-off-request
import type { Resource } from 'fhir/r4.js';
import type { FhirRepository } from '../../store/repository.js';
import { contextTargets } from './security-contexts.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import type { ExportAccessFor } from '../../bulk/export-spec.js';
import { AccessPolicy } from './authorize-interaction.js';
import type { ResourceFacts } from './resource-facts.js';

/** `storage`: the stored resources (no Binary content), where securityContexts are read. */
export function exportAccess(facts: ResourceFacts, defs: Definitions, storage: FhirRepository): ExportAccessFor {
  return (access) => {
    const policy = new AccessPolicy(access, facts, defs);
    return {
      refusal(type) {
        try {
          policy.requireLetter(type, ['r']);
          return undefined;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      },
      check: (type) => policy.requireLetter(type, ['r']),
      unrestricted: (type) => policy.unrestricted(type, 'r'),
      async keep(resources) {
        const targets = await contextTargets(resources, storage, defs);
        return resources.filter((r) => policy.allows('r', r as unknown as Resource, { targets }));
      },
    };
  };
}
