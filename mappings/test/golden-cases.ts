// The golden cases: each fixture input with the options it is mapped with. The expected output of each is
// written out in mappings/test-fixtures/golden/<name>.json (regenerate with `tsx mappings/test/update-golden.ts`
// after checking the difference by eye).
import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mapAppleHealthXml, mapAppleHealthZip, mapFitbit, mapGoogleFit, type MappedBatch, type MappingOptions } from '../src/index.js';

export const FIXTURES = fileURLToPath(new URL('../test-fixtures/', import.meta.url));
export const GOLDEN = `${FIXTURES}golden/`;

export interface GoldenCase {
  name: string;
  input: string;
  run: () => Promise<MappedBatch>;
}

const patientReference = 'Patient/example';
const json = (path: string): unknown => JSON.parse(readFileSync(`${FIXTURES}${path}`, 'utf8'));
const name = (path: string) => path.split('/').pop()!;

/** All batches of a stream as one, the way they would be imported one after the other. */
export async function collect(batches: AsyncIterable<MappedBatch>): Promise<MappedBatch> {
  const all: MappedBatch = { observations: [], devices: [], skipped: [] };
  for await (const b of batches) {
    all.observations.push(...b.observations);
    all.devices.push(...b.devices);
    all.skipped.push(...b.skipped);
  }
  return all;
}

const fitbit = (input: string, opts: Partial<MappingOptions>): GoldenCase => ({
  name: `fitbit-${name(input).replace(/\.json$/, '')}`,
  input,
  run: () => Promise.resolve(mapFitbit(json(input), { patientReference, fileName: name(input), ...opts })),
});
const googleFit = (input: string, opts: Partial<MappingOptions> = {}): GoldenCase => ({
  name: `google-fit-${name(input).replace(/\.json$/, '')}`,
  input,
  run: () => Promise.resolve(mapGoogleFit(json(input), { patientReference, fileName: name(input), ...opts })),
});
const apple = (input: string): GoldenCase => ({
  name: `apple-${name(input).replace(/\.(xml|zip)$/, '')}`,
  input,
  // A small batch size so that the cases cross batch boundaries.
  run: () =>
    collect(
      input.endsWith('.zip')
        ? mapAppleHealthZip(`${FIXTURES}${input}`, { patientReference, batchSize: 4 })
        : mapAppleHealthXml(createReadStream(`${FIXTURES}${input}`, { highWaterMark: 512 }), {
            patientReference,
            fileName: name(input),
            batchSize: 4,
          }),
    ),
});

const berlin = { timeZone: 'Europe/Berlin' };
export const goldenCases: GoldenCase[] = [
  fitbit('fitbit/activities-heart-1d-1m-intraday.json', { timeZone: 'America/New_York' }),
  fitbit('fitbit/heart-resting-current.json', berlin),
  fitbit('fitbit/heart-intraday-dst-spring.json', berlin),
  fitbit('fitbit/activities-steps-timeseries.json', { utcOffset: '-07:00' }),
  fitbit('fitbit/activities-steps-1d-1m-intraday.json', { timeZone: 'America/Los_Angeles' }),
  fitbit('fitbit/steps-intraday-dst-autumn.json', berlin),
  fitbit('fitbit/sleep-date.json', { timeZone: 'America/Los_Angeles' }),
  fitbit('fitbit/sleep-date-range.json', { utcOffset: '-08:00' }),
  fitbit('fitbit/sleep-date-empty-sleep-list.json', berlin),
  fitbit('fitbit/sleep-stages-dst.json', berlin),
  fitbit('fitbit/hrv-daily.json', berlin),
  fitbit('fitbit/hrv-intraday.json', berlin),
  fitbit('fitbit/spo2-summary.json', berlin),
  fitbit('fitbit/spo2-range.json', berlin),
  fitbit('fitbit/spo2-intraday.json', berlin),
  fitbit('fitbit/activities-date-multiple-in-activities-list.json', { timeZone: 'America/New_York' }),
  fitbit('fitbit/activity-summary-2026-05-04.json', berlin),
  fitbit('fitbit/breathing-rate-range.json', berlin),
  fitbit('fitbit/breathing-rate-intraday.json', berlin),
  fitbit('fitbit/body-log-weight.json', { timeZone: 'America/Los_Angeles' }),
  fitbit('fitbit/weight-aria-lb.json', { ...berlin, weightUnit: 'lb', device: { model: 'Charge 6', name: 'Charge 6' } }),
  googleFit('google-fit/merge-heart-rate.json'),
  googleFit('google-fit/merge-step-deltas.json', { timeZone: 'America/Los_Angeles' }),
  googleFit('google-fit/merge-activity-segments.json'),
  googleFit('google-fit/merge-activity-segments-only-sleep.json'),
  googleFit('google-fit/aggregate-sleep-segments.json', berlin),
  googleFit('google-fit/aggregate-heart-rate-steps.json', berlin),
  apple('apple/tdda-export6s3sample.xml'),
  apple('apple/ahcd-test-data-export.xml'),
  apple('apple/ios16-stages-dst.xml'),
  apple('apple/ios16-export.zip'),
];

export const serialize = (batch: MappedBatch): string => `${JSON.stringify(batch, null, 2)}\n`;
