// The FHIR NPM package's package.json and .index.json (index-version 2).
// https://confluence.hl7.org/display/FHIR/NPM+Package+Specification
import type { FhirResource } from 'fhir/r4.js';
import { IG } from './ig-metadata.js';

/** The resource types that are the guide's definitions; anything else SUSHI emits is an example. */
export const CONFORMANCE_TYPES: ReadonlySet<string> = new Set([
  'StructureDefinition',
  'ValueSet',
  'CodeSystem',
  'SearchParameter',
  'OperationDefinition',
  'ImplementationGuide',
]);

export function packageJson(): Record<string, unknown> {
  return {
    name: IG.packageId,
    version: IG.version,
    canonical: IG.canonical,
    url: IG.url,
    title: IG.title,
    description: IG.description,
    fhirVersions: [IG.fhirVersion],
    dependencies: { 'hl7.fhir.r4.core': '4.0.1' },
    author: IG.publisher,
    license: IG.license,
    type: 'fhir.ig',
    date: IG.date.replaceAll('-', '') + '000000',
  };
}

type Indexed = FhirResource & {
  url?: string;
  version?: string;
  kind?: string;
  type?: string;
  derivation?: string;
  content?: string;
  supplements?: string;
  valueSet?: string;
};

/** One entry per file, in file-name order; only the properties the resource has. */
export function indexJson(files: { filename: string; resource: FhirResource }[]): Record<string, unknown> {
  const entries = [...files]
    .sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0))
    .map(({ filename, resource }) => {
      const r = resource as Indexed;
      const entry: Record<string, unknown> = { filename, resourceType: r.resourceType, id: r.id };
      for (const k of ['url', 'version', 'kind', 'type', 'derivation', 'content', 'supplements', 'valueSet'] as const) {
        // Only the conformance resources' own properties: an Observation's `type` would not be its kind.
        if (typeof r[k] === 'string' && CONFORMANCE_TYPES.has(r.resourceType)) entry[k] = r[k];
      }
      return entry;
    });
  return { 'index-version': 2, files: entries };
}
