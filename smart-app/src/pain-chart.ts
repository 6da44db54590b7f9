// Geometry of the pain trend chart: the daily mean as a line with a dot per day, the daily maximum as a
// whisker above it, 0-10 on y, time on the shared axis: pure, the view draws it.
import type { PainDay } from './pain-series.js';
import type { TimeAxis } from './timeline.js';

export const PAIN_CHART = { height: 220, top: 12, bottom: 28 };

export interface PainChartGeometry {
  /** SVG path data of the line through the daily means ('' for fewer than two days). */
  line: string;
  dots: { x: number; y: number; yMax: number; day: PainDay }[];
  yTicks: { y: number; label: string }[];
  plot: { left: number; right: number; top: number; bottom: number };
}

/** The y axis is the 0-10 rating scale, widened if a system stored a larger value so nothing leaves the chart. */
export function painChartGeometry(days: PainDay[], axis: TimeAxis, box = PAIN_CHART): PainChartGeometry {
  const plot = { left: axis.left, right: axis.right, top: box.top, bottom: box.height - box.bottom };
  const yMax = Math.max(10, ...days.map((d) => d.max));
  const yMin = Math.min(0, ...days.map((d) => d.mean));
  const y = (score: number) => Math.round((plot.bottom - ((score - yMin) / (yMax - yMin)) * (plot.bottom - plot.top)) * 10) / 10;
  const dots = days.map((day) => ({ x: axis.x(day.time), y: y(day.mean), yMax: y(day.max), day }));
  const line = dots.length >= 2 ? dots.map((d, i) => `${i ? 'L' : 'M'}${d.x} ${d.y}`).join(' ') : '';
  const yTicks = [];
  for (let v = yMin; v <= yMax; v += yMax - yMin > 10 ? 5 : 2) yTicks.push({ y: y(v), label: String(v) });
  return { line, dots, yTicks, plot };
}
