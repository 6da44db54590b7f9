// Who may store a resource that fails validation (Prefer: handling=lenient): only a backend service holding an
// unconstrained system/ scope that grants the write. The resource server hands this check to the FHIR layer
// (FhirContext.checkLenientWrite), which calls it for every lenient create and update.
// https://hl7.org/fhir/smart-app-launch/scopes-and-launch-context.html#scopes-for-requesting-fhir-resources
import type { AccessContext } from '../access-context.js';
import { parseClinicalScope } from '../smart-scopes.js';
import { forbidden } from './outcomes.js';

/** Throws 403 unless the token holds system/<type>.<c|u> (or system/*) without constraints. */
export function checkLenientWriteScope(access: AccessContext, type: string, permission: 'c' | 'u'): void {
  const granted = access.scopes
    .map(parseClinicalScope)
    .some(
      (s) =>
        s !== undefined &&
        s.level === 'system' &&
        (s.type === '*' || s.type === type) &&
        s.permissions.has(permission) &&
        s.constraints.length === 0,
    );
  if (!granted) {
    throw forbidden(
      `Prefer: handling=lenient (storing a ${type} that fails validation) is allowed only to backend services ` +
        `holding an unconstrained system/${type}.${permission} (or system/*) scope; this token has none`,
    );
  }
}
