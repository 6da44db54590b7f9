import { regionByCode, SNOMED } from './body-regions.js';
import { LOINC, PAIN_LOINC } from './pain-series.js';
export const PAIN_PROFILE = 'https://fhir.fibrotrack.org/StructureDefinition/fibrotrack-pain-severity';
export const MAX_NOTE = 2000;
/**
 * One Observation per body site (the profile has a single bodySite), or one without a site. The performer is the
 * signed-in user when known, so the record says who measured it.
 */
export function painObservations(form, patientId, performer, now) {
    const score = form.score.trim();
    if (!/^\d{1,2}$/.test(score) || Number(score) > 10)
        return { ok: false, field: 'score', message: 'Choose a pain score from 0 to 10.' };
    const note = form.note.trim();
    if (note.length > MAX_NOTE)
        return { ok: false, field: 'note', message: `The note is ${note.length} characters; at most ${MAX_NOTE}.` };
    const unknown = form.sites.find((c) => !regionByCode(c));
    if (unknown)
        return { ok: false, field: 'sites', message: `Unknown body site ${unknown}.` };
    const base = () => ({
        resourceType: 'Observation',
        meta: { profile: [PAIN_PROFILE] },
        status: 'final',
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey', display: 'Survey' }] }],
        code: { coding: [{ system: LOINC, code: PAIN_LOINC, display: 'Pain severity - 0-10 verbal numeric rating [Score] - Reported' }] },
        subject: { reference: `Patient/${patientId}` },
        effectiveDateTime: now.toISOString(),
        ...(performer ? { performer: [{ reference: performer }] } : {}),
        valueQuantity: { value: Number(score), unit: '{score}', system: 'http://unitsofmeasure.org', code: '{score}' },
        ...(note ? { note: [{ text: note }] } : {}),
    });
    const sites = [...new Set(form.sites)];
    if (!sites.length)
        return { ok: true, observations: [base()] };
    return {
        ok: true,
        observations: sites.map((code) => ({
            ...base(),
            bodySite: { coding: [{ system: SNOMED, code, display: regionByCode(code).label }] },
        })),
    };
}
/** The granted scopes let this session create Observations (patient/ or user/, v1 or v2 syntax). */
export function canRecord(scope) {
    // v2 permissions are in the order c r u d s, so a create grant starts with "c"; v1 says write or *.
    return (scope ?? '').split(/\s+/).some((s) => /^(patient|user)\/(Observation|\*)\.(\*|write|c[ruds]*)$/.test(s));
}
