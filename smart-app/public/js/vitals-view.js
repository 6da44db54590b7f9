// Latest wearable vitals and sleep, one row per measurement, "No data" where the wearable sent none.
import { h } from './dom.js';
import { formatDateTime } from './format.js';
export function vitalsView(rows) {
    return h('table', {}, h('caption', { class: 'visually-hidden' }, 'Latest wearable measurements'), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Measurement'), h('th', { scope: 'col' }, 'Latest value'), h('th', { scope: 'col' }, 'Measured'))), h('tbody', {}, ...rows.map((r) => h('tr', { class: r.value ? undefined : 'no-data' }, h('th', { scope: 'row' }, r.label), h('td', {}, r.value ?? 'No data'), h('td', {}, r.when ? formatDateTime(r.when) : '')))));
}
