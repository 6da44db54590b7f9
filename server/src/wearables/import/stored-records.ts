// Conditional creates in bulk: a batch's Observations already stored for the patient are found with one lookup
// (repository storedIdentifiers, instead of a lock and a search per entry, which held imports to about a hundred
// Observations a second), dropped from the transaction and counted as unchanged; the rest become plain creates.
// The caller holds the patient's import lock (in the same database transaction, or commitImport for a whole
// import), so no other import or sync can store the same records between this lookup and the commit.
import type { Bundle, BundleEntry, Observation } from 'fhir/r4.js';
import type { FhirContext } from '../../fhir/fhir-context.js';

/** Values the `system|value` key (and the search syntax of ifNoneExist) could misread keep their per-entry ifNoneExist. */
const PLAIN_VALUE = /^[^,|$\\]+$/;

export const importLockKey = (patientId: string) => `wearable-import:Patient/${patientId}`;

/** The record's `system|value` when the bulk lookup can take it; else undefined (it keeps its ifNoneExist). */
export function identifierKey(o: Observation): string | undefined {
  const id = o.identifier?.[0];
  return id?.system && id.value && PLAIN_VALUE.test(id.value) && PLAIN_VALUE.test(id.system) ? `${id.system}|${id.value}` : undefined;
}

/** The bulk lookup's key of each Observation entry that has one (identifierKey). */
export function recordKeys(entries: readonly BundleEntry[]): Map<BundleEntry, string> {
  const keys = new Map<BundleEntry, string>();
  for (const e of entries) {
    const k = e.resource?.resourceType === 'Observation' ? identifierKey(e.resource) : undefined;
    if (k !== undefined) keys.set(e, k);
  }
  return keys;
}

/**
 * `pending`: identifiers that other transactions of the same import are storing right now (not yet visible here).
 * `keys`: the bundle's recordKeys, when the caller has them already.
 */
export async function withoutStored(
  bundle: Bundle,
  ctx: FhirContext,
  patientId: string,
  pending: ReadonlySet<string> = new Set(),
  keys = recordKeys(bundle.entry ?? []),
): Promise<{ bundle: Bundle; unchanged: BundleEntry[] }> {
  const entries = bundle.entry ?? [];
  if (keys.size === 0) return { bundle, unchanged: [] };
  // The values to look up, by system (a key's system holds no '|': identifierKey).
  const bySystem = new Map<string, Set<string>>();
  for (const [e, k] of keys) {
    if (pending.has(k)) continue;
    const { system, value } = (e.resource as Observation).identifier![0] as { system: string; value: string };
    const values = bySystem.get(system);
    if (values) values.add(value);
    else bySystem.set(system, new Set([value]));
  }
  const stored = new Set<string>(pending);
  for (const [system, values] of bySystem) {
    for (const v of await ctx.repo.storedIdentifiers('Observation', 'subject', { type: 'Patient', id: patientId }, system, [...values]))
      stored.add(`${system}|${v}`);
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
