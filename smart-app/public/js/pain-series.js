import { regionByCode, SNOMED } from './body-regions.js';
export const PAIN_LOINC = '72514-3';
export const LOINC = 'http://loinc.org';
export const FT_OBSERVATION = 'https://fhir.fibrotrack.org/CodeSystem/fibrotrack-observation';
/** Search for the range's pain scores, oldest first (the app sorts again: paging can interleave). */
export function painSearchUrl(patientId, from) {
    const params = new URLSearchParams({ patient: patientId, code: `${LOINC}|${PAIN_LOINC}`, _sort: 'date', _count: '500' });
    if (from)
        params.set('date', `ge${from.toISOString()}`);
    return `Observation?${params}`;
}
const text = (c) => c?.text?.trim() || c?.coding?.find((x) => x.display)?.display || c?.coding?.find((x) => x.code)?.code;
function details(obs) {
    const siteCodes = [];
    const sites = [];
    const site = obs.bodySite;
    if (site) {
        const code = site.coding?.find((c) => c.system === SNOMED)?.code;
        const region = regionByCode(code);
        if (code)
            siteCodes.push(code);
        const label = region?.label ?? text(site);
        if (label)
            sites.push(label);
    }
    const qualities = [];
    let interference;
    for (const component of obs.component ?? []) {
        const code = component.code?.coding?.find((c) => c.system === FT_OBSERVATION)?.code;
        if (code === 'pain-quality') {
            const q = text(component.valueCodeableConcept);
            if (q)
                qualities.push(q);
        }
        else if (code === 'pain-interference' && typeof component.valueQuantity?.value === 'number') {
            interference = component.valueQuantity.value;
        }
    }
    const note = (obs.note ?? [])
        .map((n) => n.text?.trim())
        .filter(Boolean)
        .join(' ') || undefined;
    return { sites, siteCodes, qualities, interference, note };
}
/**
 * Pain scores inside [from, to] (from absent: no lower bound), sorted by time. Skips what a clinician must not see
 * plotted as a score: entered-in-error or cancelled records, other codes, missing or non-numeric values, and
 * unparseable times.
 */
export function buildPainSeries(observations, from, to) {
    const start = from?.getTime() ?? -Infinity;
    const end = to.getTime();
    const points = [];
    for (const obs of observations) {
        if (obs.resourceType !== 'Observation')
            continue;
        if (obs.status === 'entered-in-error' || obs.status === 'cancelled')
            continue;
        if (!obs.code?.coding?.some((c) => c.system === LOINC && c.code === PAIN_LOINC))
            continue;
        const score = obs.valueQuantity?.value ?? obs.valueInteger;
        if (typeof score !== 'number' || !Number.isFinite(score))
            continue;
        const when = obs.effectiveDateTime ?? obs.effectiveInstant ?? obs.effectivePeriod?.start;
        if (!when)
            continue;
        const time = Date.parse(when);
        if (Number.isNaN(time) || time < start || time > end)
            continue;
        points.push({ when, time, score, id: obs.id, ...details(obs) });
    }
    return points.sort((a, b) => a.time - b.time || (a.id ?? '').localeCompare(b.id ?? ''));
}
/** The calendar day a time was recorded on, as the recording says (its own offset), else UTC. */
export function recordedDay(when, time) {
    return /^\d{4}-\d{2}-\d{2}/.test(when) ? when.slice(0, 10) : new Date(time).toISOString().slice(0, 10);
}
export const dayNoon = (day) => Date.parse(`${day}T12:00:00Z`);
/** One entry per day with a score: mean and maximum, oldest first (the chart's line and its whiskers). */
export function dailyPain(points) {
    const days = new Map();
    for (const p of points) {
        const day = recordedDay(p.when, p.time);
        days.set(day, [...(days.get(day) ?? []), p.score]);
    }
    return [...days.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([day, scores]) => ({
        day,
        time: dayNoon(day),
        count: scores.length,
        max: Math.max(...scores),
        mean: scores.reduce((a, b) => a + b, 0) / scores.length,
    }));
}
export function summarizePain(points) {
    if (!points.length)
        return { count: 0 };
    const scores = points.map((p) => p.score);
    return {
        count: points.length,
        first: points[0].when,
        last: points[points.length - 1].when,
        latest: points[points.length - 1],
        min: Math.min(...scores),
        max: Math.max(...scores),
        mean: scores.reduce((a, b) => a + b, 0) / scores.length,
    };
}
/** Mean pain in [from, to), or undefined when no score fell in it. */
export function meanPainBetween(points, from, to) {
    const scores = points.filter((p) => p.time >= from && p.time < to).map((p) => p.score);
    return scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : undefined;
}
