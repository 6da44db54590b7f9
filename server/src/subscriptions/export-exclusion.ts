// Bulk Data exports under a token leave Subscriptions out. A Subscription is visible only to the user who created
// it (visibility.ts), and an export would hand every user's, criteria and channel headers (the receivers' secrets)
// included, to any token that may read the type: `_type=Subscription` is 403, and an export of every type skips it.
// https://hl7.org/fhir/uv/bulkdata/export.html#bulk-data-kick-off-request
import { forbidden } from '../auth/resource-server/outcomes.js';
import type { ExportAccessFor } from '../bulk/export-spec.js';

const TYPE = 'Subscription';
const WHY = 'Subscriptions are not exported: each is visible only to the user who created it (read or search them instead)';

export function withoutSubscriptions(accessFor: ExportAccessFor): ExportAccessFor {
  return (access) => {
    const inner = accessFor(access);
    return {
      refusal: (type) => (type === TYPE ? WHY : inner.refusal(type)),
      check: (type) => {
        if (type === TYPE) throw forbidden(WHY);
        inner.check(type);
      },
      unrestricted: (type) => type !== TYPE && inner.unrestricted(type),
      keep: (resources) => inner.keep(resources.filter((r) => r.resourceType !== TYPE)),
    };
  };
}
