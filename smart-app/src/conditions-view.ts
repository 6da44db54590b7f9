// Conditions: active ones listed, the others collapsed beneath.
import { h } from './dom.js';
import { formatDate } from './format.js';
import type { ConditionRow } from './conditions.js';

const row = (c: ConditionRow) =>
  h(
    'li',
    {},
    h('strong', {}, c.name),
    ` ${c.status}`,
    c.onset ? `, since ${formatDate(c.onset)}` : '',
    c.abatement ? `, until ${formatDate(c.abatement)}` : '',
  );

export function conditionsView(rows: ConditionRow[]): HTMLElement {
  const active = rows.filter((r) => r.active);
  const other = rows.filter((r) => !r.active);
  if (!rows.length) return h('p', { class: 'empty' }, 'No conditions recorded.');
  return h(
    'div',
    {},
    active.length
      ? h('ul', { class: 'conditions', 'aria-label': 'Active conditions' }, ...active.map(row))
      : h('p', { class: 'empty' }, 'No active conditions.'),
    other.length
      ? h(
          'details',
          { class: 'data-table' },
          h('summary', {}, `${other.length} resolved or inactive`),
          h('ul', { class: 'conditions', 'aria-label': 'Resolved or inactive conditions' }, ...other.map(row)),
        )
      : null,
  );
}
