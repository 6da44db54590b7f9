export const PAIN_CHART = { height: 220, top: 12, bottom: 28 };
/** The y axis is the 0-10 rating scale, widened if a system stored a larger value so nothing leaves the chart. */
export function painChartGeometry(days, axis, box = PAIN_CHART) {
    const plot = { left: axis.left, right: axis.right, top: box.top, bottom: box.height - box.bottom };
    const yMax = Math.max(10, ...days.map((d) => d.max));
    const yMin = Math.min(0, ...days.map((d) => d.mean));
    const y = (score) => Math.round((plot.bottom - ((score - yMin) / (yMax - yMin)) * (plot.bottom - plot.top)) * 10) / 10;
    const dots = days.map((day) => ({ x: axis.x(day.time), y: y(day.mean), yMax: y(day.max), day }));
    const line = dots.length >= 2 ? dots.map((d, i) => `${i ? 'L' : 'M'}${d.x} ${d.y}`).join(' ') : '';
    const yTicks = [];
    for (let v = yMin; v <= yMax; v += yMax - yMin > 10 ? 5 : 2)
        yTicks.push({ y: y(v), label: String(v) });
    return { line, dots, yTicks, plot };
}
