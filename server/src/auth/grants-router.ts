// /auth/grants: a signed-in user lists the apps they allowed (remembered consent) and revokes one, which deletes its
// grants and their tokens. Its own sign-in session (cookie scoped to /auth/grants); every POST carries the session's
// CSRF token and is refused from another Origin. https://www.rfc-editor.org/rfc/rfc7009 (what revoking ends)
import express, { type Request, type Response } from 'express';
import { patientIdOf } from '../core/ids.js';
import { CSRF_REFUSAL, csrfMatches, ownPagesOnly, signOutHandler, type BrowserSessions } from './browser-session.js';
import type { ClientStore } from './client-store.js';
import type { ConsentStore } from './consent-store.js';
import type { FhirLookup } from './fhir-lookup.js';
import { grantsPage, grantsSignInPage, type ShownConsent } from './grants-pages.js';
import type { LoginThrottle } from './login-throttle.js';
import { escapeHtml, page } from './pages.js';
import { checkSignIn } from './sign-in-check.js';
import type { UserStore } from './user-store.js';

export interface GrantsDeps {
  /** BASE_URL: the only Origin its forms are accepted from. */
  baseUrl: string;
  users: UserStore;
  throttle: LoginThrottle;
  consents: ConsentStore;
  clients: ClientStore;
  lookup: FhirLookup;
  sessions: BrowserSessions;
  /** Revokes the grants (and their tokens) of the user's consent to `clientId`. */
  revoke(grantIds: string[], who: { accountId: string; clientId: string; address?: string }): Promise<void>;
}

export function grantsRouter(deps: GrantsDeps): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  router.use(ownPagesOnly(deps.baseUrl, refuse));
  const signedIn = (req: Request) => deps.sessions.signedIn(req, deps.users);

  router.get('/', async (req, res) => {
    const who = await signedIn(req);
    if (!who) return res.type('html').send(grantsSignInPage());
    const revoked = typeof req.query.revoked === 'string' ? req.query.revoked : undefined;
    const notice = revoked ? `${await appName(deps, revoked)} no longer has access; its tokens are revoked.` : undefined;
    const shown = await Promise.all((await deps.consents.list(who.user.accountId)).map((c) => showConsent(deps, c)));
    const name = who.user.displayName ? `${who.user.displayName} (${who.user.fhirUser})` : who.user.username;
    res.type('html').send(grantsPage({ name, isPatient: patientIdOf(who.user.fhirUser) !== undefined }, who.session.csrf, shown, notice));
  });

  router.post('/login', form, async (req, res) => {
    const checked = await checkSignIn(deps.users, deps.throttle, req.body as Record<string, unknown>);
    if (!('user' in checked)) return res.status(checked.status).type('html').send(grantsSignInPage(checked.message));
    await deps.sessions.start(res, checked.user.accountId);
    res.redirect(303, '/auth/grants');
  });

  router.post('/revoke', form, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const who = await signedIn(req);
    if (!who) return res.status(401).type('html').send(grantsSignInPage("Sign in to revoke an app's access."));
    if (!csrfMatches(who.session, body.csrf)) return refuse(res, 403, CSRF_REFUSAL);
    const clientId = typeof body.client === 'string' ? body.client : '';
    // Only the signed-in user's own consent is looked up: another user's is never reached.
    const [forgotten] = clientId ? await deps.consents.forget(who.user.accountId, clientId) : [];
    if (!forgotten) return refuse(res, 404, `you have not allowed '${clientId}' anything, so there is nothing to revoke`);
    await deps.revoke(forgotten.grantIds, { accountId: who.user.accountId, clientId, ...(req.ip ? { address: req.ip } : {}) });
    res.redirect(303, `/auth/grants?revoked=${encodeURIComponent(clientId)}`);
  });

  router.post('/logout', form, signOutHandler(signedIn, deps.sessions, refuse, '/auth/grants'));

  return router;
}

async function appName(deps: GrantsDeps, clientId: string): Promise<string> {
  return (await deps.clients.get(clientId))?.name ?? clientId;
}

async function showConsent(deps: GrantsDeps, consent: ShownConsent['consent']): Promise<ShownConsent> {
  const labels = await Promise.all(
    Object.keys(consent.patients).map(async (id) => [id, (await deps.lookup.patientLabel(id)) ?? `Patient/${id}`] as const),
  );
  return { consent, appName: await appName(deps, consent.clientId), patientLabels: Object.fromEntries(labels) };
}

function refuse(res: Response, status: number, message: string): void {
  res
    .status(status)
    .type('html')
    .send(
      page(
        'Your app permissions',
        `<p class="error" role="alert">Refused: ${escapeHtml(message)}.</p><p><a href="/auth/grants">Back to your app permissions</a></p>`,
      ),
    );
}
