// HTML pages of the authorization server: login, patient picker, consent and errors. Field names and
// element ids are a contract with the SMART app tests (username, password, #login, scope, #approve, ...).
import type { KoaContextWithOIDC } from 'oidc-provider';

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - FibroTrack</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.6rem 0}input[type=text],input[type=password],select{width:100%;padding:.4rem;font-size:1rem}
button{padding:.5rem 1.2rem;font-size:1rem;margin:.8rem .5rem 0 0}.error{color:#b00020}code{font-size:.9rem}</style>
</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}

/** Username and password posted to `action` (the field names and #login are the contract with the tests). */
export function signInForm(action: string): string {
  return `<form method="post" action="${escapeHtml(action)}">
<label>Username <input type="text" name="username" autocomplete="username" autocapitalize="none" spellcheck="false" required autofocus></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>
<button type="submit" id="login">Sign in</button>
</form>`;
}

export function loginPage(action: string, clientName: string, error?: string): string {
  return page(
    'Sign in',
    `<p>to continue to <strong>${escapeHtml(clientName)}</strong></p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
${signInForm(action)}`,
  );
}

export interface PatientChoice {
  id: string;
  label: string;
}

export function patientPickerPage(action: string, clientName: string, patients: PatientChoice[], error?: string): string {
  const options = patients.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.label)}</option>`).join('');
  return page(
    'Choose a patient',
    `<p><strong>${escapeHtml(clientName)}</strong> asks to open a patient record.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${escapeHtml(action)}">
<label>Patient <select name="patient" required>${options}</select></label>
<button type="submit" id="select-patient">Continue</button>
</form>`,
  );
}

export function consentPage(action: string, abortAction: string, clientName: string, scopes: string[], patientLabel?: string): string {
  const boxes = scopes
    .map((s) => `<label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked> <code>${escapeHtml(s)}</code> ${escapeHtml(describeScope(s))}</label>`)
    .join('\n');
  return page(
    'Allow access?',
    `<p><strong>${escapeHtml(clientName)}</strong> asks for the permissions below${patientLabel ? ` for <strong>${escapeHtml(patientLabel)}</strong>` : ''}. Untick any you do not want to give.</p>
<form method="post" action="${escapeHtml(action)}">
${boxes}
<button type="submit" id="approve">Allow</button>
<button type="submit" id="deny" formaction="${escapeHtml(abortAction)}" formnovalidate>Deny</button>
</form>`,
  );
}

const WORDS: Record<string, string> = {
  openid: 'know who you are',
  fhirUser: 'know your FHIR user record',
  profile: 'see your name',
  offline_access: 'keep access after you close the app',
  online_access: 'keep access while you are signed in',
  launch: 'receive the context the EHR launched it with',
  'launch/patient': 'know which patient is open',
  'launch/encounter': 'know which encounter is open',
};

function describeScope(scope: string): string {
  return WORDS[scope] ?? '';
}

/** oidc-provider's renderError: errors that cannot go back to the client (bad client or redirect_uri). */
export function renderErrorPage(ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }): void {
  ctx.type = 'html';
  ctx.body = page(
    'Authorization failed',
    `<p class="error"><strong>${escapeHtml(out.error)}</strong>: ${escapeHtml(out.error_description)}</p>`,
  );
}
