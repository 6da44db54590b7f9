import { DAY_MS } from './range.js';
import { buildPainSeries, LOINC, PAIN_LOINC } from './pain-series.js';
/** The `pain-severe` SubscriptionTopic's default: a score above 8 of 10 is an alert (so 9 and 10). */
export const ALERT_THRESHOLD = 8;
/** How far back a score can still be an open alert; older ones are history, shown in the pain table. */
export const ALERT_WINDOW_DAYS = 30;
/** At most this many alerts are shown (newest first); the rest are counted. */
export const MAX_ALERTS = 100;
export const PAIN_SEVERE_TOPIC = 'https://fhir.fibrotrack.org/SubscriptionTopic/pain-severe';
export const FLAG_DETAIL = 'http://hl7.org/fhir/StructureDefinition/flag-detail';
/** SNOMED CT 76948002 |Severe pain (finding)|: what the Flag is about, in a code every FHIR reader can look up. */
export const SEVERE_PAIN = { system: 'http://snomed.info/sct', code: '76948002', display: 'Severe pain' };
const FLAG_CATEGORY = { system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical', display: 'Clinical' };
export const windowStart = (now) => new Date(now.getTime() - ALERT_WINDOW_DAYS * DAY_MS);
/**
 * The candidate scores, newest first: one patient's, or (no patient) every patient's the token may search, then
 * with their Patients included so the list can name them.
 */
export function alertScoresUrl(patientId, now) {
    const params = new URLSearchParams({
        code: `${LOINC}|${PAIN_LOINC}`,
        'value-quantity': `gt${ALERT_THRESHOLD}`,
        date: `ge${windowStart(now).toISOString()}`,
        _sort: '-date',
        _count: String(MAX_ALERTS),
    });
    if (patientId)
        params.set('patient', patientId);
    else
        params.set('_include', 'Observation:subject');
    return `Observation?${params}`;
}
/** Flags of the patients (ids) whose period reaches into the window: the acknowledgements there may be. */
export function acknowledgementsUrl(patientIds, now) {
    const params = new URLSearchParams({ patient: patientIds.join(','), date: `ge${windowStart(now).toISOString()}`, _count: '500' });
    return `Flag?${params}`;
}
/** Who may acknowledge: a clinician. A patient's own app writing a Flag about themselves does not silence an alert. */
export const isClinician = (ref) => /^(Practitioner|PractitionerRole)\/[^/]+$/.test(ref ?? '');
/**
 * `Observation/<id>` references the Flags acknowledge, each counted only for the Flag's own subject and only when a
 * clinician (Practitioner or PractitionerRole) is its author.
 */
export function acknowledged(flags) {
    const keys = new Set();
    for (const flag of flags) {
        if (flag.resourceType !== 'Flag' || flag.status === 'entered-in-error' || !isClinician(flag.author?.reference))
            continue;
        const subject = flag.subject?.reference;
        if (!subject)
            continue;
        for (const ext of flag.extension ?? []) {
            const ref = ext.url === FLAG_DETAIL ? ext.valueReference?.reference : undefined;
            if (ref?.startsWith('Observation/'))
                keys.add(`${subject} ${ref}`);
        }
    }
    return keys;
}
/** Open alerts, newest first: scores above the threshold in the window that no Flag of the same patient acknowledges. */
export function openAlerts(observations, flags, now) {
    const acks = acknowledged(flags);
    const subjects = new Map(observations.map((o) => [o.id, o.subject?.reference]));
    return buildPainSeries(observations, windowStart(now), now)
        .flatMap((p) => {
        const patient = p.id ? subjects.get(p.id) : undefined;
        if (!p.id || !patient?.startsWith('Patient/') || p.score <= ALERT_THRESHOLD)
            return [];
        if (acks.has(`${patient} Observation/${p.id}`))
            return [];
        return [{ ...p, id: p.id, patient }];
    })
        .sort((a, b) => b.time - a.time || a.id.localeCompare(b.id));
}
/**
 * The acknowledgement: a Flag about the patient, already over (inactive) since the alert is dealt with; its period
 * runs from the score to now, its author is the clinician, flag-detail names the score.
 */
export function acknowledgementFlag(alert, author, now) {
    return {
        resourceType: 'Flag',
        extension: [{ url: FLAG_DETAIL, valueReference: { reference: `Observation/${alert.id}` } }],
        status: 'inactive',
        category: [{ coding: [FLAG_CATEGORY] }],
        code: { coding: [SEVERE_PAIN], text: `Severe pain: ${alert.score} of 10 (acknowledged)` },
        subject: { reference: alert.patient },
        period: { start: alert.when, end: now.toISOString() },
        ...(author ? { author: { reference: author } } : {}),
    };
}
/** The patients of the alerts, in order of their newest alert, each with its alerts. */
export function alertsByPatient(alerts, patients) {
    const byRef = new Map(patients.map((p) => [`Patient/${p.id}`, p]));
    const groups = new Map();
    for (const a of alerts)
        groups.set(a.patient, [...(groups.get(a.patient) ?? []), a]);
    return [...groups.entries()].map(([patient, list]) => ({ patient, resource: byRef.get(patient), alerts: list }));
}
/** The patient ids (not references) of some alerts, each once. */
export const patientIdsOf = (alerts) => [...new Set(alerts.map((a) => a.patient.slice('Patient/'.length)))];
