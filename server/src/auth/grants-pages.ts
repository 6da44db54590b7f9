// HTML of /auth/grants, where a signed-in user sees the apps they allowed, with the permissions in plain words, and
// revokes them. Field names and element ids are a contract with the tests (csrf, client, #revoke-<n>, #grants).
import type { RememberedConsent } from './consent-store.js';
import { escapeHtml, page, scopeList, signInForm } from './pages.js';

export function grantsSignInPage(error?: string): string {
  return page(
    'Your app permissions: sign in',
    `<p>Sign in to see the apps you allowed to use your FibroTrack account, and to revoke them.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
${signInForm('/auth/grants/login')}`,
  );
}

/** A consent as shown: the app's name and, for each patient/ grant, the patient's name. */
export interface ShownConsent {
  consent: RememberedConsent;
  appName: string;
  patientLabels: Record<string, string>;
}

export function grantsPage(who: { name: string; isPatient: boolean }, csrf: string, consents: ShownConsent[], notice?: string): string {
  const token = `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
  const apps = consents.map(({ consent, appName, patientLabels }, i) => {
    const anyPatient = consent.scopes.length
      ? `<h3>${who.isPatient ? 'For your record' : 'For any patient you may see'}</h3>${scopeList(consent.scopes, { userIsPatient: who.isPatient })}`
      : '';
    const perPatient = Object.entries(consent.patients)
      .map(([id, scopes]) => {
        const label = patientLabels[id] ?? `Patient/${id}`;
        return `<h3>For ${escapeHtml(label)} only</h3>${scopeList(scopes, { patientLabel: label, userIsPatient: who.isPatient })}`;
      })
      .join('');
    return `<section class="grant" aria-labelledby="app-${i}"><h2 id="app-${i}">${escapeHtml(appName)}</h2>
<p>Allowed since ${escapeHtml(consent.since.slice(0, 10))}.</p>
${anyPatient}${perPatient}
<form method="post" action="/auth/grants/revoke">${token}<input type="hidden" name="client" value="${escapeHtml(consent.clientId)}">
<button type="submit" id="revoke-${i}">Revoke ${escapeHtml(appName)}'s access</button></form></section>`;
  });
  return page(
    'Your app permissions',
    `<p>Signed in as <strong id="signed-in-as">${escapeHtml(who.name)}</strong>.</p>
<form method="post" action="/auth/grants/logout">${token}<button type="submit" id="logout">Sign out</button></form>
${notice ? `<p role="status" id="notice">${escapeHtml(notice)}</p>` : ''}
<div id="grants">${apps.length ? apps.join('\n') : '<p>You have not allowed any app to use your account.</p>'}</div>
<p>Revoking an app ends its access at once (the tokens it holds stop working) and it asks for your consent again at its next launch.</p>`,
  );
}
