// HTML of the EHR launch simulator: its sign-in page and the launch form of a signed-in practitioner.
// Field names and element ids are a contract with the tests (username, password, #login, patient, client, #launch).
import type { Choice, EncounterChoice } from '../auth/fhir-lookup.js';
import { escapeHtml, page, signInForm } from '../auth/pages.js';
import type { User } from '../auth/user-store.js';

export function ehrSignInPage(error?: string): string {
  return page(
    'EHR launch simulator: sign in',
    `<p>Sign in as a practitioner (a user linked to a Practitioner) to launch apps as that practitioner.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
${signInForm('/ehr/login')}`,
  );
}

export interface LaunchChoices {
  patients: Choice[];
  /** The chosen patient, whose encounters are listed. */
  patient?: string;
  encounters: EncounterChoice[];
  apps: Choice[];
}

/** The form of a signed-in practitioner: the launch is made for that user, so no other user is listed. */
export function ehrLaunchPage(user: User, csrf: string, choices: LaunchChoices, error?: string): string {
  const options = (items: { value: string; label: string }[], selected?: string) =>
    items
      .map((i) => `<option value="${escapeHtml(i.value)}"${i.value === selected ? ' selected' : ''}>${escapeHtml(i.label)}</option>`)
      .join('');
  const token = `<input type="hidden" name="csrf" value="${escapeHtml(csrf)}">`;
  return page(
    'EHR launch simulator',
    `<p>Plays the EHR: you are signed in as <strong id="signed-in-as">${escapeHtml(user.displayName ?? user.username)} (${escapeHtml(user.fhirUser)})</strong>;
choose which chart is open and which app to launch.</p>
<form method="post" action="/ehr/logout">${token}<button type="submit" id="logout">Sign out</button></form>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/ehr/launch">
${token}
<label>Patient <select name="patient" required>${options(
      choices.patients.map((p) => ({ value: p.id, label: p.label })),
      choices.patient,
    )}</select></label>
<button type="submit" name="action" value="show-encounters" id="show-encounters" formnovalidate>Show this patient's encounters</button>
<label>Encounter of the patient above <select name="encounter"><option value="">(none)</option>${options(choices.encounters.map((e) => ({ value: e.id, label: e.label || e.id })))}</select></label>
<label><input type="checkbox" id="need-patient-banner" name="need_patient_banner" value="true" checked> The app shows the patient banner (<code>need_patient_banner</code>): this simulator shows none of its own</label>
<label>App <select name="client" required>${options(choices.apps.map((c) => ({ value: c.id, label: c.label })))}</select></label>
<button type="submit" id="launch">Launch</button>
</form>`,
  );
}
