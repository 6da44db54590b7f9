// EHR launch simulator at /ehr/ (a development tool, off unless EHR_SIMULATOR=true): a practitioner signs in
// (the users and lockout of /auth), picks a patient (and an encounter) and a registered app; it mints a launch
// id bound to that practitioner and opens the app's launch URL with iss and launch. Its forms carry a CSRF
// token bound to the session and are refused from another Origin.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-ehr-launch
import express, { type Request, type Response } from 'express';
import type { Encounter } from 'fhir/r4.js';
import type { ClientStore } from '../auth/client-store.js';
import type { FhirLookup } from '../auth/fhir-lookup.js';
import type { LaunchStore } from '../auth/launch-store.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { page, escapeHtml } from '../auth/pages.js';
import type { User, UserStore } from '../auth/user-store.js';
import { checkSignIn } from '../auth/sign-in-check.js';
import { ehrLaunchPage, ehrSignInPage, type LaunchChoices } from './ehr-pages.js';
import { CSRF_REFUSAL, ownPagesOnly, signOutHandler } from '../auth/browser-session.js';
import { csrfMatches, type EhrSession, type EhrSessions } from './ehr-session.js';

export interface EhrSimulatorDeps {
  /** BASE_URL: the only Origin its forms are accepted from. */
  baseUrl: string;
  fhirBase: string;
  users: UserStore;
  clients: ClientStore;
  launches: LaunchStore;
  lookup: FhirLookup;
  throttle: LoginThrottle;
  sessions: EhrSessions;
}

class LaunchError extends Error {}

const isPractitioner = (user: User) => user.fhirUser.startsWith('Practitioner/');

export function ehrSimulator(deps: EhrSimulatorDeps): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '16kb' });
  router.use(ownPagesOnly(deps.baseUrl, refuse));

  /** The signed-in practitioner and their session, or undefined. */
  const signedIn = async (req: Request): Promise<{ user: User; session: EhrSession } | undefined> => {
    const who = await deps.sessions.signedIn(req, deps.users);
    return who && isPractitioner(who.user) ? who : undefined;
  };

  router.get('/', async (req, res) => {
    const who = await signedIn(req);
    if (!who) return res.redirect(303, '/ehr/login');
    const chosen = typeof req.query.patient === 'string' ? req.query.patient : undefined;
    res.type('html').send(ehrLaunchPage(who.user, who.session.csrf, await choices(deps, chosen)));
  });

  router.get('/login', (_req, res) => {
    res.type('html').send(ehrSignInPage());
  });

  router.post('/login', form, async (req, res) => {
    const checked = await checkSignIn(deps.users, deps.throttle, req.body as Record<string, unknown>);
    if (!('user' in checked)) return res.status(checked.status).type('html').send(ehrSignInPage(checked.message));
    const user = checked.user;
    if (!isPractitioner(user))
      return res
        .status(403)
        .type('html')
        .send(ehrSignInPage(`Only a practitioner can use the EHR launch simulator; ${user.fhirUser} is not one.`));
    await deps.sessions.start(res, user.accountId);
    res.redirect(303, '/ehr/');
  });

  router.post('/logout', form, signOutHandler(signedIn, deps.sessions, refuse, '/ehr/login'));

  router.post('/launch', form, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const who = await signedIn(req);
    if (!who) return res.status(401).type('html').send(ehrSignInPage('Sign in to launch an app.'));
    if (!csrfMatches(who.session, body.csrf)) return refuse(res, 403, CSRF_REFUSAL);
    // "Show this patient's encounters": the same form again, its encounter list that patient's.
    if (body.action === 'show-encounters')
      return res.type('html').send(ehrLaunchPage(who.user, who.session.csrf, await choices(deps, stringField(body, 'patient'))));
    try {
      const target = await launchTarget(deps, who.user, body);
      const id = await deps.launches.createLaunch(target.launch);
      const url = new URL(target.launchUrl);
      url.searchParams.set('iss', deps.fhirBase);
      url.searchParams.set('launch', id);
      res.redirect(303, url.href);
    } catch (err) {
      if (!(err instanceof LaunchError)) throw err;
      res
        .status(400)
        .type('html')
        .send(ehrLaunchPage(who.user, who.session.csrf, await choices(deps, stringField(body, 'patient')), err.message));
    }
  });

  return router;
}

function refuse(res: Response, status: number, message: string): void {
  res
    .status(status)
    .type('html')
    .send(
      page(
        'EHR launch simulator',
        `<p class="error" role="alert">Refused: ${escapeHtml(message)}.</p><p><a href="/ehr/">Back to the simulator</a></p>`,
      ),
    );
}

async function launchTarget(deps: EhrSimulatorDeps, user: User, body: Record<string, unknown>) {
  const [patient, encounter, client] = [stringField(body, 'patient'), stringField(body, 'encounter'), stringField(body, 'client')];
  // An HTML checkbox sends its value only when ticked.
  const needPatientBanner = body.need_patient_banner !== undefined;
  if (!(await deps.lookup.patientLabel(patient))) throw new LaunchError(`there is no patient '${patient}'`);
  if (encounter) {
    const enc = await deps.lookup.read<Encounter>('Encounter', encounter);
    if (!enc) throw new LaunchError(`there is no encounter '${encounter}'`);
    if (enc.subject?.reference !== `Patient/${patient}`)
      throw new LaunchError(`encounter '${encounter}' is not one of patient ${patient}'s`);
  }
  const app = client ? await deps.clients.get(client) : undefined;
  if (!app?.launchUrl) throw new LaunchError(`'${client}' is not a registered app with a launch URL`);
  return {
    launchUrl: app.launchUrl,
    launch: { clientId: app.clientId, fhirUser: user.fhirUser, patient, ...(encounter ? { encounter } : {}), needPatientBanner },
  };
}

function stringField(body: Record<string, unknown>, name: string): string {
  return typeof body[name] === 'string' ? body[name] : '';
}

/**
 * What a practitioner may pick: a practitioner user sees every patient (user/ scopes are not confined for them),
 * and the encounters of the chosen patient (`chosen` when it is one of them, else the first listed).
 */
async function choices(deps: EhrSimulatorDeps, chosen?: string): Promise<LaunchChoices> {
  const [patients, clients] = await Promise.all([deps.lookup.patients(), deps.clients.list()]);
  const patient = patients.find((p) => p.id === chosen)?.id ?? patients[0]?.id;
  const encounters = patient ? await deps.lookup.encounters(patient) : [];
  return {
    patients,
    patient,
    encounters,
    apps: clients.filter((c) => c.launchUrl).map((c) => ({ id: c.clientId, label: c.name ?? c.clientId })),
  };
}
