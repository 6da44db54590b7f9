// GET /wearables/fitbit/callback: where Fitbit sends the patient's browser back after consent. The state
// (single use, ten minutes) names the patient and the PKCE verifier; the code becomes encrypted tokens.
// https://dev.fitbit.com/build/reference/web-api/authorization/
import express, { type Router } from 'express';
import { badRequest } from '../../core/outcomes.js';
import { fitbitOf, type WearableServices } from '../wearable-services.js';
import { FitbitAuthError, exchangeCode } from './fitbit-oauth.js';

const STATE_TTL_MS = 10 * 60 * 1000;

export function fitbitCallbackRouter(services: WearableServices): Router {
  const router = express.Router();
  router.get('/fitbit/callback', async (req, res, next) => {
    try {
      const fitbit = fitbitOf(services);
      const q = new URL(req.originalUrl, 'http://local').searchParams;
      const state = q.get('state');
      if (!state) throw badRequest('The Fitbit callback needs a state parameter', 'state');
      const pending = await fitbit.store.takeState(state);
      if (!pending) throw badRequest('Unknown or already used state: start again from $connect-fitbit', 'state');
      if (Date.now() - pending.createdAt.getTime() > STATE_TTL_MS) throw badRequest('This Fitbit authorization took longer than 10 minutes: start again from $connect-fitbit', 'state');
      const denied = q.get('error');
      if (denied) throw badRequest(`Fitbit did not authorize access (${denied}); nothing was connected`, 'error');
      const code = q.get('code');
      if (!code) throw badRequest('The Fitbit callback needs a code parameter', 'code');
      let tokens;
      try {
        tokens = await exchangeCode(fitbit.config, code, pending.codeVerifier, fitbit.redirectUri);
      } catch (err) {
        if (err instanceof FitbitAuthError && err.status < 500) throw badRequest(`Fitbit refused the authorization code (${err.errorType}): start again from $connect-fitbit`, 'code');
        throw err;
      }
      await fitbit.store.saveLink(pending.patientId, tokens, pending.timeZone);
      res.status(200).type('html').send('<!doctype html><title>Fitbit connected</title><p>Your Fitbit account is connected to your FibroTrack record. You can close this window.</p>');
    } catch (err) {
      next(err);
    }
  });
  return router;
}
