// Open pain alerts as a list, newest first, each with its Acknowledge button (or why it cannot be acknowledged);
// for the cross-patient view, grouped under each patient's name. Buttons keep their place for keyboard users.
import type { Patient } from 'fhir/r4.js';
import { ALERT_THRESHOLD, ALERT_WINDOW_DAYS, type PainAlert } from './alerts.js';
import { h } from './dom.js';
import { formatDate, formatDateTime, formatGender, formatName, medicalRecordNumber } from './format.js';

export interface AlertsViewOptions {
  /** Why acknowledging is not possible (a missing scope), or undefined when it is. */
  cannotAcknowledge?: string;
  acknowledge(alert: PainAlert): Promise<void>;
  /** Shown when the list is cut at the server's page. */
  more?: boolean;
}

export const alertLabel = (a: PainAlert) => `Pain ${a.score} of 10, ${formatDateTime(a.when)}`;

function alertItem(alert: PainAlert, opts: AlertsViewOptions): HTMLElement {
  const error = h('p', { class: 'alert-error' });
  const button = h(
    'button',
    {
      type: 'button',
      class: 'ack',
      'data-alert': alert.id,
      'aria-label': `Acknowledge ${alertLabel(alert)}`,
      disabled: !!opts.cannotAcknowledge,
    },
    'Acknowledge',
  ) as HTMLButtonElement;
  button.addEventListener('click', () => {
    button.disabled = true;
    button.textContent = 'Acknowledging…';
    error.textContent = '';
    opts.acknowledge(alert).catch((err: unknown) => {
      button.disabled = false;
      button.textContent = 'Acknowledge';
      error.textContent = `Not acknowledged: ${err instanceof Error ? err.message : String(err)}`;
    });
  });
  const detail = [alert.sites.join(', '), alert.note].filter(Boolean).join(' · ');
  return h(
    'li',
    { class: 'alert-item', 'data-alert': alert.id },
    h(
      'p',
      { class: 'alert-what' },
      h('strong', { class: 'alert-score' }, `Pain ${alert.score} of 10`),
      ' ',
      h('span', {}, formatDateTime(alert.when)),
    ),
    detail ? h('p', { class: 'alert-detail' }, detail) : null,
    h('p', { class: 'alert-actions' }, button),
    error,
  );
}

const rule = () => `a pain score above ${ALERT_THRESHOLD} of 10 in the last ${ALERT_WINDOW_DAYS} days, until acknowledged`;

export function alertsView(alerts: PainAlert[], opts: AlertsViewOptions): HTMLElement {
  if (!alerts.length) return h('p', { class: 'empty no-alerts' }, `No open pain alerts (an alert is ${rule()}).`);
  return h(
    'div',
    {},
    h('ul', { class: 'alert-list', 'aria-label': 'Open pain alerts, newest first' }, ...alerts.map((a) => alertItem(a, opts))),
    opts.cannotAcknowledge ? h('p', { class: 'notice' }, opts.cannotAcknowledge) : null,
    opts.more ? h('p', { class: 'empty' }, 'More alerts than shown: acknowledge these to see the rest.') : null,
    h('p', { class: 'alert-rule' }, `An alert is ${rule()}.`),
  );
}

/** The cross-patient list: a heading per patient (name, birth date, MRN), their alerts under it. */
export function alertListView(
  groups: { patient: string; resource?: Patient; alerts: PainAlert[] }[],
  opts: AlertsViewOptions,
): HTMLElement {
  if (!groups.length) return h('p', { class: 'empty no-alerts' }, `None of your patients has an open pain alert (an alert is ${rule()}).`);
  return h(
    'div',
    {},
    ...groups.map((g) => {
      const p = g.resource;
      const name = p ? formatName(p.name) : g.patient;
      const about = p
        ? [
            p.birthDate ? `born ${formatDate(p.birthDate)}` : '',
            formatGender(p.gender),
            medicalRecordNumber(p.identifier) ? `MRN ${medicalRecordNumber(p.identifier)}` : '',
          ]
            .filter(Boolean)
            .join(', ')
        : '';
      return h(
        'section',
        { class: 'alert-patient', 'aria-label': name },
        h('h3', {}, name, ' ', h('span', { class: 'alert-count' }, `(${g.alerts.length} open)`)),
        about ? h('p', { class: 'alert-about' }, about) : null,
        h(
          'ul',
          { class: 'alert-list', 'aria-label': `Open pain alerts of ${name}, newest first` },
          ...g.alerts.map((a) => alertItem(a, opts)),
        ),
      );
    }),
    opts.cannotAcknowledge ? h('p', { class: 'notice' }, opts.cannotAcknowledge) : null,
    opts.more ? h('p', { class: 'empty' }, 'More alerts than shown: acknowledge these to see the rest.') : null,
  );
}
