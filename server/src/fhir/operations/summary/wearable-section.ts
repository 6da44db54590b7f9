// The wearable section (FibroTrack, beyond IPS): the latest resting heart rate, sleep episode and daily steps, with
// the LOINC codes of /work/shared/WEARABLES.md (40443-4, 93832-4, 41950-7).
import type { Observation } from 'fhir/r4.js';
import type { FhirContext } from '../../fhir-context.js';
import { quantityText, tableNarrative, whenText } from './narrative.js';
import { latestPerCode } from './read-data.js';
import { SUMMARY_SECTIONS, type SectionDraft } from './section.js';

const MEASURES: [code: string, label: string][] = [
  ['40443-4', 'Resting heart rate'],
  ['93832-4', 'Sleep duration'],
  ['41950-7', 'Steps per day'],
];

export async function wearableSection(ctx: FhirContext, patient: string): Promise<SectionDraft> {
  const code = MEASURES.map(([c]) => `http://loinc.org|${c}`).join(',');
  const found = await latestPerCode(ctx, { patient, code });
  return {
    title: 'Wearable Data',
    code: { system: SUMMARY_SECTIONS, code: 'wearables', display: 'Latest wearable measurements' },
    found,
    render: (items) => {
      const obs = items as Observation[];
      const rows = MEASURES.flatMap(([c, label]) => {
        const o = obs.find((x) => x.code.coding?.some((k) => k.code === c));
        return o ? [[label, valueText(o), whenText(o)]] : [];
      });
      return { entries: items, text: tableNarrative('The latest wearable measurement of each kind.', ['Measure', 'Value', 'Date'], rows) };
    },
  };
}

/** Sleep in minutes also reads as hours. */
function valueText(o: Observation): string {
  const q = o.valueQuantity;
  if (q?.value !== undefined && q.code === 'min') return `${(q.value / 60).toFixed(1)} h (${q.value} min)`;
  return quantityText(q);
}
