import { formatDuration, formatQuantity } from './format.js';
import { LOINC } from './pain-series.js';
const quantity = (obs) => (obs.valueQuantity !== undefined ? formatQuantity(obs.valueQuantity) : 'No value');
/** In the order a clinician scans them: cardiac, activity, sleep, oxygen. */
export const VITAL_KINDS = [
    { code: '8867-4', label: 'Heart rate', format: quantity },
    { code: '40443-4', label: 'Resting heart rate', format: quantity },
    {
        code: '41950-7',
        label: 'Steps (24 h)',
        format: (obs) => obs.valueQuantity ? `${formatQuantity({ ...obs.valueQuantity, unit: undefined, code: undefined })} steps` : 'No value',
    },
    { code: '93832-4', label: 'Sleep duration', format: (obs) => formatDuration(obs.valueQuantity) },
    { code: '59408-5', label: 'Oxygen saturation (SpO2)', format: quantity },
];
/** A value older than this is marked stale: a wearable synced daily is at most a day or two behind. */
export const STALE_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;
export function lastnUrl(patientId) {
    const params = new URLSearchParams({
        patient: patientId,
        code: VITAL_KINDS.map((k) => `${LOINC}|${k.code}`).join(','),
        max: '1',
    });
    return `Observation/$lastn?${params}`;
}
function effective(obs) {
    return obs.effectiveDateTime ?? obs.effectiveInstant ?? obs.effectivePeriod?.end ?? obs.effectivePeriod?.start;
}
/** A period of 20 hours or more that starts at midnight is a day's total. */
function isDaily(obs) {
    const p = obs.effectivePeriod;
    if (!p?.start || !p.end)
        return false;
    return /T00:00(:00(\.0+)?)?([+-]\d{2}:\d{2}|Z)?$/.test(p.start) && Date.parse(p.end) - Date.parse(p.start) >= 20 * 3600_000;
}
/** One row per kind with the newest matching Observation (the server already returns one per code). */
export function vitalRows(observations, now) {
    return VITAL_KINDS.map((kind) => {
        const matches = observations.filter((o) => o.resourceType === 'Observation' &&
            o.status !== 'entered-in-error' &&
            o.code?.coding?.some((c) => c.system === LOINC && c.code === kind.code));
        const newest = matches.sort((a, b) => (Date.parse(effective(b) ?? '') || 0) - (Date.parse(effective(a) ?? '') || 0))[0];
        if (!newest)
            return { code: kind.code, label: kind.label };
        const daily = isDaily(newest);
        const when = daily ? newest.effectivePeriod.start.slice(0, 10) : effective(newest);
        const time = Date.parse(effective(newest) ?? '');
        const stale = Number.isNaN(time) || now.getTime() - time > STALE_DAYS * DAY_MS;
        return { code: kind.code, label: kind.label, value: kind.format(newest), when, daily, stale };
    });
}
