// Conditional creates in bulk: a batch's Observations already stored for the patient are found with one
// search (instead of a lock and a search per entry, which held imports to about a hundred Observations a
// second), dropped from the transaction and counted as unchanged; the rest become plain creates. The caller
// holds the patient's import lock in the same database transaction, so no other import or sync can store
// the same records between this search and the commit.
import type { Bundle, BundleEntry, Observation } from 'fhir/r4.js';
import { parseSearch } from '../../../search/parse-search.js';
import type { FhirContext } from '../../fhir-context.js';

/** Values the search syntax could misread (FHIR escapes `,` `|` `$` with a backslash) keep their per-entry ifNoneExist. */
const PLAIN_VALUE = /^[^,|$\\]+$/;

export const importLockKey = (patientId: string) => `wearable-import:Patient/${patientId}`;

export async function withoutStored(bundle: Bundle, ctx: FhirContext, patientId: string): Promise<{ bundle: Bundle; unchanged: BundleEntry[] }> {
  const entries = bundle.entry ?? [];
  const key = (o: Observation) => {
    const id = o.identifier?.[0];
    return id?.system && id.value && PLAIN_VALUE.test(id.value) && PLAIN_VALUE.test(id.system) ? `${id.system}|${id.value}` : undefined;
  };
  const keys = new Map<BundleEntry, string>();
  for (const e of entries) {
    const k = e.resource?.resourceType === 'Observation' ? key(e.resource as Observation) : undefined;
    if (k !== undefined) keys.set(e, k);
  }
  if (keys.size === 0) return { bundle, unchanged: [] };
  const params = new URLSearchParams();
  params.set('identifier', [...keys.values()].join(','));
  params.set('subject', `Patient/${patientId}`);
  const request = parseSearch('Observation', params, ctx.defs);
  Object.assign(request, { count: keys.size + 1, include: [], revinclude: [], total: 'none', cursor: undefined });
  const stored = new Set<string>();
  for (const o of (await ctx.repo.search(request)).items as Observation[]) {
    for (const id of o.identifier ?? []) stored.add(`${id.system}|${id.value}`);
  }
  const unchanged: BundleEntry[] = [];
  const kept: BundleEntry[] = [];
  for (const e of entries) {
    const k = keys.get(e);
    if (k === undefined) kept.push(e);
    else if (stored.has(k)) unchanged.push(e);
    else kept.push({ ...e, request: { method: 'POST', url: 'Observation' } });
  }
  return { bundle: { ...bundle, entry: kept }, unchanged };
}
