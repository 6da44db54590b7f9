// Reads the answer of Patient/$import-wearable (a Parameters) and checks that its counts add up (issue 23): every
// record of the file is an Observation created or unchanged, or skipped; each skip reason counts records.
// https://fhir.fibrotrack.org/OperationDefinition/import-wearable
import assert from 'node:assert/strict';
import type { Parameters } from 'fhir/r4.js';

/** A top-level integer of the answer (`created`, `unchanged`, `skipped`, `requests`...); undefined when absent. */
export const answerCount = (p: Parameters, name: string) => p.parameter?.find((x) => x.name === name)?.valueInteger;

/** Observations created or unchanged (the top-level counts include the Devices they refer to). */
export const observationCount = (p: Parameters, which: 'created' | 'unchanged') =>
  (p.parameter ?? [])
    .find((x) => x.name === 'resourceType' && x.part!.some((y) => y.name === 'type' && y.valueCode === 'Observation'))
    ?.part!.find((y) => y.name === which)!.valueInteger ?? 0;

/** The skip reasons of the answer, each with how many records it skipped. */
export const skipReasons = (p: Parameters) =>
  (p.parameter ?? [])
    .filter((x) => x.name === 'skippedReason')
    .map((x) => ({
      reason: x.part!.find((y) => y.name === 'reason')!.valueString!,
      count: x.part!.find((y) => y.name === 'count')!.valueInteger!,
      firstPosition: x.part!.find((y) => y.name === 'firstPosition')!.valueString!,
    }));

/** created + unchanged + skipped = the records the file holds, and the skip reasons' counts sum to skipped. */
export function assertCountsAddUp(answer: Parameters, records: number): void {
  const skipped = answerCount(answer, 'skipped') ?? 0;
  const total = observationCount(answer, 'created') + observationCount(answer, 'unchanged') + skipped;
  assert.equal(total, records, `created + unchanged + skipped = records seen: ${JSON.stringify(answer)}`);
  assert.equal(
    skipReasons(answer).reduce((n, r) => n + r.count, 0),
    skipped,
    `each skip reason counts records: ${JSON.stringify(answer)}`,
  );
}
