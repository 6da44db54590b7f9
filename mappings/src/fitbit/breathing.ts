// Fitbit breathing rate (`br/date/{date}.json`, a range, or the intraday form with a rate per sleep stage): breaths
// per minute while asleep, LOINC 9279-1. https://dev.fitbit.com/build/reference/web-api/breathing-rate/
import type { ObservationComponent } from 'fhir/r4.js';
import { BREATHING_COMPONENTS } from '../codes.js';
import { buildObservation, quantity } from '../observation.js';
import { positive, reading } from '../skips.js';
import { dateOf, isObj, localDay, type FitbitContext, type Json } from './context.js';

const PER_MIN = { unit: 'breaths/minute', code: '/min' };

export function mapBreathing(json: Json, ctx: FitbitContext): void {
  const days = json.br;
  if (!Array.isArray(days)) return ctx.skips.bad('br', 'br is not an array');
  days.forEach((day: unknown, i: number) => {
    const at = `br[${i}]`;
    if (!isObj(day)) return ctx.skips.bad(at, 'not an object');
    const date = dateOf(ctx, `${at}.dateTime`, day.dateTime);
    if (!date) return;
    if (!isObj(day.value)) return ctx.skips.bad(`${at}.value`, 'a breathing rate entry needs value.breathingRate');
    const v = day.value;
    // Summary form: value.breathingRate; intraday form: value.fullSleepSummary.breathingRate with one per stage.
    const full = isObj(v.fullSleepSummary) ? v.fullSleepSummary.breathingRate : v.breathingRate;
    const fullAt = isObj(v.fullSleepSummary) ? `${at}.value.fullSleepSummary.breathingRate` : `${at}.value.breathingRate`;
    const value = positive(ctx.skips, fullAt, full, 'breathing rate');
    const period = localDay(ctx, date);
    if (value === undefined || !period) return;
    const components: ObservationComponent[] = [];
    for (const [key, coding] of Object.entries(BREATHING_COMPONENTS)) {
      const r = isObj(v[key]) ? reading(v[key].breathingRate) : undefined;
      // Fitbit writes 0 or -1 for a stage it could not measure: no reading.
      if (r?.ok && r.value > 0) components.push({ code: { coding: [coding] }, valueQuantity: quantity(r.value, PER_MIN) });
    }
    ctx.out.push(
      buildObservation({
        kind: 'respiratory-rate',
        id: `fitbit:breathing-rate:${date}`,
        patientReference: ctx.opts.patientReference,
        effective: period,
        value,
        components,
        device: ctx.device,
      }),
    );
  });
}
