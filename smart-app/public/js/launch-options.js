// What the app asks the authorization server for, in an EHR launch and a standalone launch. Pure.
// https://build.fhir.org/ig/HL7/smart-app-launch/app-launch.html
export const CLIENT_ID = 'fibrotrack-provider-app';
/** Relative to the launch page; fhirclient makes it absolute (it must match the registered redirect_uri). */
export const REDIRECT_URI = 'index.html';
/**
 * Read-only access to what the app shows, confined to the patient in context (patient/ scopes: a user/ scope would
 * reach every patient the user may see): the patient, pain scores and wearable data, medications of both kinds,
 * conditions. user/Practitioner.rs only reads the signed-in user's name (no patient data).
 */
const DATA_SCOPES = [
    'patient/Patient.rs',
    'patient/Observation.rs',
    'patient/MedicationStatement.rs',
    'patient/MedicationRequest.rs',
    'patient/Medication.rs',
    'patient/Condition.rs',
    'user/Practitioner.rs',
];
/** Recording a pain score: asked for only after the clinician chose to record (incremental consent). */
export const RECORD_SCOPE = 'patient/Observation.c';
/** localStorage key set when the clinician asked for recording; the next launch asks for RECORD_SCOPE. */
export const WANTS_RECORDING = 'fibrotrack-wants-recording';
/** sessionStorage key: which launch started this session ('ehr' or 'standalone'), for the relaunch action. */
export const LAUNCH_KIND = 'fibrotrack-launch-kind';
/** `online_access`: a refresh token while the user's session lasts, so a long visit does not end in a 401. */
const IDENTITY_SCOPES = ['openid', 'fhirUser', 'online_access'];
/**
 * Open pain alerts of the patient in context: reading the scores is covered above; the acknowledgements are Flags
 * (search them, create one per acknowledgement), and live updates need the app's own Subscription (search for the
 * one it made before, create one, read it for `$get-ws-binding-token`). Confined to the patient like the rest.
 */
const ALERT_SCOPES = ['patient/Flag.cs', 'patient/Subscription.crs'];
/**
 * The cross-patient alert list, asked for only when a clinician opens it (incremental consent): user/ scopes, since
 * it reaches every patient the user may see, but no more than the list needs (scores searched and read: the server
 * lets a Subscription deliver only what its creator may read; their patients read through _include;
 * acknowledgements; the live Subscription).
 */
export const ALERT_LIST_SCOPE = [
    'openid',
    'fhirUser',
    'online_access',
    'user/Observation.rs',
    'user/Patient.r',
    'user/Flag.cs',
    'user/Subscription.crs',
    'user/Practitioner.rs',
].join(' ');
export const EHR_LAUNCH_SCOPE = ['launch', ...IDENTITY_SCOPES, ...DATA_SCOPES, ...ALERT_SCOPES].join(' ');
export const STANDALONE_SCOPE = ['launch/patient', ...IDENTITY_SCOPES, ...DATA_SCOPES, ...ALERT_SCOPES].join(' ');
const withRecording = (scope, recording) => (recording ? `${scope} ${RECORD_SCOPE}` : scope);
export function ehrLaunchOptions(recording = false) {
    // iss and launch come from the query string the EHR opened us with; fhirclient reads them itself.
    return { clientId: CLIENT_ID, scope: withRecording(EHR_LAUNCH_SCOPE, recording), redirectUri: REDIRECT_URI, pkceMode: 'required' };
}
/**
 * Standalone: the FHIR base comes from `?iss=` or is this server's own (`../fhir` relative to the page, which
 * is `$BASE_URL/fhir` when the app is served at `$BASE_URL/app/`).
 */
export function standaloneLaunchOptions(pageUrl, recording = false) {
    const url = new URL(pageUrl);
    const given = url.searchParams.get('iss');
    const iss = given && /^https?:\/\//.test(given) ? given.replace(/\/+$/, '') : new URL('../fhir', url).href;
    const patientId = url.searchParams.get('patient') ?? undefined;
    return {
        clientId: CLIENT_ID,
        scope: withRecording(STANDALONE_SCOPE, recording),
        redirectUri: REDIRECT_URI,
        pkceMode: 'required',
        iss,
        ...(patientId ? { patientId } : {}),
    };
}
/** alerts.html: the same FHIR base rules as a standalone launch, no patient, the list's user/ scopes. */
export function alertListLaunchOptions(pageUrl) {
    const { iss } = standaloneLaunchOptions(pageUrl);
    return { clientId: CLIENT_ID, scope: ALERT_LIST_SCOPE, redirectUri: REDIRECT_URI, pkceMode: 'required', iss };
}
