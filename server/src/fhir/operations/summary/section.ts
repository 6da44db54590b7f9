// One section of the summary document: its code, entries and narrative, or why it is empty (IPS: an empty section
// carries emptyReason and says so in its text). https://hl7.org/fhir/uv/ips/StructureDefinition-Composition-uv-ips.html
import type { CodeableConcept, Coding, CompositionSection, Narrative, Resource } from 'fhir/r4.js';
import { tableNarrative } from './narrative.js';
import type { Found } from './read-data.js';

const EMPTY_REASON = 'http://terminology.hl7.org/CodeSystem/list-empty-reason';
export const LOINC = 'http://loinc.org';
/** Codes of the FibroTrack sections IPS does not define. */
export const SUMMARY_SECTIONS = 'https://fhir.fibrotrack.org/CodeSystem/summary-section';

export interface SectionDraft {
  title: string;
  code: Coding;
  found: Found;
  /** Entries and narrative when `found` has resources. */
  render(found: Resource[]): { entries: Resource[]; text: Narrative };
}

export interface BuiltSection {
  section: CompositionSection;
  entries: Resource[];
}

/** The Composition section; entries are referenced by the fullUrl `ref` gives them. */
export function buildSection(d: SectionDraft, ref: (r: Resource) => string): BuiltSection {
  const code: CodeableConcept = { coding: [d.code], text: d.title };
  if (d.found === 'withheld' || d.found.length === 0) {
    const withheld = d.found === 'withheld';
    const why = withheld
      ? `Information withheld: the access token does not allow reading this patient's ${d.title.toLowerCase()}.`
      : `No information about ${d.title.toLowerCase()} is recorded for this patient.`;
    return {
      section: {
        title: d.title,
        code,
        text: tableNarrative(why, [], []),
        emptyReason: {
          coding: [
            { system: EMPTY_REASON, code: withheld ? 'withheld' : 'nilknown', display: withheld ? 'Information Withheld' : 'Nil Known' },
          ],
        },
      },
      entries: [],
    };
  }
  const { entries, text } = d.render(d.found);
  return { section: { title: d.title, code, text, entry: entries.map((r) => ({ reference: ref(r) })) }, entries };
}
