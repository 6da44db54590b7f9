// Latest wearable vitals and sleep, one row per measurement, "No data" where the wearable sent none, each dated,
// and marked stale when older than STALE_DAYS.
import { h } from './dom.js';
import { formatDate, formatDateTime } from './format.js';
import { STALE_DAYS, type VitalRow } from './vitals.js';

export function vitalsView(rows: VitalRow[]): HTMLElement {
  return h(
    'table',
    {},
    h('caption', { class: 'visually-hidden' }, 'Latest wearable measurements'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Measurement'),
        h('th', { scope: 'col' }, 'Latest value'),
        h('th', { scope: 'col' }, 'Measured'),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((r) =>
        h(
          'tr',
          { class: r.value ? (r.stale ? 'stale' : undefined) : 'no-data' },
          h('th', { scope: 'row' }, r.label),
          h('td', {}, r.value ?? 'No data'),
          h(
            'td',
            {},
            r.when ? (r.daily ? `${formatDate(r.when)} (whole day)` : formatDateTime(r.when)) : '',
            r.stale && r.value
              ? h('span', { class: 'stale-mark', title: `Older than ${STALE_DAYS} days` }, ` stale: over ${STALE_DAYS} days old`)
              : null,
          ),
        ),
      ),
    ),
  );
}
