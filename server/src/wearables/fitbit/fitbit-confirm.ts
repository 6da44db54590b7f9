// POST /wearables/fitbit/confirm: the user who started a Fitbit link confirms it, from the browser that
// completed Fitbit's consent (the only place the confirmation id is shown). With AUTH_MODE=smart that user signs
// in again here (same users and lockout as /auth): a forwarded consent link completed by someone else cannot be
// confirmed by them. AUTH_MODE=open has no users; the click confirms. Linking is audited, as is the account it replaces.
import type { Patient } from 'fhir/r4.js';
import type { RequestHandler } from 'express';
import { badRequest, conflict, notPermitted } from '../../core/outcomes.js';
import { fitbitOf } from '../wearable-services.js';
import { auditFitbitLink } from './fitbit-audit.js';
import type { FitbitLinkDeps } from './fitbit-callback.js';
import { confirmPage, displayName, linkedPage, sendPage } from './fitbit-link-pages.js';
import { FLOW_TTL_MINUTES, FitbitAccountTaken } from './fitbit-store.js';

export function confirmRoute(deps: FitbitLinkDeps): RequestHandler {
  return async (req, res, next) => {
    try {
      const fitbit = fitbitOf(deps.services);
      const form = (req.body ?? {}) as Record<string, unknown>;
      const confirmation = typeof form.confirmation === 'string' ? form.confirmation : '';
      if (!confirmation)
        throw badRequest('The confirmation needs its confirmation field (from the page Fitbit sent you back to)', 'confirmation');
      const pending = await fitbit.store.pending(confirmation);
      if (!pending)
        throw badRequest(
          `Unknown, expired (after ${FLOW_TTL_MINUTES} minutes) or already used confirmation: start again from $connect-fitbit`,
          'confirmation',
        );
      let who = {};
      if (deps.signIn) {
        const username = typeof form.username === 'string' ? form.username : '';
        const password = typeof form.password === 'string' ? form.password : '';
        const again = async (error: string, status: number) => {
          const patient = (await deps.services.ctx.repo.read('Patient', pending.patientId))?.resource as Patient | undefined;
          sendPage(
            res,
            status,
            confirmPage({
              confirmation,
              fitbitUserId: pending.tokens.fitbitUserId,
              patientId: pending.patientId,
              patientName: displayName(patient),
              signIn: true,
              error,
            }),
          );
        };
        if (!username || !password)
          return void (await again('Sign in with the username and password of the user who started this link.', 400));
        if (await deps.signIn.throttle.locked(username))
          return void (await again('Too many failed sign-ins for this username; try again later.', 429));
        const user = await deps.signIn.users.authenticate(username, password);
        if (!user) {
          await deps.signIn.throttle.failed(username);
          return void (await again('Wrong username or password.', 401));
        }
        await deps.signIn.throttle.succeeded(username);
        if (!pending.startedBy || user.accountId !== pending.startedBy) {
          throw notPermitted('Only the user who started this link (with $connect-fitbit) may confirm it; nothing was linked');
        }
        who = { subject: user.accountId, fhirUser: user.fhirUser };
      }
      if (!(await fitbit.store.takePending(confirmation)))
        throw badRequest('This confirmation was already used; nothing more was linked', 'confirmation');
      let replaced: string | undefined;
      try {
        replaced = await fitbit.store.saveLink(pending.patientId, pending.tokens, pending.timeZone);
      } catch (err) {
        if (err instanceof FitbitAccountTaken) {
          throw conflict(
            `Fitbit account ${pending.tokens.fitbitUserId} is already linked to another FibroTrack record; one Fitbit account feeds one record`,
          );
        }
        throw err;
      }
      if (replaced) auditFitbitLink(deps.audit, 'fitbit-unlink', who, pending.patientId, replaced);
      auditFitbitLink(deps.audit, 'fitbit-link', who, pending.patientId, pending.tokens.fitbitUserId);
      sendPage(res, 200, linkedPage(pending.tokens.fitbitUserId, pending.patientId));
    } catch (err) {
      next(err);
    }
  };
}
