// GET [base]/metadata?mode=terminology: the TerminologyCapabilities statement, what the terminology operations
// ($expand, $lookup, $validate-code, $subsumes) can be asked about: the code systems held, and how expansion pages
// and filters. https://hl7.org/fhir/R4/capabilitystatement.html (mode) https://hl7.org/fhir/R4/terminologycapabilities.html
import type { TerminologyCapabilities, TerminologyCapabilitiesCodeSystem } from 'fhir/r4.js';
import { baseTerminology } from '../../definitions/base-terminology.js';
import { EXPAND_PARAMETERS } from '../operations/expand/expand.js';
import type { FhirContext } from '../fhir-context.js';

/** The ValueSet compose filters expand-value-set.ts applies (property `concept` or any other property). */
const FILTERS: TerminologyCapabilitiesCodeSystem['version'] = [
  {
    isDefault: true,
    compositional: false,
    filter: [
      { code: 'concept', op: ['is-a', 'descendent-of', 'is-not-a', 'generalizes', '=', 'in', 'not-in', 'regex'] },
      { code: 'property', op: ['=', 'in', 'not-in', 'exists', 'regex'] },
    ],
  },
];

let statement: TerminologyCapabilities | undefined;

export function terminologyCapabilities(ctx: FhirContext): TerminologyCapabilities {
  if (statement) return statement;
  const codeSystem = [...baseTerminology().codeSystems.values()]
    .map((cs): TerminologyCapabilitiesCodeSystem => ({
      uri: cs.url,
      version: [{ ...(cs.version ? { code: cs.version } : {}), ...FILTERS![0] }],
    }))
    .sort((a, b) => a.uri!.localeCompare(b.uri!));
  return (statement = {
    resourceType: 'TerminologyCapabilities',
    status: 'active',
    date: '2026-12-07',
    publisher: 'FibroTrack',
    kind: 'instance',
    description:
      'The code systems of FHIR R4 (with their v2 and v3 ones) that this server holds, and how its terminology operations behave. ' +
      'A CodeSystem or ValueSet stored through the API is used as well, and wins over a held one of the same URL. ' +
      'LOINC and SNOMED CT are not held: codes of those systems are not validated here.',
    software: { name: 'FibroTrack FHIR', version: '0.1.0' },
    implementation: { description: 'FibroTrack FHIR R4 server', url: ctx.baseUrl },
    lockedDate: false,
    codeSystem,
    expansion: {
      hierarchical: false,
      paging: true,
      incomplete: false,
      parameter: EXPAND_PARAMETERS.map((name) => ({ name })),
      textFilter: 'filter matches a code or display that contains the text, ignoring case.',
    },
    codeSearch: 'all',
    validateCode: { translations: false },
    translation: { needsMap: true },
    closure: { translation: false },
  });
}
