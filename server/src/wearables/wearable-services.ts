// The wearable services one app holds (configuration, import jobs, Fitbit sync), reachable from the
// FHIR operations through the context they are given.
import type { Pool } from 'mysql2/promise';
import { notSupported } from '../core/outcomes.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import { ImportJobs } from './jobs/import-jobs.js';
import { JobStore } from './jobs/job-store.js';
import type { WearablesConfig } from './wearables-config.js';

export interface WearableServices {
  config: WearablesConfig;
  pool: Pool;
  jobs: JobStore;
  runner: ImportJobs;
  close(): Promise<void>;
}

// Keyed by the context and by its repository: a wrapper that copies the context (authorization does)
// still finds the services of the app it belongs to.
const SERVICES = new WeakMap<object, WearableServices>();

export function createWearableServices(ctx: FhirContext, pool: Pool, config: WearablesConfig): WearableServices {
  const jobs = new JobStore(pool);
  const runner = new ImportJobs(jobs, ctx, { spoolDir: config.spoolDir, batchSize: config.batchSize });
  const services: WearableServices = { config, pool, jobs, runner, close: () => runner.close() };
  SERVICES.set(ctx, services);
  SERVICES.set(ctx.repo, services);
  return services;
}

export function wearablesOf(ctx: FhirContext): WearableServices {
  const services = SERVICES.get(ctx) ?? SERVICES.get(ctx.repo);
  if (!services) throw notSupported('Wearable import is not available here (not inside a Bundle)');
  return services;
}
