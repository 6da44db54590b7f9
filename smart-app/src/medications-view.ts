// Current (active) medications as a table.
import { h } from './dom.js';
import { formatDate } from './format.js';
import type { MedicationRow } from './medications.js';

export function medicationsView(rows: MedicationRow[]): HTMLElement {
  if (!rows.length) return h('p', { class: 'empty' }, 'No active medications recorded.');
  return h('table', {},
    h('caption', { class: 'visually-hidden' }, 'Active medications'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Medication'), h('th', { scope: 'col' }, 'Dosage'), h('th', { scope: 'col' }, 'Since'))),
    h('tbody', {}, ...rows.map((r) => h('tr', {},
      h('th', { scope: 'row' }, r.name), h('td', {}, r.dosage), h('td', {}, r.since ? formatDate(r.since) : 'Not recorded')))));
}
