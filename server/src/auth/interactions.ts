// The user-facing steps of an authorization (oidc-provider "interactions"): login, patient picker for a
// provider's standalone launch, and consent where scopes can be deselected. Consent is remembered per user and app
// (consent-store.ts): a launch asking for nothing new passes the consent step without a page, one asking for more is
// asked only about the new scopes. Mounted at /auth/interaction.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#obtain-authorization-code
import express, { type NextFunction, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import { patientIdOf } from '../core/ids.js';
import { consentAllows, type ConsentStore } from './consent-store.js';
import type { FhirLookup } from './fhir-lookup.js';
import type { EhrLaunch, GrantContext, LaunchStore } from './launch-store.js';
import type { LoginThrottle } from './login-throttle.js';
import { consentPage, loginPage, page, PATIENT_SEARCH_MAX, patientPickerPage } from './pages.js';
import { OIDC_SCOPES, parseClinicalScope, splitScope } from './smart-scopes.js';
import type { UserStore } from './user-store.js';
import { normalizeUsername } from './username.js';
import { jsonText } from '../core/json-text.js';

export interface InteractionDeps {
  /** The oidc-provider instance in use (rebuilt when the signing keys change). */
  provider: () => Provider;
  fhirBase: string;
  users: UserStore;
  launches: LaunchStore;
  lookup: FhirLookup;
  grantTtlSeconds: number;
  throttle: LoginThrottle;
  consents: ConsentStore;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

/** Patients listed by the picker at most; a search narrows them down. */
const PICKER_LIMIT = 50;

const isOidcScope = (s: string) => (OIDC_SCOPES as readonly string[]).includes(s);

export function interactionRouter(deps: InteractionDeps): express.Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  const noStore = (_req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    next();
  };
  router.use(noStore);

  router.get('/:uid', async (req, res, next) => {
    try {
      const details = await deps.provider().interactionDetails(req, res);
      const q = req.query.q;
      if (q !== undefined && (typeof q !== 'string' || q.length > PATIENT_SEARCH_MAX)) {
        throw new InteractionError(400, `the patient search text (q) must be one value of at most ${PATIENT_SEARCH_MAX} characters`);
      }
      const step = await currentStep(deps, details, (q ?? '').trim());
      if (typeof step === 'string') res.type('html').send(step);
      // Everything asked for was allowed before: the consent step passes without a page.
      else await grantAndFinish(deps, req, res, details, offeredScopes(details, deps.fhirBase), step.selected, step.context);
    } catch (err) {
      next(err);
    }
  });

  router.post('/:uid/login', form, async (req, res, next) => {
    try {
      const details = await deps.provider().interactionDetails(req, res);
      if (details.prompt.name !== 'login') throw new InteractionError(400, 'this sign-in step is already done');
      const { username: typed, password } = req.body as Record<string, unknown>;
      // One form of the name for the lockout and the lookup, so no other spelling gets fresh guesses.
      const username = typeof typed === 'string' ? normalizeUsername(typed) : '';
      const clientName = await nameOf(deps.provider(), details);
      const action = `/auth/interaction/${details.uid}/login`;
      if (username && (await deps.throttle.locked(username))) {
        res
          .status(429)
          .type('html')
          .send(loginPage(action, clientName, 'Too many failed sign-ins for this username: try again in 15 minutes.'));
        return;
      }
      const user = username && typeof password === 'string' && password ? await deps.users.authenticate(username, password) : undefined;
      if (!user) {
        if (username) await deps.throttle.failed(username);
        res
          .status(401)
          .type('html')
          .send(loginPage(action, clientName, 'Wrong username or password.'));
        return;
      }
      await deps.throttle.succeeded(username);
      const launch = details.params.launch ? await deps.launches.findLaunch(jsonText(details.params.launch)) : undefined;
      if (launch && launch.fhirUser !== user.fhirUser) {
        res
          .status(403)
          .type('html')
          .send(loginPage(action, clientName, `This EHR launch was made for ${launch.fhirUser}; sign in as that user.`));
        return;
      }
      await deps.provider().interactionFinished(req, res, { login: { accountId: user.accountId } }, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });

  router.post('/:uid/patient', form, async (req, res, next) => {
    try {
      const details = await deps.provider().interactionDetails(req, res);
      const patient = jsonText((req.body as Record<string, unknown>).patient);
      if (!(await deps.lookup.patientLabel(patient))) {
        const base = `/auth/interaction/${details.uid}`;
        const found = { text: '', ...(await deps.lookup.findPatients('', PICKER_LIMIT)) };
        res
          .status(400)
          .type('html')
          .send(
            patientPickerPage(`${base}/patient`, base, await nameOf(deps.provider(), details), found, `There is no patient '${patient}'.`),
          );
        return;
      }
      await deps.launches.pickPatient(details.uid, patient);
      res.redirect(303, `/auth/interaction/${details.uid}`);
    } catch (err) {
      next(err);
    }
  });

  router.post('/:uid/confirm', form, async (req, res, next) => {
    try {
      const details = await deps.provider().interactionDetails(req, res);
      if (details.prompt.name !== 'consent') throw new InteractionError(400, 'there is nothing to consent to at this step');
      const launch = await launchOf(deps, details);
      const offered = offeredScopes(details, deps.fhirBase);
      const available = grantableScopes(launch, offered);
      const raw = (req.body as Record<string, unknown>).scope;
      const chosen = new Set((Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(String));
      // The page asked only about new scopes: those allowed before (for this patient) stay allowed.
      const shown = await grantContext(deps, details, available, launch);
      const remembered = await deps.consents.find(details.session!.accountId, String(details.params.client_id));
      const selected =
        shown === 'needs-patient' ? [] : available.filter((s) => chosen.has(s) || consentAllows(remembered, s, shown.patient));
      const context = shown === 'needs-patient' ? shown : await grantContext(deps, details, selected, launch);
      if (context === 'needs-patient') {
        res.redirect(303, `/auth/interaction/${details.uid}`);
        return;
      }
      await grantAndFinish(deps, req, res, details, offered, selected, context);
    } catch (err) {
      next(err);
    }
  });

  router.post('/:uid/abort', form, async (req, res, next) => {
    try {
      await deps
        .provider()
        .interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'The user denied access' },
          { mergeWithLastSubmission: false },
        );
    } catch (err) {
      next(err);
    }
  });

  // Expired or foreign interactions (oidc-provider throws SessionNotFound and the like): a page, never a 500.
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    // oidc-provider's errors and our OutcomeErrors carry `status` (oidc-provider's also `statusCode`).
    const status =
      err instanceof InteractionError
        ? err.status
        : ((err as { status?: number; statusCode?: number }).status ?? (err as { statusCode?: number }).statusCode);
    if (!status || status >= 500) return next(err);
    const message = (err as { error_description?: string }).error_description ?? (err as Error).message;
    res
      .status(status)
      .type('html')
      .send(page('Sign-in interrupted', `<p class="error">${escape(message)}</p><p>Start again from the app.</p>`));
  });
  return router;
}

class InteractionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function nameOf(provider: Provider, details: Details): Promise<string> {
  const client = await provider.Client.find(String(details.params.client_id));
  return client?.clientName ?? String(details.params.client_id);
}

/**
 * Saves the grant of `selected` (every other offered scope rejected, or oidc-provider would ask again) with its launch
 * context, remembers the consent and lets oidc-provider go on to the code.
 */
async function grantAndFinish(
  deps: InteractionDeps,
  req: Request,
  res: Response,
  details: Details,
  offered: string[],
  selected: string[],
  context: GrantContext,
): Promise<void> {
  const accountId = details.session!.accountId;
  const clientId = String(details.params.client_id);
  const grant = new (deps.provider().Grant)({ accountId, clientId });
  const rejected = offered.filter((s) => !selected.includes(s));
  if (selected.some(isOidcScope)) grant.addOIDCScope(selected.filter(isOidcScope).join(' '));
  if (rejected.some(isOidcScope)) grant.rejectOIDCScope(rejected.filter(isOidcScope).join(' '));
  const resourceSelected = selected.filter((s) => !isOidcScope(s));
  const resourceRejected = rejected.filter((s) => !isOidcScope(s));
  if (resourceSelected.length) grant.addResourceScope(deps.fhirBase, resourceSelected.join(' '));
  if (resourceRejected.length) grant.rejectResourceScope(deps.fhirBase, resourceRejected.join(' '));
  const grantId = await grant.save();
  await deps.launches.setGrantContext(grantId, context, deps.grantTtlSeconds);
  await deps.consents.remember(accountId, clientId, {
    scopes: selected,
    ...(context.patient ? { patient: context.patient } : {}),
    grantId,
  });
  await deps.provider().interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

/**
 * The requested scopes the user is asked about: what oidc-provider found missing from the grant (each is
 * granted or rejected at consent). user/ scopes of a patient user mean what that patient may see: confining
 * them is the resource server's policy (AccessContext.fhirUser names the patient).
 */
function offeredScopes(details: Details, fhirBase: string): string[] {
  const d = details.prompt.details as { missingOIDCScope?: string[]; missingResourceScopes?: Record<string, string[]> };
  return [...(d.missingOIDCScope ?? []), ...(d.missingResourceScopes?.[fhirBase] ?? [])];
}

/**
 * The offered scopes this authorization can grant. `launch/encounter` needs an encounter to put in context and
 * only an EHR launch brings one (we have no standalone encounter picker, nor advertise one): without it the
 * scope is neither offered nor granted, so the token never claims an encounter context it lacks.
 */
function grantableScopes(launch: EhrLaunch | undefined, offered: string[]): string[] {
  return launch?.encounter ? offered : offered.filter((s) => s !== 'launch/encounter');
}

/** The EHR launch the authorization request names, read once per step; undefined for a standalone launch. */
async function launchOf(deps: InteractionDeps, details: Details): Promise<EhrLaunch | undefined> {
  if (!details.params.launch) return undefined;
  const launch = await deps.launches.findLaunch(jsonText(details.params.launch));
  if (!launch) throw new InteractionError(400, 'the EHR launch has expired');
  return launch;
}

function wantsPatient(scopes: string[], ehrLaunch: boolean): boolean {
  return (
    scopes.includes('launch/patient') ||
    (ehrLaunch && scopes.includes('launch')) ||
    scopes.some((s) => parseClinicalScope(s)?.level === 'patient')
  );
}

/** The page of the current step, or, at a consent step asking for nothing new, what to grant without one. */
async function currentStep(
  deps: InteractionDeps,
  details: Details,
  search: string,
): Promise<string | { selected: string[]; context: GrantContext }> {
  const clientName = await nameOf(deps.provider(), details);
  const base = `/auth/interaction/${details.uid}`;
  if (details.prompt.name === 'login') return loginPage(`${base}/login`, clientName);
  if (details.prompt.name !== 'consent') throw new InteractionError(400, `unexpected step '${details.prompt.name}'`);
  const launch = await launchOf(deps, details);
  const offered = grantableScopes(launch, offeredScopes(details, deps.fhirBase));
  const context = await grantContext(deps, details, offered, launch);
  if (context === 'needs-patient') {
    return patientPickerPage(`${base}/patient`, base, clientName, {
      text: search,
      ...(await deps.lookup.findPatients(search, PICKER_LIMIT)),
    });
  }
  const remembered = await deps.consents.find(details.session!.accountId, String(details.params.client_id));
  const allowedBefore = offered.filter((s) => consentAllows(remembered, s, context.patient));
  if (allowedBefore.length === offered.length) return { selected: offered, context };
  const patientLabel = context.patient ? await deps.lookup.patientLabel(context.patient) : undefined;
  const audience = { ...(patientLabel ? { patientLabel } : {}), userIsPatient: patientIdOf(context.fhirUser) !== undefined };
  const asked = offered.filter((s) => !allowedBefore.includes(s));
  return consentPage(`${base}/confirm`, `${base}/abort`, clientName, { asked, allowedBefore }, audience);
}

/**
 * The launch context the grant carries. The patient comes from the EHR launch, else from the logged-in
 * patient, else from the provider's pick (none yet: 'needs-patient'); it is set only when the scopes ask
 * for one (launch/patient, launch with an EHR launch, or any patient/ scope).
 */
async function grantContext(
  deps: InteractionDeps,
  details: Details,
  scopes: string[],
  launch: EhrLaunch | undefined,
): Promise<GrantContext | 'needs-patient'> {
  const user = await deps.users.find(details.session!.accountId);
  if (!user) throw new InteractionError(400, 'the signed-in account no longer exists');
  // The session may belong to someone already signed in (no login step): the launch must still be theirs.
  if (launch && launch.fhirUser !== user.fhirUser)
    throw new InteractionError(403, `this EHR launch was made for ${launch.fhirUser}, not for the signed-in ${user.fhirUser}`);
  // Standalone: no EHR around the app, so it shows the banner; an EHR launch says whether its EHR does.
  const base: GrantContext = { fhirUser: user.fhirUser, needPatientBanner: launch ? launch.needPatientBanner === true : true };
  const wantsEncounter = launch?.encounter && (scopes.includes('launch') || scopes.includes('launch/encounter'));
  if (!wantsPatient(splitScope(scopes.join(' ')), Boolean(launch)))
    return { ...base, ...(wantsEncounter ? { encounter: launch.encounter } : {}) };
  const ownPatient = patientIdOf(user.fhirUser);
  const patient = launch?.patient ?? ownPatient ?? (await deps.launches.pickedPatient(details.uid));
  if (!patient) return 'needs-patient';
  return { ...base, patient, ...(wantsEncounter ? { encounter: launch.encounter } : {}) };
}
