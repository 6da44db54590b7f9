// What the app asks the authorization server for, in an EHR launch and a standalone launch. Pure.
// https://build.fhir.org/ig/HL7/smart-app-launch/app-launch.html
export const CLIENT_ID = 'fibrotrack-provider-app';
/** Relative to the launch page; fhirclient makes it absolute (it must match the registered redirect_uri). */
export const REDIRECT_URI = 'index.html';
/** Read-only access to what the app shows: the patient, pain scores and vitals, medications, the signed-in user. */
const DATA_SCOPES = [
    'user/Patient.rs',
    'user/Observation.rs',
    'user/MedicationStatement.rs',
    'user/Medication.rs',
    'user/Practitioner.rs',
];
/** `online_access`: a refresh token while the user's session lasts, so a long visit does not end in a 401. */
const IDENTITY_SCOPES = ['openid', 'fhirUser', 'online_access'];
export const EHR_LAUNCH_SCOPE = ['launch', ...IDENTITY_SCOPES, ...DATA_SCOPES].join(' ');
export const STANDALONE_SCOPE = ['launch/patient', ...IDENTITY_SCOPES, ...DATA_SCOPES].join(' ');
export function ehrLaunchOptions() {
    // iss and launch come from the query string the EHR opened us with; fhirclient reads them itself.
    return { clientId: CLIENT_ID, scope: EHR_LAUNCH_SCOPE, redirectUri: REDIRECT_URI, pkceMode: 'required' };
}
/**
 * Standalone: the FHIR base comes from `?iss=` or is this server's own (`../fhir` relative to the page, which
 * is `$BASE_URL/fhir` when the app is served at `$BASE_URL/app/`).
 */
export function standaloneLaunchOptions(pageUrl) {
    const url = new URL(pageUrl);
    const given = url.searchParams.get('iss');
    const iss = given && /^https?:\/\//.test(given) ? given.replace(/\/+$/, '') : new URL('../fhir', url).href;
    const patientId = url.searchParams.get('patient') ?? undefined;
    return { clientId: CLIENT_ID, scope: STANDALONE_SCOPE, redirectUri: REDIRECT_URI, pkceMode: 'required', iss, ...(patientId ? { patientId } : {}) };
}
