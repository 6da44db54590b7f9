// Where the recent pain is: per Widespread Pain Index region, how often it was reported and how bad. Pure.
import { BODY_REGIONS } from './body-regions.js';
import { DAY_MS } from './range.js';
/** "Recent" on the body map: the last 30 days of the range shown. */
export const BODY_MAP_DAYS = 30;
export function regionPain(points, to, days = BODY_MAP_DAYS) {
    const from = to.getTime() - days * DAY_MS;
    const recent = points.filter((p) => p.time >= from && p.time <= to.getTime());
    return BODY_REGIONS.map((region) => {
        const scores = recent.filter((p) => p.siteCodes.includes(region.code)).map((p) => p.score);
        return { region, count: scores.length, ...(scores.length ? { mean: scores.reduce((a, b) => a + b, 0) / scores.length } : {}) };
    });
}
