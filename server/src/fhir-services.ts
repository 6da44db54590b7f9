// buildFhirServices(config): the FHIR layer without HTTP or authorization. Opens and migrates the database, loads
// the R4 definitions and the FibroTrack profiles, and wires storage, validation, terminology, the wearable
// services and Bulk Data export, whose operations it registers into the route table. The server (app.ts) adds HTTP and SMART on top; the CLI's import, load and sync run on this alone, so
// that a gigabyte import does not also hold express, oidc-provider and a Redis client.
import type { Pool } from 'mysql2/promise';
import { loadR4Definitions, type Definitions } from './definitions/r4-definitions.js';
import type { FhirContext } from './fhir/fhir-context.js';
import type { FhirRepository } from './store/repository.js';
import { createResourceIndexer, type ResourceIndexer } from './indexing/resource-indexer.js';
import { RuntimeDefinitions } from './definitions/runtime-params.js';
import { ReindexRunner } from './reindex/reindex-runner.js';
import { SearchParamService } from './reindex/search-param-service.js';
import { watchSearchParams } from './reindex/watch-search-params.js';
import { ReindexStore } from './store/mysql/reindex-store.js';
import { searchFacts } from './store/mysql/search/search-facts.js';
import { connectionOptions, createPool, openPool, poolOptions, writeCapabilities } from './store/mysql/connect.js';
import { NamedLocks } from './store/mysql/named-locks.js';
import { PkAllocator } from './store/mysql/pk-allocator.js';
import { migrate } from './store/mysql/migrate.js';
import { MysqlRepository } from './store/mysql/mysql-repository.js';
import { ReadReplicas } from './store/mysql/read-replicas.js';
import { buildWriteValidation, type WriteValidationSource } from './validation/write-validation.js';
import { readConformanceFiles, type ConformanceFiles } from './conformance/conformance-files.js';
import { implementationGuideUrls, storeConformance } from './conformance/load-conformance.js';
import { createTerminology } from './terminology/terminology.js';
import { createWearableServices, startValidationThread, wearablePort, type WearableServices } from './wearables/index.js';
import { FhirRouter } from './fhir/router.js';
import { FHIR_ROUTES } from './fhir/routes.js';
import { wearableRoutes } from './fhir/operations/wearable-routes.js';
import { inlineWriteChecks } from './fhir/write-problems.js';
import type { Config } from './config.js';
import { openBlobStore } from './blob/open-blob-store.js';
import { BinaryContent } from './binary/binary-content.js';
import { BinaryRepository } from './binary/binary-repository.js';
import { ExportStore } from './store/mysql/export-store.js';
import { ExportRunner } from './bulk/export-runner.js';
import { ExportService } from './bulk/export-service.js';
import { exportRoutes } from './bulk/export-routes.js';
import { createSubscriptions, type SubscriptionServices } from './subscriptions/subscriptions.js';
import { topicsFrom } from './subscriptions/topics.js';

export interface FhirServices {
  ctx: FhirContext;
  pool: Pool;
  indexer: ResourceIndexer;
  /** Public FHIR base URL (`${BASE_URL}/fhir`). */
  fhirBase: string;
  /** The FibroTrack profiles, value sets and package (profiles/generated): validated against, stored, served. */
  conformance: ConformanceFiles;
  wearables: WearableServices;
  /** The stored resources without the Binary content layer: what the access policy of exports judges. */
  storage: FhirRepository;
  /** Bulk Data $export jobs (app.ts gives them the access policy). */
  bulk: ExportService;
  /** FHIR Subscriptions: every write records its events (outbox); `serve` starts the delivery loop. */
  subscriptions: SubscriptionServices;
  /** DATABASE_READ_URLS: the read replicas searches and reads of read-only requests go to. */
  replicas?: ReadReplicas;
  /** Stops the wearable jobs and closes the database. */
  close: () => Promise<void>;
}

let definitions: Definitions | undefined;

/** The base definitions are immutable and take half a second to load: one copy per process. */
export function r4Definitions(): Definitions {
  return (definitions ??= loadR4Definitions());
}

export interface FhirServicesOptions {
  /** Whether imports validate in a worker thread when WEARABLE_VALIDATION_THREAD does not say (`serve`: yes). */
  validationThreadByDefault?: boolean;
}

