// Chart geometry: the window maps to the plot width, 0-10 to its height, labels at the ticks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartGeometry, type ChartBox } from './pain-chart.js';

const box: ChartBox = { width: 110, height: 120, margin: { left: 10, right: 0, top: 10, bottom: 10 } };
const from = new Date('2026-09-01T00:00:00Z');
const to = new Date('2026-09-11T00:00:00Z');
const at = (day: number, score: number) => ({ when: '', time: Date.UTC(2026, 8, 1 + day), score });

test('points sit at their time and score; the line joins them in order', () => {
  const g = chartGeometry([at(0, 0), at(5, 5), at(10, 10)], from, to, box, 2);
  assert.deepEqual(g.dots.map((d) => [d.x, d.y]), [[10, 110], [60, 60], [110, 10]]);
  assert.equal(g.line, 'M10 110 L60 60 L110 10');
  assert.deepEqual(g.xTicks, [{ x: 10, label: '1 Sep 2026' }, { x: 60, label: '6 Sep 2026' }, { x: 110, label: '11 Sep 2026' }]);
  assert.deepEqual(g.yTicks.map((t) => t.label), ['0', '2', '4', '6', '8', '10']);
  assert.equal(g.yTicks[5]!.y, 10);
});

test('a single point has no line; an out-of-scale value widens the axis instead of leaving the chart', () => {
  assert.equal(chartGeometry([at(1, 4)], from, to, box).line, '');
  const g = chartGeometry([at(1, 20)], from, to, box);
  assert.equal(g.dots[0]!.y, 10);
  assert.deepEqual(g.yTicks.map((t) => t.label), ['0', '5', '10', '15', '20']);
});
