// Sleep hours and steps per day as bars on the shared time axis, one strip each, under the pain chart.
import { s } from './dom.js';
import { formatDate, formatNumber } from './format.js';
import type { ActivitySeries, DailyValue } from './activity.js';
import type { TimeAxis } from './timeline.js';

const STRIP = 44;

function strip(values: DailyValue[], axis: TimeAxis, top: number, label: string, unit: (v: number) => string, cls: string): SVGElement {
  const max = Math.max(1, ...values.map((v) => v.value));
  const dayWidth = Math.max(1, (axis.right - axis.left) / Math.max(1, (axis.to - axis.from) / 86_400_000) - 1);
  return s(
    'g',
    { class: `strip ${cls}` },
    s(
      'text',
      { class: 'strip-label', x: 4, y: top + 16 },
      label,
      s('title', {}, values.length ? `${label}: bar height up to ${unit(max)}` : `${label}: no data`),
    ),
    values.length ? null : s('text', { class: 'strip-label', x: axis.left + 4, y: top + 24 }, 'No data in this period'),
    s('line', { class: 'baseline', x1: axis.left, x2: axis.right, y1: top + STRIP - 4, y2: top + STRIP - 4 }),
    ...values.map((v) => {
      const h = Math.max(1, ((STRIP - 8) * v.value) / max);
      return s(
        'rect',
        { x: axis.x(v.time) - dayWidth / 2, y: top + STRIP - 4 - h, width: dayWidth, height: h },
        s('title', {}, `${formatDate(v.day)}: ${unit(v.value)}`),
      );
    }),
  );
}

export function activityChart(series: ActivitySeries, axis: TimeAxis): SVGElement {
  return s(
    'svg',
    {
      class: 'chart activity-chart',
      viewBox: `0 0 ${axis.width} ${STRIP * 2 + 2}`,
      role: 'img',
      'aria-labelledby': 'activity-chart-title',
    },
    s(
      'title',
      { id: 'activity-chart-title' },
      `Sleep on ${series.sleep.length} days and steps on ${series.steps.length} days over the same period`,
    ),
    strip(series.sleep, axis, 0, 'Sleep', (v) => `${formatNumber(v)} h`, 'sleep'),
    strip(series.steps, axis, STRIP, 'Steps', (v) => formatNumber(v, 0), 'steps'),
  );
}
