// Geometry of the pain trend chart (time on x over the whole window, 0-10 on y): pure, the view draws it.
import { formatDate } from './format.js';
import type { PainPoint } from './pain-series.js';

export interface ChartBox {
  width: number;
  height: number;
  /** Space kept for axis labels: left, right, top, bottom. */
  margin: { left: number; right: number; top: number; bottom: number };
}

export interface ChartGeometry {
  /** SVG path data of the line through the points ('' for fewer than two). */
  line: string;
  dots: { x: number; y: number; point: PainPoint }[];
  xTicks: { x: number; label: string }[];
  yTicks: { y: number; label: string }[];
  plot: { left: number; right: number; top: number; bottom: number };
}

export const DEFAULT_BOX: ChartBox = { width: 640, height: 240, margin: { left: 36, right: 12, top: 12, bottom: 28 } };

/**
 * The x axis spans the fixed window [from, to], so gaps between reports show as gaps; the y axis is the
 * 0-10 rating scale (widened if a system stored a larger value, so nothing is drawn off the chart).
 */
export function chartGeometry(points: PainPoint[], from: Date, to: Date, box: ChartBox = DEFAULT_BOX, xTickCount = 4): ChartGeometry {
  const plot = { left: box.margin.left, right: box.width - box.margin.right, top: box.margin.top, bottom: box.height - box.margin.bottom };
  const t0 = from.getTime();
  const span = Math.max(1, to.getTime() - t0);
  const yMax = Math.max(10, ...points.map((p) => p.score));
  const yMin = Math.min(0, ...points.map((p) => p.score));
  const round = (n: number) => Math.round(n * 10) / 10;
  const x = (time: number) => round(plot.left + ((time - t0) / span) * (plot.right - plot.left));
  const y = (score: number) => round(plot.bottom - ((score - yMin) / (yMax - yMin)) * (plot.bottom - plot.top));

  const dots = points.map((point) => ({ x: x(point.time), y: y(point.score), point }));
  const line = dots.length >= 2 ? dots.map((d, i) => `${i ? 'L' : 'M'}${d.x} ${d.y}`).join(' ') : '';
  const yTicks = [];
  for (let v = yMin; v <= yMax; v += yMax - yMin > 10 ? 5 : 2) yTicks.push({ y: y(v), label: String(v) });
  const xTicks = [];
  for (let i = 0; i <= xTickCount; i++) {
    const time = t0 + (span * i) / xTickCount;
    xTicks.push({ x: x(time), label: formatDate(new Date(time).toISOString().slice(0, 10)) });
  }
  return { line, dots, xTicks, yTicks, plot };
}
