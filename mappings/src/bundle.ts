// toTransactionBundle: a batch as a FHIR transaction whose entries create nothing that already exists
// (conditional create on the identifier), Devices first so Observations' conditional references resolve.
// https://hl7.org/fhir/R4/http.html#transaction
import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Device, Observation } from 'fhir/r4.js';
import { deviceCriteria } from './device.js';
import { RECORD_ID_SYSTEM } from './codes.js';
import type { MappedBatch } from './types.js';

/** A UUID derived from the entry's criteria: the same batch always gives the same bundle, byte for byte. */
function uuidOf(key: string): string {
  const h = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const entry = (resource: Device | Observation, ifNoneExist: string): BundleEntry => ({
  fullUrl: `urn:uuid:${uuidOf(`${resource.resourceType}?${ifNoneExist}`)}`,
  resource,
  request: { method: 'POST', url: resource.resourceType, ifNoneExist },
});

/** Identifier values are made of URL-safe characters; anything else is escaped so the criteria parse back exactly. */
const escapeValue = (v: string) => v.replace(/[^A-Za-z0-9:._~-]/g, (c) => encodeURIComponent(c));

export function toTransactionBundle(batch: MappedBatch): Bundle {
  const seen = new Set<string>();
  const entries: BundleEntry[] = [];
  const push = (resource: Device | Observation, criteria: string) => {
    // Two entries with the same ifNoneExist would make the server reject the whole transaction.
    if (seen.has(`${resource.resourceType}?${criteria}`)) return;
    seen.add(`${resource.resourceType}?${criteria}`);
    entries.push(entry(resource, criteria));
  };
  for (const d of batch.devices) push(d, deviceCriteria(d));
  for (const o of batch.observations) {
    const id = o.identifier?.find((i) => i.system === RECORD_ID_SYSTEM)?.value ?? '';
    push(o, `identifier=${RECORD_ID_SYSTEM}|${escapeValue(id)}`);
  }
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}
