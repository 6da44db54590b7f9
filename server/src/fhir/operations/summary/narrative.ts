// Generated narrative for the summary's sections: small XHTML tables, every value escaped.
// https://hl7.org/fhir/R4/narrative.html
import type { CodeableConcept, Narrative, Quantity } from 'fhir/r4.js';

const XHTML = 'http://www.w3.org/1999/xhtml';

export const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A paragraph, then a table of `rows` under `headers` when there are rows. */
export function tableNarrative(intro: string, headers: string[], rows: string[][]): Narrative {
  const table =
    rows.length === 0
      ? ''
      : `<table><thead><tr>${headers.map((h) => `<th>${escapeXml(h)}</th>`).join('')}</tr></thead><tbody>` +
        rows.map((r) => `<tr>${r.map((c) => `<td>${escapeXml(c)}</td>`).join('')}</tr>`).join('') +
        '</tbody></table>';
  return { status: 'generated', div: `<div xmlns="${XHTML}"><p>${escapeXml(intro)}</p>${table}</div>` };
}

/** What a person reads for a concept: its text, else the first coding's display, else system|code. */
export function conceptText(c: CodeableConcept | undefined): string {
  if (!c) return '';
  if (c.text) return c.text;
  const coding = c.coding?.find((x) => x.display) ?? c.coding?.[0];
  return coding ? (coding.display ?? `${coding.system ?? ''}|${coding.code ?? ''}`) : '';
}

export function quantityText(q: Quantity | undefined): string {
  if (!q || q.value === undefined) return '';
  const unit = q.unit ?? q.code ?? '';
  return unit && unit !== '{score}' ? `${q.value} ${unit}` : String(q.value);
}

/** The date part of a dateTime or a Period's start (or end). */
export function whenText(r: { effectiveDateTime?: string; effectivePeriod?: { start?: string; end?: string } }): string {
  return (r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.effectivePeriod?.end ?? '').slice(0, 10);
}
