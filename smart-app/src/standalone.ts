// standalone.html: launches without an EHR; the authorization server lets a provider pick the patient.
import { show } from './dom.js';
import { describeProblem, toErrorLike } from './errors.js';
import { LAUNCH_KIND, standaloneLaunchOptions, WANTS_RECORDING } from './launch-options.js';
import { problemView } from './problem-view.js';

sessionStorage.setItem(LAUNCH_KIND, 'standalone');
// ?record=yes: the clinician asked to record from the app; remember it for later launches too.
if (new URL(location.href).searchParams.get('record') === 'yes') localStorage.setItem(WANTS_RECORDING, 'yes');
FHIR.oauth2.authorize(standaloneLaunchOptions(location.href, localStorage.getItem(WANTS_RECORDING) === 'yes')).catch((err: unknown) => {
  show('status', problemView(describeProblem(toErrorLike(err), 'the server configuration')));
});
