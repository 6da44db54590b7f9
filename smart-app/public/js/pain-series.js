export const PAIN_LOINC = '72514-3';
export const LOINC = 'http://loinc.org';
export const TREND_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;
/** The first instant of the trend window; the search asks the server for `date=ge` this. */
export function windowStart(now, days = TREND_DAYS) {
    return new Date(now.getTime() - days * DAY_MS);
}
/** Search for the window's pain scores, oldest first (the app sorts again: paging can interleave). */
export function painSearchUrl(patientId, now, days = TREND_DAYS) {
    const params = new URLSearchParams({
        patient: patientId,
        code: `${LOINC}|${PAIN_LOINC}`,
        date: `ge${windowStart(now, days).toISOString()}`,
        _sort: 'date',
        _count: '200',
    });
    return `Observation?${params}`;
}
/**
 * Pain scores inside [now - days, now], sorted by time. Skips what a clinician must not see plotted as a score:
 * entered-in-error or cancelled records, other codes, missing or non-numeric values, and unparseable times.
 */
export function buildPainSeries(observations, now, days = TREND_DAYS) {
    const from = windowStart(now, days).getTime();
    const to = now.getTime();
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
        if (Number.isNaN(time) || time < from || time > to)
            continue;
        points.push({ when, time, score, id: obs.id });
    }
    return points.sort((a, b) => a.time - b.time || (a.id ?? '').localeCompare(b.id ?? ''));
}
export function summarizePain(points) {
    if (!points.length)
        return { count: 0 };
    const scores = points.map((p) => p.score);
    return {
        count: points.length,
        latest: points[points.length - 1],
        min: Math.min(...scores),
        max: Math.max(...scores),
        mean: scores.reduce((a, b) => a + b, 0) / scores.length,
    };
}
