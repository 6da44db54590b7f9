// The pages of the Fitbit linking flow in the patient's browser: the confirmation (which Fitbit account goes to
// which record, and who must confirm it) and the result. Never framed, never cached, never a Referer.
import type { Response } from 'express';
import type { Patient } from 'fhir/r4.js';
import { escapeHtml, page } from '../../auth/pages.js';

export interface ConfirmPage {
  confirmation: string;
  fitbitUserId: string;
  patientId: string;
  patientName?: string;
  /** AUTH_MODE=smart: the user who started the flow signs in again to confirm. */
  signIn: boolean;
  error?: string;
}

export function confirmPage(p: ConfirmPage): string {
  const record = `${p.patientName ? `${escapeHtml(p.patientName)} ` : ''}(<code>Patient/${escapeHtml(p.patientId)}</code>)`;
  const credentials = p.signIn
    ? `<p>Only the FibroTrack user who started this link can confirm it: sign in as that user.</p>
<label>Username <input type="text" name="username" autocomplete="username" required></label>
<label>Password <input type="password" name="password" autocomplete="current-password" required></label>`
    : '';
  return page(
    'Link your Fitbit account?',
    `${p.error ? `<p class="error">${escapeHtml(p.error)}</p>` : ''}
<p>Fitbit account <strong><code>${escapeHtml(p.fitbitUserId)}</code></strong> is about to be linked to the FibroTrack record of
<strong>${record}</strong>. Its heart rate, sleep, steps, HRV, SpO2 and weight will be copied into that record.</p>
<p>If this is not your record, or you did not start this from your FibroTrack app, close this window: nothing is linked.</p>
<form method="post" action="confirm">
<input type="hidden" name="confirmation" value="${escapeHtml(p.confirmation)}">
${credentials}
<button type="submit" id="confirm">Link this Fitbit account</button>
</form>`,
  );
}

export const linkedPage = (fitbitUserId: string, patientId: string) =>
  page(
    'Fitbit connected',
    `<p>Fitbit account <code>${escapeHtml(fitbitUserId)}</code> is linked to <code>Patient/${escapeHtml(patientId)}</code>. You can close this window.</p>`,
  );

export function sendPage(res: Response, status: number, html: string): void {
  res
    .status(status)
    .set({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
    })
    .type('html')
    .send(html);
}

/** The patient's name as the pages show it. */
export function displayName(patient: Patient | undefined): string | undefined {
  const name = patient?.name?.[0];
  if (!name) return undefined;
  return name.text ?? [...(name.given ?? []), name.family].filter(Boolean).join(' ') ?? undefined;
}
