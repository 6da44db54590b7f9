// GET /wearables/fitbit/callback: where Fitbit sends the browser back after consent. The state (single use, ten
// minutes) names the patient, the PKCE verifier and the user who started the flow; the code becomes tokens, which
// are NOT linked yet: whoever opened the consent link may not be that user (login CSRF: a patient could send
// their link to someone else and receive that person's data). The page shows which Fitbit account would go to
// which record and asks that user to confirm (fitbit-confirm.ts).
// https://dev.fitbit.com/build/reference/web-api/authorization/
import express, { type Router } from 'express';
import type { Patient } from 'fhir/r4.js';
import type { AuditRecorder } from '../../audit/audit-log.js';
import type { LoginThrottle } from '../../auth/login-throttle.js';
import type { UserStore } from '../../auth/user-store.js';
import { badRequest } from '../../core/outcomes.js';
import { fitbitOf, type WearableServices } from '../wearable-services.js';
import { confirmRoute } from './fitbit-confirm.js';
import { confirmPage, displayName, sendPage } from './fitbit-link-pages.js';
import { FitbitAuthError, exchangeCode, randomToken } from './fitbit-oauth.js';
import { FLOW_TTL_MINUTES } from './fitbit-store.js';

export interface FitbitLinkDeps {
  services: WearableServices;
  audit: AuditRecorder;
  /** AUTH_MODE=smart: the confirmation needs the starting user's password (with the sign-in lockout). */
  signIn?: { users: UserStore; throttle: LoginThrottle };
}

export function fitbitCallbackRouter(deps: FitbitLinkDeps): Router {
  const router = express.Router();
  router.get('/fitbit/callback', async (req, res, next) => {
    try {
      const fitbit = fitbitOf(deps.services);
      const q = new URL(req.originalUrl, 'http://local').searchParams;
      const state = q.get('state');
      if (!state) throw badRequest('The Fitbit callback needs a state parameter', 'state');
      await fitbit.store.deleteExpired();
      const pending = await fitbit.store.takeState(state);
      if (!pending)
        throw badRequest(
          `Unknown, expired (after ${FLOW_TTL_MINUTES} minutes) or already used state: start again from $connect-fitbit`,
          'state',
        );
      const denied = q.get('error');
      if (denied) throw badRequest(`Fitbit did not authorize access (${denied.slice(0, 64)}); nothing was connected`, 'error');
      const code = q.get('code');
      if (!code) throw badRequest('The Fitbit callback needs a code parameter', 'code');
      let tokens;
      try {
        tokens = await exchangeCode(fitbit.config, code, pending.codeVerifier, fitbit.redirectUri);
      } catch (err) {
        if (err instanceof FitbitAuthError)
          throw badRequest(`Fitbit refused the authorization code (${err.errorType}): start again from $connect-fitbit`, 'code');
        throw err;
      }
      const confirmation = randomToken();
      await fitbit.store.savePending(confirmation, {
        patientId: pending.patientId,
        startedBy: pending.startedBy,
        tokens,
        timeZone: pending.timeZone,
      });
      const patient = (await deps.services.ctx.repo.read('Patient', pending.patientId))?.resource as Patient | undefined;
      sendPage(
        res,
        200,
        confirmPage({
          confirmation,
          fitbitUserId: tokens.fitbitUserId,
          patientId: pending.patientId,
          patientName: displayName(patient),
          signIn: deps.signIn !== undefined,
        }),
      );
    } catch (err) {
      next(err);
    }
  });
  router.post('/fitbit/confirm', express.urlencoded({ extended: false, limit: '4kb' }), confirmRoute(deps));
  return router;
}
