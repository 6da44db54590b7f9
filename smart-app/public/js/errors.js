// Turns what fhirclient or the server threw into what a provider should read and do next. Pure.
const RELAUNCH = 'Launch the app again from the EHR, or start a standalone launch.';
/** `what` names the data that failed to load ("pain scores"), for a message about that section only. */
export function describeProblem(error, what = 'this data') {
    const message = error.message ?? '';
    const detail = error.diagnostics ? ` Server said: ${error.diagnostics}` : '';
    if (error.status === 401) {
        return { kind: 'expired', title: 'Your session has expired', detail: `The access token was not accepted (401). ${RELAUNCH}` };
    }
    // A refresh that failed: the refresh token expired with the user's session, or was revoked.
    if (error.status === 400 && /\binvalid_grant\b/.test(message)) {
        return { kind: 'expired', title: 'Your session has expired', detail: `The sign-in could not be renewed. ${RELAUNCH}` };
    }
    if (error.status === 403) {
        return {
            kind: 'forbidden',
            title: `Not permitted to view ${what}`,
            detail: `The server refused access (403): the authorization granted to this app does not cover ${what}.${detail}`,
        };
    }
    if (error.status === 404)
        return { kind: 'not-found', title: `${capitalize(what)} not found`, detail: `The server answered 404.${detail}` };
    if (error.status !== undefined && error.status >= 500) {
        return { kind: 'server', title: `The server failed to return ${what}`, detail: `HTTP ${error.status}.${detail} Try again later.` };
    }
    if (/No server url found/i.test(message)) {
        return {
            kind: 'not-launched',
            title: 'The app was not launched',
            detail: `The launch page needs the EHR's iss and launch parameters. ${RELAUNCH}`,
        };
    }
    if (/No 'state' parameter found|No state found/i.test(message)) {
        return { kind: 'not-launched', title: 'The app was not launched', detail: `This page needs a SMART launch. ${RELAUNCH}` };
    }
    // The authorization server redirected back with `error=access_denied` (fhirclient rethrows it as the message).
    if (/^(access_denied|invalid_scope|unauthorized_client|invalid_request|login_required|consent_required|interaction_required)\b/.test(message)) {
        return { kind: 'denied', title: 'Authorization was not granted', detail: `${message}. ${RELAUNCH}` };
    }
    if (/session has expired|re-launch/i.test(message)) {
        return { kind: 'expired', title: 'Your session has expired', detail: RELAUNCH };
    }
    if (/Failed to fetch|NetworkError|Load failed/i.test(message)) {
        return {
            kind: 'network',
            title: `Could not reach the server for ${what}`,
            detail: 'Check the network connection and reload the page.',
        };
    }
    return { kind: 'other', title: `Could not load ${what}`, detail: message.split('\n')[0] || 'Unknown error.' };
}
/**
 * Reads an error thrown by fhirclient: its HttpError has `status`, and its message ends with the response body
 * (pretty JSON for an OperationOutcome), from which the first issue's diagnostics are taken.
 */
export function toErrorLike(error) {
    if (typeof error !== 'object' || error === null)
        return { message: String(error) };
    const { status, message } = error;
    const text = typeof message === 'string' ? message : '';
    const out = { message: text };
    if (typeof status === 'number')
        out.status = status;
    const bodyStart = text.indexOf('\n\n{');
    if (bodyStart >= 0) {
        try {
            const body = JSON.parse(text.slice(bodyStart + 2));
            const diagnostics = body.resourceType === 'OperationOutcome' ? body.issue?.find((i) => i.diagnostics)?.diagnostics : undefined;
            if (diagnostics)
                out.diagnostics = diagnostics;
        }
        catch {
            // Not JSON after all: the status alone still classifies the problem.
        }
    }
    return out;
}
function capitalize(s) {
    return s.charAt(0).toUpperCase() + s.slice(1);
}
