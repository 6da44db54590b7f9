// The ImplementationGuide resource listing every definition and example of the package.
// https://hl7.org/fhir/R4/implementationguide.html
import type { FhirResource, ImplementationGuide, ImplementationGuideDefinitionResource } from 'fhir/r4.js';
import { IG } from './ig-metadata.js';

type Named = FhirResource & { name?: unknown; title?: unknown; description?: unknown; meta?: { profile?: string[] } };

export function implementationGuide(definitions: FhirResource[], examples: FhirResource[]): ImplementationGuide {
  const entry = (r: Named, example: boolean): ImplementationGuideDefinitionResource => {
    const e: ImplementationGuideDefinitionResource = { reference: { reference: `${r.resourceType}/${r.id}` } };
    // Only conformance resources' own title/name/description: a Patient's name is a HumanName.
    const name = [r.title, r.name].find((n) => typeof n === 'string');
    if (name) e.name = name;
    if (typeof r.description === 'string') e.description = r.description;
    const profile = r.meta?.profile?.[0];
    if (example && profile) e.exampleCanonical = profile;
    else e.exampleBoolean = example;
    return e;
  };
  return {
    resourceType: 'ImplementationGuide',
    id: IG.id,
    url: IG.url,
    version: IG.version,
    name: IG.name,
    title: IG.title,
    status: 'draft',
    date: IG.date,
    publisher: IG.publisher,
    description: IG.description,
    packageId: IG.packageId,
    license: IG.license,
    fhirVersion: [IG.fhirVersion],
    dependsOn: [{ id: 'hl7_fhir_r4_core', uri: 'http://hl7.org/fhir', packageId: 'hl7.fhir.r4.core', version: '4.0.1' }],
    definition: {
      resource: [...definitions.map((r) => entry(r as Named, false)), ...examples.map((r) => entry(r as Named, true))],
    },
  };
}
