// HTML pages of the authorization server: login, patient picker, consent and errors. Field names and
// element ids are a contract with the SMART app tests (username, password, #login, scope, #approve, ...).
import type { KoaContextWithOIDC } from 'oidc-provider';
import { describeScope, GROUP_TITLES, type Audience, type ScopeGroup, type ScopeWording } from './scope-words.js';
import { parseClinicalScope } from './smart-scopes.js';

export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - FibroTrack</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.6rem 0}input[type=text],input[type=search],input[type=password],select{width:100%;padding:.4rem;font-size:1rem}
button{padding:.5rem 1.2rem;font-size:1rem;margin:.8rem .5rem 0 0}fieldset{border:1px solid #ccc;margin:.8rem 0}.scope label{margin:.5rem 0 0}details{margin:0 0 .3rem 1.6rem;font-size:.85rem;color:#555}.error{color:#b00020}code{font-size:.9rem}</style>
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

export interface PatientSearch {
  /** The text searched for ('' before any search). */
  text: string;
  patients: PatientChoice[];
  /** More patients match than are listed. */
  more: boolean;
}

/** A search box (GET `searchAction?q=`) above the list it found; the pick is posted to `action` as `patient`. */
export function patientPickerPage(action: string, searchAction: string, clientName: string, found: PatientSearch, error?: string): string {
  const options = found.patients.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.label)}</option>`).join('');
  const summary = !found.patients.length
    ? `No patient matches <strong>${escapeHtml(found.text)}</strong>.`
    : `${found.patients.length} patient${found.patients.length === 1 ? '' : 's'}${found.text ? ` matching <strong>${escapeHtml(found.text)}</strong>` : ''}${found.more ? ': only the first are listed, search to narrow them down' : ''}.`;
  return page(
    'Choose a patient',
    `<p><strong>${escapeHtml(clientName)}</strong> asks to open a patient record.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="get" action="${escapeHtml(searchAction)}" role="search">
<label>Find by name, birth date (1980-04-02) or MRN <input type="search" id="patient-search" name="q" value="${escapeHtml(found.text)}" maxlength="${PATIENT_SEARCH_MAX}" autocomplete="off"></label>
<button type="submit" id="search-patients">Search</button>
</form>
<p id="patient-results" role="status">${summary}</p>
${
  found.patients.length
    ? `<form method="post" action="${escapeHtml(action)}">
<label>Patient <select name="patient" required size="${Math.min(Math.max(found.patients.length, 2), 10)}">${options}</select></label>
<button type="submit" id="select-patient">Continue</button>
</form>`
    : ''
}`,
  );
}

/** The longest patient search text accepted. */
export const PATIENT_SEARCH_MAX = 100;

/**
 * Each newly requested scope as a checkbox with its meaning in plain words, grouped; the raw scope in a details
 * element. Scopes the user allowed the app before are listed below, without a checkbox (they are revoked at /auth/grants).
 */
export function consentPage(
  action: string,
  abortAction: string,
  clientName: string,
  scopes: { asked: string[]; allowedBefore: string[] },
  audience: Audience,
): string {
  const groups = groupedScopes(scopes.asked, audience)
    .map(
      ({ title, items }) => `<fieldset><legend>${escapeHtml(title)}</legend>
${items
  .map(
    (
      w,
    ) => `<div class="scope"><label><input type="checkbox" name="scope" value="${escapeHtml(w.scope)}" checked> ${escapeHtml(w.text)}</label>
<details><summary>Scope</summary><code>${escapeHtml(w.scope)}</code></details></div>`,
  )
  .join('\n')}
</fieldset>`,
    )
    .join('\n');
  const before = scopes.allowedBefore.length
    ? `<section id="allowed-before"><h2>Already allowed</h2><p>You allowed these before; they stay allowed until you revoke them at <a href="/auth/grants">your app permissions</a>.</p>
${scopeList(scopes.allowedBefore, audience)}</section>`
    : '';
  // The patient is named only when a permission is confined to them; user/ scopes reach every patient the user may see.
  const all = [...scopes.asked, ...scopes.allowedBefore];
  const confined = audience.patientLabel && all.some((s) => s === 'launch/patient' || parseClinicalScope(s)?.level === 'patient');
  return page(
    'Allow access?',
    `<p><strong>${escapeHtml(clientName)}</strong> asks for the permissions below. Untick any you do not want to give.</p>
${confined ? `<p id="consent-patient">Patient: <strong>${escapeHtml(audience.patientLabel)}</strong></p>` : ''}
<form method="post" action="${escapeHtml(action)}">
${groups}
<button type="submit" id="approve">Allow</button>
<button type="submit" id="deny" formaction="${escapeHtml(abortAction)}" formnovalidate>Deny</button>
</form>
${before}`,
  );
}

/** Scopes in plain words, grouped by what they allow, as nested lists (the raw scope in a title). */
export function scopeList(scopes: string[], audience: Audience): string {
  return `<ul class="scopes">${groupedScopes(scopes, audience)
    .map(
      ({ title, items }) =>
        `<li>${escapeHtml(title)}<ul>${items.map((w) => `<li title="${escapeHtml(w.scope)}">${escapeHtml(w.text)}</li>`).join('')}</ul></li>`,
    )
    .join('')}</ul>`;
}

function groupedScopes(scopes: string[], audience: Audience): { title: string; items: ScopeWording[] }[] {
  const worded = scopes.map((s) => describeScope(s, audience));
  return (Object.keys(GROUP_TITLES) as ScopeGroup[])
    .map((group) => ({ title: GROUP_TITLES[group], items: worded.filter((w) => w.group === group) }))
    .filter((g) => g.items.length);
}

/** oidc-provider's renderError: errors that cannot go back to the client (bad client or redirect_uri). */
export function renderErrorPage(ctx: KoaContextWithOIDC, out: { error?: string; error_description?: string }): void {
  ctx.type = 'html';
  ctx.body = page(
    'Authorization failed',
    `<p class="error"><strong>${escapeHtml(out.error)}</strong>: ${escapeHtml(out.error_description)}</p>`,
  );
}
