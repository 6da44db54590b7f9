// The shared time axis of the treatment charts (pain, medications, sleep and steps): one x scale for all of
// them, so a drug's start lines up with the pain it changed. Pure.
import { formatDate } from './format.js';
/**
 * Every chart on the axis uses the same viewBox width and margins, so their x positions agree. The width is the
 * charts' width on screen in CSS pixels (at least 300), so labels keep their size on a phone instead of shrinking.
 */
export const AXIS = { width: 640, left: 48, right: 12 };
const round = (n) => Math.round(n * 10) / 10;
export function timeAxis(from, to, tickCount = 4, width = AXIS.width) {
    const t0 = from.getTime();
    const span = Math.max(1, to.getTime() - t0);
    const left = AXIS.left;
    const right = width - AXIS.right;
    const x = (time) => round(left + ((Math.min(Math.max(time, t0), t0 + span) - t0) / span) * (right - left));
    const ticks = [];
    for (let i = 0; i <= tickCount; i++) {
        const time = t0 + (span * i) / tickCount;
        ticks.push({ x: x(time), label: formatDate(new Date(time).toISOString().slice(0, 10)) });
    }
    return { width, from: t0, to: t0 + span, left, right, x, ticks };
}
