// The wearable services one app holds (configuration, import jobs, Fitbit sync); the wearable operations reach
// them through wearable-port.ts, the CLI and tests through the app's context (wearablesOf).
import type { Pool } from 'mysql2/promise';
import { AuditLog, type AuditRecorder } from '../audit/audit-log.js';
import { notSupported } from '../core/outcomes.js';
import { FITBIT_NOT_CONFIGURED } from '../fhir/operations/import-wearable/wearable-port.js';
import type { NamedLocks } from '../store/mysql/named-locks.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import type { ImportRunOptions } from './import/run-import.js';
import type { WriteChecks } from '../fhir/write-problems.js';
import { ImportJobs } from './jobs/import-jobs.js';
import { JobStore } from './jobs/job-store.js';
import { FitbitStore } from './fitbit/fitbit-store.js';
import { sweepSpool } from './spool-sweep.js';
import type { FitbitConfig, WearablesConfig } from './wearables-config.js';

export interface FitbitServices {
  config: FitbitConfig;
  store: FitbitStore;
  /** Where Fitbit sends the browser back: FITBIT_REDIRECT_URI or BASE_URL/wearables/fitbit/callback. */
  redirectUri: string;
}

export interface WearableServices {
  /**
   * The app's own context, which imports write through once the operation is authorized: a patient-scoped
   * token may not create the shared Device records the Observations point at (they reference no patient),
   * and a job outlives its request. Observations always have the operation's patient as subject.
   */
  ctx: FhirContext;
  config: WearablesConfig;
  pool: Pool;
  jobs: JobStore;
  runner: ImportJobs;
  /** How every import runs: the spool, the batch size and where its first pass validates. */
  importOptions: Omit<ImportRunOptions, 'onProgress' | 'signal'>;
  /** Absent when Fitbit is not configured. */
  fitbit?: FitbitServices;
  /** Where linking and unlinking a Fitbit account is audited, in every AUTH_MODE (AuditEvents stored through the repository). */
  linkAudit: AuditRecorder;
  close(): Promise<void>;
}

// Keyed by the context, its repository and its validate function: the resource server runs each request in
// a copy of the context with an authorizing repository ({ ...ctx, repo }), which keeps the app's validate.
const SERVICES = new WeakMap<object, WearableServices>();

/** `checks`: the write checks of an import's first pass (the validation thread, or the main thread's); closed with the services. */
export function createWearableServices(
  ctx: FhirContext,
  pool: Pool,
  locks: NamedLocks,
  config: WearablesConfig,
  checks: WriteChecks,
): WearableServices {
  const jobs = new JobStore(pool);
  const importOptions = { spoolDir: config.spoolDir, batchSize: config.batchSize, appleLimits: config.appleLimits, checks };
  const runner = new ImportJobs(jobs, ctx, importOptions);
  const fitbit = config.fitbit && {
    config: config.fitbit,
    store: new FitbitStore(pool, locks, config.fitbit.tokenKey),
    redirectUri: config.fitbit.redirectUri ?? `${ctx.baseUrl.replace(/\/fhir$/, '')}/wearables/fitbit/callback`,
  };
  const linkAudit = new AuditLog(ctx.repo);
  const close = async () => {
    await runner.close();
    await checks.close();
    // Queued AuditEvents are written before the database closes.
    await linkAudit.close();
  };
  const services: WearableServices = { ctx, config, pool, jobs, runner, importOptions, fitbit, linkAudit, close };
  // Leftovers of a crashed process; nothing waits for this.
  void sweepSpool(config.spoolDir).catch(() => undefined);
  SERVICES.set(ctx, services);
  SERVICES.set(ctx.repo, services);
  SERVICES.set(ctx.validate, services);
  return services;
}

export function wearablesOf(ctx: FhirContext): WearableServices {
  const services = SERVICES.get(ctx) ?? SERVICES.get(ctx.repo) ?? SERVICES.get(ctx.validate);
  if (!services) throw notSupported('Wearable import is not available here (not inside a Bundle)');
  return services;
}

export function fitbitOf(services: WearableServices): FitbitServices {
  if (!services.fitbit) throw notSupported(FITBIT_NOT_CONFIGURED);
  return services.fitbit;
}
