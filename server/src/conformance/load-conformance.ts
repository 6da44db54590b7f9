// At start: the FibroTrack conformance resources go into the validator's registry (done by app.ts before the
// validator exists) and into the FHIR store; problems are reported, never fatal.
import type { ImplementationGuide, ImplementationGuideDefinitionResource, Resource } from 'fhir/r4.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import { CONFORMANCE_TYPES, type ConformanceFiles } from './conformance-files.js';
import { seedConformance } from './seed-conformance.js';

export interface StartLog {
  warn(message: string): void;
}

export function implementationGuideUrls(files: ConformanceFiles): string[] {
  return files.resources.filter((r): r is ImplementationGuide => r.resourceType === 'ImplementationGuide').map((ig) => ig.url);
}

/**
 * The stored ImplementationGuide lists the conformance resources it defines but not its examples: those are in the
 * package (GET /ig/package.tgz), not among the server's patient data, and references to them would dangle.
 */
export function withoutExamples(r: Resource): Resource {
  const ig = r as ImplementationGuide;
  if (ig.resourceType !== 'ImplementationGuide' || !ig.definition?.resource) return r;
  const isExample = (e: ImplementationGuideDefinitionResource) =>
    e.exampleBoolean === true || e.exampleCanonical !== undefined || !CONFORMANCE_TYPES.has(e.reference.reference?.split('/')[0] ?? '');
  const kept: ImplementationGuide = {
    ...ig,
    definition: { ...ig.definition, resource: ig.definition.resource.filter((e) => !isExample(e)) },
  };
  return kept;
}

export async function storeConformance(ctx: FhirContext, files: ConformanceFiles, log: StartLog): Promise<void> {
  for (const skipped of files.skipped) log.warn(`conformance: skipped ${skipped}`);
  const result = await seedConformance(ctx, files.resources.map(withoutExamples));
  for (const failed of result.failed) log.warn(`conformance: could not store ${failed}`);
}
