// Test support (imported by unit tests only). A FhirContext on the in-memory repository (store/memory), for unit tests of the interactions and the router: the
// real definitions, validation (schema, base definitions and the FibroTrack profiles) and terminology, no services.
// Each call gives an empty store; the definitions and validation are built once per process.
import { fileURLToPath } from 'node:url';
import { readConformanceFiles } from '../conformance/conformance-files.js';
import { implementationGuideUrls } from '../conformance/load-conformance.js';
import { loadR4Definitions, type Definitions } from '../definitions/r4-definitions.js';
import { createResourceIndexer, type ResourceIndexer } from '../indexing/resource-indexer.js';
import { MemoryRepository, type MemoryRepositoryOptions } from '../store/memory/memory-repository.js';
import { createTerminology } from '../terminology/terminology.js';
import { buildWriteValidation, type WriteValidation } from '../validation/write-validation.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import { FhirRouter } from '../fhir/router.js';
import { FHIR_ROUTES } from '../fhir/routes.js';

export const TEST_BASE = 'http://test.local/fhir';
const PROFILES_DIR = fileURLToPath(new URL('../../../profiles/generated', import.meta.url));

let shared: { defs: Definitions; indexer: ResourceIndexer; validation: WriteValidation } | undefined;

function sharedParts() {
  if (shared) return shared;
  const defs = loadR4Definitions();
  const conformance = readConformanceFiles(PROFILES_DIR);
  const validation = buildWriteValidation(defs, {
    conformance: conformance.resources,
    requireProfiles: false,
    implementationGuides: implementationGuideUrls(conformance),
  });
  return (shared = { defs, indexer: createResourceIndexer(defs, TEST_BASE), validation });
}

/** A context whose repository starts empty; `overrides` replace parts of it (an authorize hook, a wrapped repository). */
export function memoryContext(
  options: Partial<Omit<MemoryRepositoryOptions, 'indexer' | 'baseUrl'>> = {},
): FhirContext & { repo: MemoryRepository } {
  const { defs, indexer, validation } = sharedParts();
  const repo = new MemoryRepository({ ...options, indexer, baseUrl: TEST_BASE });
  const router = new FhirRouter(FHIR_ROUTES);
  return {
    repo,
    defs,
    baseUrl: TEST_BASE,
    router,
    validate: validation.validate,
    profiles: validation.profiles,
    terminology: createTerminology(repo, defs, TEST_BASE),
  };
}
