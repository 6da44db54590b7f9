import { dayNoon, LOINC } from './pain-series.js';
/** $stats of LOINC `codes` for the patient, per UTC day, over [from, to] (from absent: all time). */
export function dailyStatsUrl(patientId, codes, statistics, from, to) {
    const params = new URLSearchParams({ subject: `Patient/${patientId}`, system: LOINC });
    for (const code of codes)
        params.append('code', code);
    params.set('statistic', statistics.join(','));
    params.set('period', `${from ? from.toISOString() : ''}/${to.toISOString()}`);
    params.set('bucket', 'day');
    return `Observation/$stats?${params}`;
}
/** The answer as days per code, oldest first; days of several units are kept apart (the caller converts). */
export function statDays(answer) {
    const byCode = new Map();
    for (const p of answer.parameter ?? []) {
        const obs = p.resource;
        const code = obs?.code?.coding?.[0]?.code;
        const day = obs?.effectivePeriod?.start?.slice(0, 10);
        if (p.name !== 'statistics' || !code || !day)
            continue;
        const values = {};
        let unit;
        for (const c of obs.component ?? []) {
            const stat = c.code?.coding?.[0]?.code;
            const value = c.valueQuantity?.value ?? c.valueInteger;
            if (!stat || typeof value !== 'number')
                continue;
            values[stat] = value;
            unit ??= c.valueQuantity?.code ?? c.valueQuantity?.unit;
        }
        byCode.set(code, [...(byCode.get(code) ?? []), { day, time: dayNoon(day), values, unit }]);
    }
    for (const days of byCode.values())
        days.sort((a, b) => a.time - b.time);
    return byCode;
}
/** Pain days (mean, maximum, count) from days with average, maximum and count. */
export function painDays(days) {
    return days
        .filter((d) => d.values.count > 0 && d.values.average !== undefined)
        .map((d) => ({ day: d.day, time: d.time, mean: d.values.average, max: d.values.maximum ?? d.values.average, count: d.values.count }));
}
/** Mean of every score in the days inside [from, to) (each day weighted by its count), or undefined. */
export function meanOfDays(days, from, to) {
    const inside = days.filter((d) => d.time >= from && d.time < to);
    const count = inside.reduce((n, d) => n + d.count, 0);
    return count ? inside.reduce((sum, d) => sum + d.mean * d.count, 0) / count : undefined;
}
/** The summary of a range from its days and their minimum; `latest` from the recent scores when there are some. */
export function summarizeDays(days, minimum, latest) {
    const count = days.reduce((n, d) => n + d.count, 0);
    if (!count)
        return { count: 0 };
    return {
        count,
        latest,
        first: days[0].day,
        last: days[days.length - 1].day,
        min: Math.min(...days.map((d) => minimum.get(d.day) ?? d.mean)),
        max: Math.max(...days.map((d) => d.max)),
        mean: meanOfDays(days, -Infinity, Infinity),
    };
}
