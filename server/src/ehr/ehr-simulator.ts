// EHR launch simulator at /ehr/: pick a practitioner, a patient (and an encounter) and a registered app;
// it mints a launch id bound to them (and whether the app must show a patient banner) and opens the app's
// launch URL with iss and launch.
// https://hl7.org/fhir/smart-app-launch/app-launch.html#launch-app-ehr-launch
import express from 'express';
import type { Encounter } from 'fhir/r4.js';
import type { ClientStore } from '../auth/client-store.js';
import type { FhirLookup } from '../auth/fhir-lookup.js';
import type { LaunchStore } from '../auth/launch-store.js';
import { escapeHtml, page } from '../auth/pages.js';
import type { UserStore } from '../auth/user-store.js';

export interface EhrSimulatorDeps {
  fhirBase: string;
  users: UserStore;
  clients: ClientStore;
  launches: LaunchStore;
  lookup: FhirLookup;
}

class LaunchError extends Error {}

export function ehrSimulator(deps: EhrSimulatorDeps): express.Router {
  const router = express.Router();
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/', async (_req, res) => {
    res.type('html').send(await formPage(deps));
  });

  router.post('/launch', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const body = req.body as Record<string, string | undefined>;
    try {
      const target = await launchTarget(deps, body);
      const id = await deps.launches.createLaunch(target.launch);
      const url = new URL(target.launchUrl);
      url.searchParams.set('iss', deps.fhirBase);
      url.searchParams.set('launch', id);
      res.redirect(303, url.href);
    } catch (err) {
      if (!(err instanceof LaunchError)) throw err;
      res.status(400).type('html').send(await formPage(deps, err.message));
    }
  });

  return router;
}

async function launchTarget(deps: EhrSimulatorDeps, body: Record<string, string | undefined>) {
  const { practitioner = '', patient = '', encounter = '', client = '' } = body;
  // An HTML checkbox sends its value only when ticked.
  const needPatientBanner = body.need_patient_banner !== undefined;
  const users = await deps.users.listByType('Practitioner');
  const user = users.find((u) => u.fhirUser === practitioner);
  if (!user) throw new LaunchError(`'${practitioner}' is not a practitioner who can log in (add one with fibrotrack user add)`);
  if (!(await deps.lookup.patientLabel(patient))) throw new LaunchError(`there is no patient '${patient}'`);
  if (encounter) {
    const enc = await deps.lookup.read<Encounter>('Encounter', encounter);
    if (!enc) throw new LaunchError(`there is no encounter '${encounter}'`);
    if (enc.subject?.reference !== `Patient/${patient}`) throw new LaunchError(`encounter '${encounter}' is not one of patient ${patient}'s`);
  }
  const app = await deps.clients.get(client);
  if (!app?.launchUrl) throw new LaunchError(`'${client}' is not a registered app with a launch URL`);
  return {
    launchUrl: app.launchUrl,
    launch: { clientId: app.clientId, fhirUser: user.fhirUser, patient, ...(encounter ? { encounter } : {}), needPatientBanner },
  };
}

async function formPage(deps: EhrSimulatorDeps, error?: string): Promise<string> {
  const [practitioners, patients, encounters, clients] = await Promise.all([
    deps.users.listByType('Practitioner'),
    deps.lookup.patients(),
    deps.lookup.encounters(),
    deps.clients.list(),
  ]);
  const options = (items: { value: string; label: string }[]) =>
    items.map((i) => `<option value="${escapeHtml(i.value)}">${escapeHtml(i.label)}</option>`).join('');
  return page(
    'EHR launch simulator',
    `<p>Plays the EHR: choose who is signed in, which chart is open and which app to launch.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/ehr/launch">
<label>Practitioner <select name="practitioner" required>${options(practitioners.map((u) => ({ value: u.fhirUser, label: `${u.displayName ?? u.username} (${u.fhirUser})` })))}</select></label>
<label>Patient <select name="patient" required>${options(patients.map((p) => ({ value: p.id, label: p.label })))}</select></label>
<label>Encounter <select name="encounter"><option value="">(none)</option>${options(encounters.map((e) => ({ value: e.id, label: `${e.label} - Patient/${e.patient ?? '?'}` })))}</select></label>
<label><input type="checkbox" id="need-patient-banner" name="need_patient_banner" value="true" checked> The app shows the patient banner (<code>need_patient_banner</code>): this simulator shows none of its own</label>
<label>App <select name="client" required>${options(clients.filter((c) => c.launchUrl).map((c) => ({ value: c.clientId, label: c.name ?? c.clientId })))}</select></label>
<button type="submit" id="launch">Launch</button>
</form>`,
  );
}
