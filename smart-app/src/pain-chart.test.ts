// Chart geometry: the range maps to the plot width, 0-10 to its height, daily mean and max, labels at the ticks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { painChartGeometry } from './pain-chart.js';
import type { PainDay } from './pain-series.js';
import { timeAxis } from './timeline.js';

const box = { height: 120, top: 10, bottom: 10 };
const axis = timeAxis(new Date('2026-09-01T12:00:00Z'), new Date('2026-09-11T12:00:00Z'), 2);
const day = (d: number, mean: number, max = mean): PainDay => ({
  day: `2026-09-${String(1 + d).padStart(2, '0')}`,
  time: Date.UTC(2026, 8, 1 + d, 12),
  mean,
  max,
  count: 1,
});

test('days sit at their time and mean, the max above; the line joins the means in order', () => {
  const g = painChartGeometry([day(0, 0), day(5, 5, 8), day(10, 10)], axis, box);
  assert.deepEqual(
    g.dots.map((d) => [d.x, d.y, d.yMax]),
    [
      [48, 110, 110],
      [338, 60, 30],
      [628, 10, 10],
    ],
  );
  assert.equal(g.line, 'M48 110 L338 60 L628 10');
  assert.deepEqual(axis.ticks, [
    { x: 48, label: '1 Sep 2026' },
    { x: 338, label: '6 Sep 2026' },
    { x: 628, label: '11 Sep 2026' },
  ]);
  assert.deepEqual(
    g.yTicks.map((t) => t.label),
    ['0', '2', '4', '6', '8', '10'],
  );
});

test('a single day has no line; an out-of-scale value widens the axis; times outside the axis are clamped', () => {
  assert.equal(painChartGeometry([day(1, 4)], axis, box).line, '');
  const g = painChartGeometry([day(1, 20)], axis, box);
  assert.equal(g.dots[0].y, 10);
  assert.deepEqual(
    g.yTicks.map((t) => t.label),
    ['0', '5', '10', '15', '20'],
  );
  assert.equal(axis.x(Date.UTC(2020, 0, 1)), 48);
});
