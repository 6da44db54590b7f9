// fibrotrack sync fitbit --patient <id> [--tz zone] [--until yyyy-MM-dd]: the incremental pull $sync-fitbit
// runs, from the command line (e.g. a nightly cron job). Exit 0 when complete, 3 when Fitbit's rate limit
// cut it short (run it again after the time printed), 1 on errors, 2 on usage errors.
import { IANAZone } from 'luxon';
import { buildFhirServices } from '../fhir-services.js';
import type { Config } from '../config.js';
import { OutcomeError } from '../core/outcomes.js';
import { requirePatient } from '../fhir/operations/require-patient.js';
import { fitbitOf, parseOptions, syncFitbit, wearablesOf } from '../wearables/index.js';

const USAGE = 'Usage: fibrotrack sync fitbit --patient <id> [--tz <IANA zone>] [--until yyyy-MM-dd]';

export async function syncCommand(config: Config, args: string[]): Promise<number> {
  const [vendor, ...rest] = args;
  const opts = parseOptions(rest, ['patient', 'tz', 'until'], []);
  if (vendor !== 'fitbit' || !opts || opts.positional.length > 0 || !opts.values.patient) {
    console.error(USAGE);
    return 2;
  }
  if (opts.values.tz && !IANAZone.isValidZone(opts.values.tz)) {
    console.error(`--tz ${opts.values.tz} is not an IANA time zone\n${USAGE}`);
    return 2;
  }
  const { ctx, close } = await buildFhirServices(config);
  try {
    const services = wearablesOf(ctx);
    const fitbit = fitbitOf(services);
    const patientId = opts.values.patient;
    await requirePatient(ctx, patientId);
    const r = await syncFitbit(
      { patientId, timeZone: opts.values.tz, until: opts.values.until },
      ctx,
      fitbit.store,
      fitbit.config,
      services.config.batchSize,
    );
    const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    const skipped = [...r.summary.skipped.values()].reduce((n, t) => n + t.count, 0);
    console.log(
      `Patient/${patientId}: ${r.requests} Fitbit requests; created ${total(r.summary.created)}, unchanged ${total(r.summary.unchanged)}, skipped ${skipped}`,
    );
    for (const [type, day] of Object.entries(r.syncedThrough)) console.log(`  ${type} synced through ${day}`);
    if (!r.complete) {
      console.error(`Incomplete: ${r.reason}; run again after ${r.resumeAt!.toISOString()}`);
      return 3;
    }
    return 0;
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    console.error(`sync failed: ${err.message}`);
    return 1;
  } finally {
    await close();
  }
}
