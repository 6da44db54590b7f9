// Medications from statements and requests: current ones in a table, past ones collapsed beneath, each with
// status, dosage, dates, adherence and the pain change around its start.
import { h } from './dom.js';
import { formatDate } from './format.js';
import { painChange } from './medication-chart-view.js';
import { sourceLabel, statusLabel, type MedicationEntry } from './medications.js';
import type { MedicationLane } from './treatment.js';

function table(caption: string, entries: MedicationEntry[], lanes: MedicationLane[]): HTMLElement {
  const laneOf = new Map(lanes.map((l) => [l.name.trim().toLowerCase(), l]));
  return h(
    'table',
    { class: 'medications-table' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, ...['Medication', 'Dosage', 'Status', 'Dates', 'Adherence'].map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...entries.map((e) => {
        const lane = laneOf.get(e.name.trim().toLowerCase());
        // The change around the drug's first start: on that row, and on the current one (where a clinician looks).
        const change = lane && (lane.periods[0]?.entry === e || e.current) ? painChange(lane) : '';
        return h(
          'tr',
          {},
          h('th', { scope: 'row' }, e.name, change ? h('span', { class: 'pain-change' }, ` (${change})`) : null),
          // data-label: the column's name, shown beside the value where a phone stacks the cells.
          h('td', { 'data-label': 'Dosage' }, e.dosage),
          h('td', { 'data-label': 'Status' }, `${statusLabel(e.status)}, ${sourceLabel(e.source).toLowerCase()}`),
          h(
            'td',
            { 'data-label': 'Dates' },
            e.start ? `${formatDate(e.start)} to ${e.end ? formatDate(e.end) : e.current ? 'now' : 'unknown'}` : 'Not recorded',
          ),
          h('td', { 'data-label': 'Adherence' }, e.adherence ?? 'Not recorded'),
        );
      }),
    ),
  );
}

export function medicationsView(entries: MedicationEntry[], lanes: MedicationLane[]): HTMLElement {
  const current = entries.filter((e) => e.current);
  const past = entries.filter((e) => !e.current);
  return h(
    'div',
    {},
    current.length ? table('Current medications', current, lanes) : h('p', { class: 'empty' }, 'No current medications recorded.'),
    past.length
      ? h(
          'details',
          { class: 'data-table' },
          h('summary', {}, `${past.length} past or stopped medication${past.length === 1 ? '' : 's'}`),
          table('Past medications', past, lanes),
        )
      : null,
  );
}
