// The pain trend: summary line, the daily mean and maximum on the shared time axis (SVG, with tooltips), and
// every score with its body site, quality, interference and note in a collapsible table, newest first.
import { h, s } from './dom.js';
import { formatDate, formatDateTime, formatNumber } from './format.js';
import { PAIN_CHART, painChartGeometry } from './pain-chart.js';
/** The range's scores in a sentence (from the scores, or from daily statistics over a long range). */
export function painSummary(summary, phrase) {
    if (!summary.count)
        return h('p', { class: 'empty', id: 'pain-summary' }, `No pain scores recorded in ${phrase}.`);
    const latest = summary.latest ? `latest ${formatNumber(summary.latest.score)}, ` : '';
    const sentence = `${summary.count} pain score${summary.count === 1 ? '' : 's'} from ${formatDate(summary.first)} to ` +
        `${formatDate(summary.last)}; ${latest}range ${formatNumber(summary.min)} to ` +
        `${formatNumber(summary.max)}, average ${formatNumber(summary.mean)} (0 = no pain, 10 = worst imaginable).`;
    return h('p', { class: 'pain-summary', id: 'pain-summary' }, sentence);
}
/**
 * One image for the whole chart (a single tab stop is not needed: the table below holds every value); each day's
 * dot has a tooltip with its mean, maximum and count.
 */
export function painChart(days, axis, phrase) {
    const g = painChartGeometry(days, axis);
    const { plot } = g;
    const r = g.dots.length > 120 ? 2 : 4;
    return s('svg', {
        class: 'chart pain-chart',
        viewBox: `0 0 ${axis.width} ${PAIN_CHART.height}`,
        role: 'img',
        'aria-labelledby': 'pain-chart-title',
        'aria-describedby': 'pain-summary',
    }, s('title', { id: 'pain-chart-title' }, `Daily pain, mean and maximum, over ${phrase}`), s('g', { class: 'grid', 'aria-hidden': 'true' }, ...g.yTicks.map((t) => s('line', { x1: plot.left, x2: plot.right, y1: t.y, y2: t.y })), ...g.yTicks.map((t) => s('text', { x: plot.left - 6, y: t.y + 4, 'text-anchor': 'end' }, t.label)), s('text', {
        class: 'axis-label',
        x: 12,
        y: (plot.top + plot.bottom) / 2,
        transform: `rotate(-90 12 ${(plot.top + plot.bottom) / 2})`,
        'text-anchor': 'middle',
    }, 'Pain 0-10'), ...axis.ticks.map((t, i) => s('text', {
        x: t.x,
        y: plot.bottom + 18,
        'text-anchor': i === 0 ? 'start' : i === axis.ticks.length - 1 ? 'end' : 'middle',
    }, t.label))), g.line ? s('path', { class: 'line', d: g.line }) : null, ...g.dots.map((d) => s('g', { class: 'day' }, d.yMax < d.y ? s('line', { class: 'max', x1: d.x, x2: d.x, y1: d.y, y2: d.yMax }) : null, s('circle', { class: 'dot', cx: d.x, cy: d.y, r }, s('title', {}, `${formatDate(d.day.day)}: mean ${formatNumber(d.day.mean)}, max ${formatNumber(d.day.max)} (${d.day.count} score${d.day.count === 1 ? '' : 's'})`)))));
}
/** `recent`: the range is longer than the scores fetched one by one (daily statistics draw the rest). */
export function painTable(points, recent) {
    const newest = [...points].reverse();
    return h('details', { class: 'data-table' }, h('summary', {}, recent ? `The ${points.length} pain scores of ${recent}, newest first` : `All ${points.length} pain scores, newest first`), h('table', { class: 'pain-table' }, h('caption', { class: 'visually-hidden' }, 'Pain scores, newest first'), h('thead', {}, h('tr', {}, ...['Date', 'Score (0-10)', 'Body site', 'Quality', 'Interference (0-10)', 'Note'].map((c) => h('th', { scope: 'col' }, c)))), h('tbody', {}, ...newest.map((p) => h('tr', {}, h('td', {}, formatDateTime(p.when)), h('td', {}, formatNumber(p.score)), h('td', {}, p.sites.join(', ')), h('td', {}, p.qualities.join(', ')), h('td', {}, p.interference === undefined ? '' : formatNumber(p.interference)), h('td', {}, p.note ?? ''))))));
}
