// Incremental Fitbit sync for one patient: for each data type, the days after its cursor up to yesterday
// (a day still running would be stored half-counted and, being identified by its date, never corrected),
// in ranges Fitbit accepts, each range mapped and stored in its own transaction before the cursor moves.
import { DateTime } from 'luxon';
import { OutcomeError, badRequest, issue, outcome, unprocessable } from '../../core/outcomes.js';
import type { FhirContext } from '../../fhir/fhir-context.js';
import { storeBundle } from '../import/commit-import.js';
import { countSkip, emptySummary, type ImportSummary } from '../import/import-summary.js';
import { patientBundle } from '../import/patient-bundle.js';
import { mapFitbit } from '../../../../mappings/src/index.js';
import type { FitbitConfig } from '../wearables-config.js';
import { FitbitClient, RateLimited } from './fitbit-client.js';
import type { FitbitStore } from './fitbit-store.js';

/** Data types in sync order, with the longest date range one request may ask for. */
export const FITBIT_TYPES = [
  { type: 'heart', maxDays: 30, path: (a: string, b: string) => `/1/user/-/activities/heart/date/${a}/${b}.json` },
  { type: 'steps', maxDays: 30, path: (a: string, b: string) => `/1/user/-/activities/steps/date/${a}/${b}.json` },
  { type: 'sleep', maxDays: 30, path: (a: string, b: string) => `/1.2/user/-/sleep/date/${a}/${b}.json` },
  { type: 'hrv', maxDays: 30, path: (a: string, b: string) => `/1/user/-/hrv/date/${a}/${b}.json` },
  { type: 'spo2', maxDays: 30, path: (a: string, b: string) => `/1/user/-/spo2/date/${a}/${b}.json` },
  { type: 'weight', maxDays: 31, path: (a: string, b: string) => `/1/user/-/body/log/weight/date/${a}/${b}.json` },
] as const;

export interface SyncRequest {
  patientId: string;
  /** IANA zone of the patient's Fitbit; remembered for later syncs. */
  timeZone?: string;
  /** Last day to sync (yyyy-MM-dd, before today); default yesterday in the patient's zone. */
  until?: string;
}

export interface SyncResult {
  summary: ImportSummary;
  /** Last day synced per data type. */
  syncedThrough: Record<string, string>;
  requests: number;
  complete: boolean;
  resumeAt?: Date;
  reason?: string;
}

export async function syncFitbit(
  req: SyncRequest,
  ctx: FhirContext,
  store: FitbitStore,
  config: FitbitConfig,
  batchSize: number,
): Promise<SyncResult> {
  const unlock = await store.lockSync(req.patientId);
  if (!unlock)
    throw new OutcomeError(
      'conflict',
      outcome(issue({ code: 'conflict', diagnostics: `A Fitbit sync of Patient/${req.patientId} is already running` })),
    );
  try {
    const link = await store.link(req.patientId);
    if (!link) throw unprocessable(`Patient/${req.patientId} has not connected a Fitbit account; connect it with $connect-fitbit first`);
    if (link.blockedUntil && link.blockedUntil.getTime() > Date.now()) throw tooManyRequests(link.blockedUntil);
    const timeZone = req.timeZone ?? link.timeZone;
    if (!timeZone) throw badRequest("The first sync needs the timeZone of the patient's Fitbit (IANA, e.g. Europe/Berlin)", 'timeZone');
    if (req.timeZone && req.timeZone !== link.timeZone) await store.setTimeZone(req.patientId, req.timeZone);
    const until = lastDay(req.until, timeZone);
    const client = new FitbitClient(config, store, link);
    const cursors = await store.cursors(req.patientId);
    const result: SyncResult = {
      summary: emptySummary('fitbit', 'Fitbit Web API'),
      syncedThrough: Object.fromEntries(cursors),
      requests: 0,
      complete: true,
    };
    try {
      for (const t of FITBIT_TYPES) {
        const from = cursors.has(t.type) ? plusDays(cursors.get(t.type)!, 1) : plusDays(until, 1 - config.initialDays);
        for (const [a, b] of ranges(from, until, t.maxDays)) {
          const json = await client.get(t.path(a, b));
          const batch = mapFitbit(json, {
            patientReference: `Patient/${req.patientId}`,
            timeZone,
            bestEffort: true,
            weightUnit: 'lb',
            fileName: `Fitbit ${t.type} ${a}..${b}`,
          });
          for (const s of batch.skipped) countSkip(result.summary, s.reason, s.position, s.count ?? 1);
          for (let i = 0; i < batch.observations.length || i === 0; i += batchSize) {
            const part = { observations: batch.observations.slice(i, i + batchSize), devices: i === 0 ? batch.devices : [], skipped: [] };
            if (part.observations.length + part.devices.length > 0)
              await storeBundle(patientBundle(part, req.patientId), ctx, result.summary, req.patientId);
          }
          await store.advance(req.patientId, t.type, b);
          result.syncedThrough[t.type] = b;
        }
      }
    } catch (err) {
      if (!(err instanceof RateLimited)) throw err;
      if (client.requests === 0) throw tooManyRequests(err.resumeAt);
      Object.assign(result, { complete: false, resumeAt: err.resumeAt, reason: err.message });
    }
    result.requests = client.requests;
    return result;
  } finally {
    await unlock();
  }
}

function lastDay(until: string | undefined, timeZone: string): string {
  const today = DateTime.now().setZone(timeZone).toISODate()!;
  if (until === undefined) return plusDays(today, -1);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(until) || !DateTime.fromISO(until).isValid)
    throw badRequest(`until '${until}' is not a date (yyyy-MM-dd)`, 'until');
  if (until >= today) throw badRequest(`until must be before today (${today} in ${timeZone}): a day still running is not synced`, 'until');
  return until;
}

/** [from, to] cut into ranges of at most maxDays days; none when from is after to. */
export function ranges(from: string, to: string, maxDays: number): [string, string][] {
  const out: [string, string][] = [];
  for (let a = from; a <= to; a = plusDays(a, maxDays)) {
    const b = plusDays(a, maxDays - 1);
    out.push([a, b < to ? b : to]);
  }
  return out;
}

const plusDays = (date: string, days: number) => DateTime.fromISO(date, { zone: 'UTC' }).plus({ days }).toISODate()!;

function tooManyRequests(until: Date): OutcomeError {
  const seconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return new OutcomeError(
    'too-many-requests',
    outcome(
      issue({
        code: 'throttled',
        diagnostics: `Fitbit's request limit for this patient is reached; sync again after ${until.toISOString()}`,
      }),
    ),
    { 'Retry-After': String(seconds) },
  );
}
