// Medication bars on the shared time axis: a lane per drug, its periods as bars (dose in the tooltip), a mark
// at each start, dose change and stop, and mean pain in the four weeks before and after the start.
import { s } from './dom.js';
import { formatDate, formatNumber } from './format.js';
import { COMPARE_DAYS } from './treatment.js';
const LANE = 22;
const day = (time) => formatDate(new Date(time).toISOString().slice(0, 10));
export function painChange(lane) {
    if (lane.painBefore === undefined || lane.painAfter === undefined)
        return '';
    return `mean pain ${formatNumber(lane.painBefore)} in the ${COMPARE_DAYS} days before the start, ${formatNumber(lane.painAfter)} after`;
}
export function medicationChart(lanes, axis) {
    if (!lanes.length)
        return null;
    const height = lanes.length * LANE + 4;
    return s('svg', { class: 'chart medication-chart', viewBox: `0 0 ${axis.width} ${height}`, role: 'img', 'aria-labelledby': 'medication-chart-title' }, s('title', { id: 'medication-chart-title' }, `Medications over the same period: ${lanes.map((l) => l.name).join('; ')}`), ...lanes.map((lane, i) => {
        const y = i * LANE + 2;
        const change = painChange(lane);
        return s('g', { class: 'lane' }, ...lane.periods.map((p) => s('rect', {
            class: `bar${p.ongoing ? ' ongoing' : ''}${p.entry.source === 'MedicationRequest' ? ' prescribed' : ''}`,
            x: axis.x(p.start),
            y: y + 4,
            width: Math.max(2, axis.x(p.end) - axis.x(p.start)),
            height: LANE - 8,
        }, s('title', {}, `${lane.name}: ${p.dosage}, ${day(p.start)} to ${p.ongoing ? 'now' : day(p.end)}${change ? `; ${change}` : ''}`))), ...lane.events.map((e) => s('path', {
            class: `event ${e.kind}`,
            d: `M${axis.x(e.time)} ${y + 1} v${LANE - 2}`,
        }, s('title', {}, `${lane.name} ${e.label} on ${day(e.time)}`))), s('text', { x: axis.left + 4, y: y + LANE / 2 + 4, class: 'lane-label' }, lane.name));
    }));
}
