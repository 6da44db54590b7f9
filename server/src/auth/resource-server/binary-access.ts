// R4 Binary security (https://hl7.org/fhir/R4/binary.html#security): a Binary with a securityContext is accessed as
// that resource is: the token needs a scope on Binary for the interaction, and must be able to read the
// securityContext resource (so a patient/ token reaches the Binaries of its own record, and a user/ token those of
// the records it may read). A Binary without one is in no patient's record: patient/ scopes do not reach it
// (authorize-interaction.ts), user/ and system/ scopes as for any type.
import type { Binary, Resource } from 'fhir/r4.js';
import type { Permission } from '../smart-scopes.js';
import type { AccessPolicy } from './authorize-interaction.js';

const LOCAL = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/** The local resource a Binary's securityContext names, or undefined when it has none (or names another server's). */
export function securityContextOf(resource: Resource): { type: string; id: string } | undefined {
  if (resource.resourceType !== 'Binary') return undefined;
  const m = LOCAL.exec((resource as Binary).securityContext?.reference ?? '');
  return m ? { type: m[1], id: m[2] } : undefined;
}

/**
 * Why the token may not perform any of `letters` on the resource, or undefined when it may. `readContext` reads
 * the securityContext resource as stored (undefined when there is none, or it is deleted).
 */
export async function whyNotWithContext(
  policy: AccessPolicy,
  letters: readonly Permission[],
  resource: Resource,
  readContext: (type: string, id: string) => Promise<Resource | undefined>,
  what = '',
): Promise<string | undefined> {
  const context = securityContextOf(resource);
  if (!context) return policy.whyNot(letters, resource, what);
  const ref = `Binary/${resource.id ?? '(new)'}${what ? ` (${what})` : ''}`;
  if (!letters.some((l) => policy.grants('Binary', l))) return policy.whyNot(letters, resource, what);
  const target = await readContext(context.type, context.id);
  if (!target) return `${ref}: its securityContext ${context.type}/${context.id} does not exist here, so no token may reach it but through an unrestricted scope`;
  if (!policy.allows('r', target)) return `${ref}: access to a Binary follows its securityContext ${context.type}/${context.id}, which this token may not read`;
  return undefined;
}
