// The pain section (FibroTrack, beyond IPS): the patient's recent pain scores (LOINC 72514-3, the FibroTrack pain
// severity profile), their trend, and where it hurts. "Recent" is the PAIN_WINDOW_DAYS before the newest score.
import type { Observation, Resource } from 'fhir/r4.js';
import type { FhirContext } from '../../fhir-context.js';
import { conceptText, tableNarrative, whenText } from './narrative.js';
import { searchFor } from './read-data.js';
import { SUMMARY_SECTIONS, type SectionDraft } from './section.js';

export const PAIN_WINDOW_DAYS = 30;
const MAX_SCORES = 100;
const DAY_MS = 86_400_000;

export async function painSection(ctx: FhirContext, patient: string): Promise<SectionDraft> {
  let found = await searchFor(ctx, 'Observation', {
    patient,
    code: 'http://loinc.org|72514-3',
    _sort: '-date',
    _count: String(MAX_SCORES),
  });
  if (found !== 'withheld' && found.length > 0) {
    const newest = time(found[0]);
    found = found.filter((o) => newest - time(o as Observation) <= PAIN_WINDOW_DAYS * DAY_MS);
  }
  return {
    title: 'Pain',
    code: { system: SUMMARY_SECTIONS, code: 'pain', display: 'Recent pain scores' },
    found,
    render: (items) => ({ entries: items, text: painNarrative(items as Observation[]) }),
  };
}

function painNarrative(scores: Observation[]) {
  const values = scores.map((o) => o.valueQuantity?.value).filter((v): v is number => typeof v === 'number');
  const mean = values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
  const sites = new Map<string, number>();
  for (const o of scores) {
    const site = conceptText(o.bodySite);
    if (site) sites.set(site, (sites.get(site) ?? 0) + 1);
  }
  const where = [...sites]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([s, n]) => `${s} (${n})`)
    .join(', ');
  const intro =
    [
      `${scores.length} pain score(s) over the ${PAIN_WINDOW_DAYS} days up to ${whenText(scores[0])}`,
      values.length ? `latest ${values[0]}/10, mean ${mean.toFixed(1)}/10, range ${Math.min(...values)} to ${Math.max(...values)}` : '',
      `trend: ${painTrend(values)}`,
      `body sites: ${where || 'not recorded'}`,
    ]
      .filter(Boolean)
      .join('; ') + '.';
  return tableNarrative(
    intro,
    ['Date', 'Score (0-10)', 'Body site'],
    scores.map((o) => [whenText(o), String(o.valueQuantity?.value ?? ''), conceptText(o.bodySite)]),
  );
}

/** Newest first in; compares the mean of the newer half with the older half: a point or more is a change. */
export function painTrend(newestFirst: number[]): string {
  if (newestFirst.length < 4) return 'not enough scores to tell';
  const half = Math.floor(newestFirst.length / 2);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const newer = avg(newestFirst.slice(0, half));
  const older = avg(newestFirst.slice(newestFirst.length - half));
  const change = `mean ${older.toFixed(1)} then ${newer.toFixed(1)}`;
  if (newer - older >= 1) return `worsening (${change})`;
  if (older - newer >= 1) return `improving (${change})`;
  return `stable (${change})`;
}

const time = (o: Resource & { effectiveDateTime?: string; effectivePeriod?: { start?: string; end?: string } }) =>
  Date.parse(o.effectiveDateTime ?? o.effectivePeriod?.end ?? o.effectivePeriod?.start ?? '') || 0;