export async function buildFhirServices(config: Config, options: FhirServicesOptions = {}): Promise<FhirServices> {
  // The base R4 definitions are shared by the process; the runtime search parameters are this server's.
  const defs = new RuntimeDefinitions(r4Definitions());
  const limits = { connectTimeoutMs: config.dbConnectTimeoutMs, acquireTimeoutMs: config.dbPoolAcquireTimeoutMs };
  const pool = await openPool(config.databaseUrl, config.dbPoolSize, limits);
  // Refused (a primary without GTIDs) before anything else holds a connection.
  const replicas =
    config.databaseReadUrls.length === 0
      ? undefined
      : await ReadReplicas.open(config.databaseReadUrls, config.databaseUrl, pool, {
          poolSize: config.dbPoolSize,
          limits,
          waitMs: config.databaseReadWaitMs,
        }).catch(async (err: unknown) => {
          await pool.end();
          throw err;
        });
  await migrate(pool);
  const fhirBase = `${config.baseUrl}/fhir`;
  const indexer = createResourceIndexer(defs, fhirBase);
  const pkAllocator = await PkAllocator.open(poolOptions(config.databaseUrl, 1, limits));
  const facts = searchFacts(defs);
  // Locks held across transactions live on a session of their own, outside the pool (named-locks.ts).
  const locks = new NamedLocks(connectionOptions(config.databaseUrl, limits));
  const capabilities = await writeCapabilities(pool);
  const stored = new MysqlRepository(
    pool,
    indexer,
    () => ({ baseUrl: fhirBase, now: Date.now(), ...facts }),
    pkAllocator,
    capabilities,
    locks,
  );
  if (replicas) stored.readFrom(replicas);
  stored.useStatsRollup(config.statsRollup);
  const reindexStore = new ReindexStore(pool, indexer, capabilities);
  const runner = new ReindexRunner(reindexStore, (msg) => console.warn(msg));
  const searchParams = new SearchParamService(defs, reindexStore, runner, config.searchParamPollMs);
  const blob = openBlobStore(config.bulk.blob);
  const binary = new BinaryContent(blob, config.binary);
  const storage = watchSearchParams(stored, searchParams);
  const repo = new BinaryRepository(storage, binary);
  const conformance = readConformanceFiles(config.profilesDir);
  const validation: WriteValidationSource = {
    conformance: conformance.resources,
    requireProfiles: config.requireProfiles,
    implementationGuides: implementationGuideUrls(conformance),
  };
  const writeValidation = buildWriteValidation(defs, validation);
  const { profiles } = writeValidation;
  const validate = writeValidation.validate.bind(writeValidation);
  const terminology = createTerminology(repo, defs, fhirBase);
  const router = new FhirRouter(FHIR_ROUTES);
  const ctx: FhirContext = { repo, defs, baseUrl: fhirBase, router, validate, terminology, profiles, searchParams, binary };
  const inline = inlineWriteChecks(ctx);
  // It loads while the rest starts; the server takes requests once it can validate imports off the main thread.
  const thread =
    (config.wearables.validationThread ?? options.validationThreadByDefault ?? false)
      ? startValidationThread({ source: validation, warmUp: conformance.examples }, inline)
      : undefined;
  await storeConformance(ctx, conformance, { warn: (msg) => console.warn(msg) });
  await searchParams.loadAtStart();
  const subscriptions = createSubscriptions({
    pool,
    // Background delivery never queues behind requests for a connection (nor they behind it); opened on first use.
    deliveryPool: createPool(config.databaseUrl, config.subscriptions.dbPoolSize, limits),
    stored,
    ctx,
    indexer,
    config: config.subscriptions,
    topics: topicsFrom(conformance.examples),
  });
  const wearables = createWearableServices(ctx, pool, locks, config.wearables, thread ?? inline);
  // Features register their operations into the route table: fhir/ imports none of them.
  router.register(wearableRoutes(wearablePort(wearables)));
  router.register(subscriptions.routes);
  const exportStore = new ExportStore(pool);
  if (replicas) exportStore.readFrom(replicas);
  const exportRunner = new ExportRunner({
    store: exportStore,
    repo: storage,
    binary,
    codes: terminology,
    defs,
    indexer,
    blob,
    config: config.bulk,
    log: (msg) => console.warn(msg),
    ...(replicas ? { snapshotReads: <T>(walk: () => Promise<T>) => replicas.readingFromNow(walk) } : {}),
  });
  const bulk = new ExportService(exportStore, exportRunner, blob, config.bulk);
  router.register(exportRoutes(bulk));
  await thread?.ready;
  const close = async () => {
    await exportRunner.close();
    await subscriptions.loop.close();
    await wearables.close();
    searchParams.stop();
    await runner.close();
    await repo.close();
    await replicas?.close();
  };
  return { ctx, pool, indexer, fhirBase, conformance, storage, wearables, bulk, subscriptions, ...(replicas ? { replicas } : {}), close };
}
