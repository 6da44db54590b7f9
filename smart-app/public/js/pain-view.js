// The pain trend: summary line, inline SVG chart (focusable points) and the same data as a table.
import { h, s } from './dom.js';
import { formatDate, formatDateTime, formatNumber } from './format.js';
import { chartGeometry } from './pain-chart.js';
import { summarizePain, TREND_DAYS } from './pain-series.js';
export function painView(points, from, to) {
    if (!points.length)
        return h('p', { class: 'empty' }, `No pain scores recorded in the last ${TREND_DAYS} days.`);
    const summary = summarizePain(points);
    const sentence = `${summary.count} pain score${summary.count === 1 ? '' : 's'} from ${formatDate(points[0].when)} to ` +
        `${formatDate(summary.latest.when)}; latest ${formatNumber(summary.latest.score)}, range ${formatNumber(summary.min)} to ` +
        `${formatNumber(summary.max)}, average ${formatNumber(summary.mean)} (0 = no pain, 10 = worst imaginable).`;
    return h('div', {}, h('p', { class: 'pain-summary', id: 'pain-summary' }, sentence), chart(points, from, to), h('table', { class: 'pain-table' }, h('caption', {}, 'Pain scores, oldest first'), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col' }, 'Score (0-10)'))), h('tbody', {}, ...points.map((p) => h('tr', {}, h('td', {}, formatDateTime(p.when)), h('td', {}, formatNumber(p.score)))))));
}
function chart(points, from, to) {
    const g = chartGeometry(points, from, to);
    const { plot } = g;
    return s('svg', {
        // A group, not an img: an img's children are presentational, which would hide the focusable points.
        class: 'pain-chart', viewBox: '0 0 640 240', role: 'group',
        'aria-labelledby': 'pain-chart-title', 'aria-describedby': 'pain-summary',
    }, s('title', { id: 'pain-chart-title' }, `Pain scores over the last ${TREND_DAYS} days`), s('g', { class: 'grid', 'aria-hidden': 'true' }, ...g.yTicks.map((t) => s('line', { x1: plot.left, x2: plot.right, y1: t.y, y2: t.y })), ...g.yTicks.map((t) => s('text', { x: plot.left - 6, y: t.y + 4, 'text-anchor': 'end' }, t.label)), ...g.xTicks.map((t, i) => s('text', {
        x: t.x, y: plot.bottom + 18, 'text-anchor': i === 0 ? 'start' : i === g.xTicks.length - 1 ? 'end' : 'middle',
    }, t.label))), g.line ? s('path', { class: 'line', d: g.line, 'aria-hidden': 'true' }) : null, 
    // Each point is reachable with Tab and announces its date and score.
    ...g.dots.map((d) => {
        const label = `${formatDateTime(d.point.when)}: pain ${formatNumber(d.point.score)} of 10`;
        return s('circle', { class: 'dot', cx: d.x, cy: d.y, r: 5, tabindex: 0, role: 'img', 'aria-label': label }, s('title', {}, label));
    }));
}
