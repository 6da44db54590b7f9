// At start: the FibroTrack conformance resources go into the validator's registry (done by app.ts before the
// validator exists) and into the FHIR store; problems are reported, never fatal.
import type { ImplementationGuide } from 'fhir/r4.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import type { ConformanceFiles } from './conformance-files.js';
import { seedConformance } from './seed-conformance.js';

export interface StartLog {
  warn(message: string): void;
}

export function implementationGuideUrls(files: ConformanceFiles): string[] {
  return files.resources.filter((r): r is ImplementationGuide => r.resourceType === 'ImplementationGuide').map((ig) => ig.url);
}

export async function storeConformance(ctx: FhirContext, files: ConformanceFiles, log: StartLog): Promise<void> {
  for (const skipped of files.skipped) log.warn(`conformance: skipped ${skipped}`);
  const result = await seedConformance(ctx, files.resources);
  for (const failed of result.failed) log.warn(`conformance: could not store ${failed}`);
}
