// The base R4 definitions without what no part of the server reads: narrative, differentials, element prose and
// mappings, code definitions. They are a third of the heap a server holds for good (51.8 MB of StructureDefinitions
// become 13.9 MB, 24 MB of value sets and code systems 12.8 MB), and what an import's memory is on top of.
// Validation, shaping, indexing and terminology read structure only: paths, cardinality, types, bindings,
// constraints, fixed and pattern values, slicing, codes and their hierarchy. The package's files stay the source
// of the full text. https://hl7.org/fhir/R4/elementdefinition.html
import type { CodeSystemConcept, FhirResource, StructureDefinition } from 'fhir/r4.js';

const ELEMENT_PROSE = ['definition', 'comment', 'requirements', 'mapping', 'alias'] as const;

/** Strips the package copy in place (it was just parsed and is nobody else's) and returns it. */
export function leanStructureDefinition(sd: StructureDefinition): StructureDefinition {
  delete sd.text;
  delete sd.differential;
  delete sd.mapping;
  for (const e of sd.snapshot?.element ?? []) for (const key of ELEMENT_PROSE) delete e[key];
  return sd;
}

/** ValueSets and CodeSystems lose their narrative; code systems their concepts' definitions too (codes and displays stay). */
export function leanTerminology<T extends FhirResource>(r: T): T {
  delete (r as { text?: unknown }).text;
  if (r.resourceType === 'CodeSystem') dropDefinitions(r.concept);
  return r;
}

function dropDefinitions(concepts: CodeSystemConcept[] | undefined): void {
  for (const c of concepts ?? []) {
    delete c.definition;
    dropDefinitions(c.concept);
  }
}
