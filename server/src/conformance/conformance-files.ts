// Reads the built FibroTrack conformance resources (profiles/generated/*.json: StructureDefinitions, ValueSets,
// CodeSystems, SearchParameters, OperationDefinitions, the ImplementationGuide) and locates the package. A missing
// folder or an unreadable file never stops the server. https://hl7.org/fhir/R4/implementationguide.html
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Resource } from 'fhir/r4.js';

export interface ConformanceFiles {
  resources: Resource[];
  /** The examples of the profiles (profiles/generated/examples/*.json), which the package also holds. */
  examples: Resource[];
  /** profiles/generated/package.tgz when built. */
  packagePath?: string;
  /** Files that could not be read, with the reason (reported at start). */
  skipped: string[];
}

/** Resource types we load and serve as conformance resources. */
export const CONFORMANCE_TYPES = new Set([
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'SearchParameter',
  'OperationDefinition',
  'ImplementationGuide',
  'CapabilityStatement',
  'ConceptMap',
]);

export function readConformanceFiles(dir: string): ConformanceFiles {
  const out: ConformanceFiles = { resources: [], examples: [], skipped: [] };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return out;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    try {
      const r = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Resource & { url?: unknown };
      if (!CONFORMANCE_TYPES.has(r.resourceType) || typeof r.url !== 'string') throw new Error('not a conformance resource with a url');
      out.resources.push(r);
    } catch (err) {
      out.skipped.push(`${file}: ${(err as Error).message}`);
    }
  }
  const examples = join(dir, 'examples');
  if (existsSync(examples) && statSync(examples).isDirectory()) {
    for (const file of readdirSync(examples)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      try {
        out.examples.push(JSON.parse(readFileSync(join(examples, file), 'utf8')) as Resource);
      } catch (err) {
        out.skipped.push(`examples/${file}: ${(err as Error).message}`);
      }
    }
  }
  // Absolute, as sendFile needs it (PROFILES_DIR may be relative to the working directory).
  const pkg = resolve(dir, 'package.tgz');
  if (existsSync(pkg)) out.packagePath = pkg;
  return out;
}
