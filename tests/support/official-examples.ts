// The official R4 examples (npm hl7.fhir.r4.examples@4.0.1) and those among them that break R4's own rules.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const EXAMPLES_DIR = dirname(createRequire(import.meta.url).resolve('hl7.fhir.r4.examples/package.json'));

/** Example file names, sorted; `maxBytes` leaves out the large definition Bundles. */
export function exampleFiles(maxBytes = Number.POSITIVE_INFINITY): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.json') && f !== 'package.json' && statSync(join(EXAMPLES_DIR, f)).size <= maxBytes)
    .sort();
}

export function readExample<T = Record<string, unknown>>(file: string): T {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as T;
}

/** Examples a validator must refuse, with the rule each breaks (the JSON schema, a base cardinality, an invariant or a reference type). */
export const DEFECTIVE_EXAMPLES: Readonly<Record<string, string>> = {
  'ImplementationGuide-fhir.json': 'ImplementationGuide.name is required (1..1) but absent',
  'ig-r4.json': 'ImplementationGuide.name is required (1..1) but absent',
  'Questionnaire-qs1.json': 'nested Questionnaire.item without the required linkId',
  'SearchParameter-questionnaireresponse-extensions-QuestionnaireResponse-item-subject.json': 'id is 67 characters; ids are at most 64',
  'Bundle-dataelements.json': 'bdl-7: entries share a fullUrl (de-Quantity.value, de-Quantity.unit... three times each)',
  'Questionnaire-bb.json': "que-7: an enableWhen with operator 'exists' must answer with a boolean, this one has a coding",
  'DeviceMetric-example.json': 'DeviceMetric.parent may refer to a Device only, this one refers to a DeviceDefinition',
  'DeviceUseStatement-example.json': 'DeviceUseStatement.reasonReference may not refer to a Procedure',
  'MedicationRequest-medrx0301.json':
    'MedicationRequest.dispenseRequest.performer may refer to an Organization only, this one refers to a Practitioner',
  'Observation-clinical-gender.json': 'Observation.performer may not refer to an Encounter',
  ...Object.fromEntries(
    ['Definition', 'Event', 'FiveWs', 'Request'].map((m) => [
      `StructureDefinition-${m}.json`,
      'sdf-4: this logical model is neither abstract nor has a baseDefinition',
    ]),
  ),
  ...Object.fromEntries(
    ['codesystem-extensions-CodeSystem', 'valueset-extensions-ValueSet'].flatMap((p) =>
      ['author', 'effective', 'end', 'keyword', 'workflow'].map((c) => [
        `SearchParameter-${p}-${c}.json`,
        'SearchParameter.base is required (1..*) but absent',
      ]),
    ),
  ),
};
