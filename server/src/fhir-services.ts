// buildFhirServices(config): the FHIR layer without HTTP or authorization. Opens and migrates the database, loads
// the R4 definitions and the FibroTrack profiles, and wires storage, validation, terminology and the wearable
// services. The server (app.ts) adds HTTP and SMART on top; the CLI's import, load and sync run on this alone, so
// that a gigabyte import does not also hold express, oidc-provider and a Redis client.
import type { Pool } from 'mysql2/promise';
import { loadR4Definitions, type Definitions } from './definitions/r4-definitions.js';
import type { FhirContext } from './fhir/fhir-context.js';
import { createResourceIndexer, type ResourceIndexer } from './indexing/resource-indexer.js';
import { searchFacts } from './search/search-facts.js';
import { openPool, poolOptions, writeCapabilities } from './store/mysql/connect.js';
import { PkAllocator } from './store/mysql/pk-allocator.js';
import { migrate } from './store/mysql/migrate.js';
import { MysqlRepository } from './store/mysql/mysql-repository.js';
import { createResourceValidator } from './validation/resource-validator.js';
import { createConformanceRegistry } from './validation/conformance-registry.js';
import { createProfileSupport } from './validation/profile-policy.js';
import { readConformanceFiles, type ConformanceFiles } from './conformance/conformance-files.js';
import { implementationGuideUrls, storeConformance } from './conformance/load-conformance.js';
import { createTerminology } from './terminology/terminology.js';
import { createWearableServices, type WearableServices } from './wearables/wearable-services.js';
import type { Config } from './config.js';

export interface FhirServices {
  ctx: FhirContext;
  pool: Pool;
  indexer: ResourceIndexer;
  /** Public FHIR base URL (`${BASE_URL}/fhir`). */
  fhirBase: string;
  /** The FibroTrack profiles, value sets and package (profiles/generated): validated against, stored, served. */
  conformance: ConformanceFiles;
  wearables: WearableServices;
  /** Stops the wearable jobs and closes the database. */
  close(): Promise<void>;
}

let definitions: Definitions | undefined;

/** The base definitions are immutable and take half a second to load: one copy per process. */
export function r4Definitions(): Definitions {
  return (definitions ??= loadR4Definitions());
}

export async function buildFhirServices(config: Config): Promise<FhirServices> {
  const defs = r4Definitions();
  const pool = await openPool(config.databaseUrl, config.dbPoolSize);
  await migrate(pool);
  const fhirBase = `${config.baseUrl}/fhir`;
  const indexer = createResourceIndexer(defs, fhirBase);
  const pkAllocator = await PkAllocator.open(poolOptions(config.databaseUrl, 1));
  const facts = searchFacts(defs);
  const repo = new MysqlRepository(pool, indexer, () => ({ baseUrl: fhirBase, now: Date.now(), ...facts }), pkAllocator, await writeCapabilities(pool));
  const conformance = readConformanceFiles(config.profilesDir);
  const registry = createConformanceRegistry(defs);
  registry.add(conformance.resources);
  const validator = createResourceValidator(defs, registry);
  const terminology = createTerminology(repo, defs, fhirBase);
  const ctx: FhirContext = { repo, defs, baseUrl: fhirBase, validate: (r, t) => validator.validate(r, t, { errorsOnly: true }), terminology };
  ctx.profiles = createProfileSupport(validator, config.requireProfiles, implementationGuideUrls(conformance));
  await storeConformance(ctx, conformance, { warn: (msg) => console.warn(msg) });
  const wearables = createWearableServices(ctx, pool, config.wearables);
  const close = async () => {
    await wearables.close();
    await repo.close();
  };
  return { ctx, pool, indexer, fhirBase, conformance, wearables, close };
}
