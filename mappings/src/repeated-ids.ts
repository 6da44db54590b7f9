// Records of one file that map to the same identifier would be stored once, the others lost without a word: the
// first is kept and each later one is reported as skipped (a date range repeating a day, a log listed twice).
import type { Observation } from 'fhir/r4.js';
import type { Skips } from './skips.js';

export function keepFirstOfEachId(out: Observation[], skips: Skips): Observation[] {
  const seen = new Set<string>();
  return out.filter((o) => {
    const id = o.identifier?.[0]?.value ?? '';
    if (!seen.has(id)) return (seen.add(id), true);
    skips.drop(`record ${id}`, 'a second record with the identifier of an earlier one in this file (the first is kept)');
    return false;
  });
}
