import { ALERT_THRESHOLD, ALERT_WINDOW_DAYS } from './alerts.js';
import { h } from './dom.js';
import { formatDate, formatDateTime, formatGender, formatName, medicalRecordNumber } from './format.js';
export const alertLabel = (a) => `Pain ${a.score} of 10, ${formatDateTime(a.when)}`;
function alertItem(alert, opts) {
    const error = h('p', { class: 'alert-error' });
    const button = h('button', {
        type: 'button',
        class: 'ack',
        'data-alert': alert.id,
        'aria-label': `Acknowledge ${alertLabel(alert)}`,
        disabled: !!opts.cannotAcknowledge,
    }, 'Acknowledge');
    button.addEventListener('click', () => {
        button.disabled = true;
        button.textContent = 'Acknowledging…';
        error.textContent = '';
        opts.acknowledge(alert).catch((err) => {
            button.disabled = false;
            button.textContent = 'Acknowledge';
            error.textContent = `Not acknowledged: ${err instanceof Error ? err.message : String(err)}`;
        });
    });
    const detail = [alert.sites.join(', '), alert.note].filter(Boolean).join(' · ');
    return h('li', { class: 'alert-item', 'data-alert': alert.id }, h('p', { class: 'alert-what' }, h('strong', { class: 'alert-score' }, `Pain ${alert.score} of 10`), ' ', h('span', {}, formatDateTime(alert.when))), detail ? h('p', { class: 'alert-detail' }, detail) : null, h('p', { class: 'alert-actions' }, button), error);
}
const rule = () => `a pain score above ${ALERT_THRESHOLD} of 10 in the last ${ALERT_WINDOW_DAYS} days, until acknowledged`;
export function alertsView(alerts, opts) {
    if (!alerts.length)
        return h('p', { class: 'empty no-alerts' }, `No open pain alerts (an alert is ${rule()}).`);
    return h('div', {}, h('ul', { class: 'alert-list', 'aria-label': 'Open pain alerts, newest first' }, ...alerts.map((a) => alertItem(a, opts))), opts.cannotAcknowledge ? h('p', { class: 'notice' }, opts.cannotAcknowledge) : null, opts.more ? h('p', { class: 'empty' }, 'More alerts than shown: acknowledge these to see the rest.') : null, h('p', { class: 'alert-rule' }, `An alert is ${rule()}.`));
}
/** The cross-patient list: a heading per patient (name, birth date, MRN), their alerts under it. */
export function alertListView(groups, opts) {
    if (!groups.length)
        return h('p', { class: 'empty no-alerts' }, `None of your patients has an open pain alert (an alert is ${rule()}).`);
    return h('div', {}, ...groups.map((g) => {
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
        return h('section', { class: 'alert-patient', 'aria-label': name }, h('h3', {}, name, ' ', h('span', { class: 'alert-count' }, `(${g.alerts.length} open)`)), about ? h('p', { class: 'alert-about' }, about) : null, h('ul', { class: 'alert-list', 'aria-label': `Open pain alerts of ${name}, newest first` }, ...g.alerts.map((a) => alertItem(a, opts))));
    }), opts.cannotAcknowledge ? h('p', { class: 'notice' }, opts.cannotAcknowledge) : null, opts.more ? h('p', { class: 'empty' }, 'More alerts than shown: acknowledge these to see the rest.') : null);
}
