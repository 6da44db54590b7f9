// A mapped batch as the transaction that stores it for one patient. Record identifiers come from the
// source (a HealthKit UUID, a Fitbit logId), so the same export imported for two patients carries the same
// identifiers: each Observation's ifNoneExist is narrowed to its patient so one never matches the other's.
import type { Bundle } from 'fhir/r4.js';
import { toTransactionBundle, type MappedBatch } from '../../../../mappings/src/index.js';

export function patientBundle(batch: MappedBatch, patientId: string): Bundle {
  const bundle = toTransactionBundle(batch);
  for (const entry of bundle.entry ?? []) {
    if (entry.resource?.resourceType === 'Observation' && entry.request?.ifNoneExist) {
      entry.request.ifNoneExist += `&subject=Patient/${patientId}`;
    }
  }
  return bundle;
}
