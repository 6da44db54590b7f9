// The access policy (authorize-interaction.ts) as a Bulk Data export applies it to the grant stored with a job:
// a token may export only what it may read. https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-kick-off-request
import type { Resource } from 'fhir/r4.js';
import type { Definitions } from '../../definitions/r4-definitions.js';
import type { ExportAccessFor } from '../../bulk/export-spec.js';
import { AccessPolicy } from './authorize-interaction.js';
import type { ResourceFacts } from './resource-facts.js';

export function exportAccess(facts: ResourceFacts, defs: Definitions): ExportAccessFor {
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
      allows: (resource) => policy.allows('r', resource as Resource),
    };
  };
}
