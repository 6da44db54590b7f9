// standalone.html: launches without an EHR; the authorization server lets a provider pick the patient.
import { show } from './dom.js';
import { describeProblem, toErrorLike } from './errors.js';
import { standaloneLaunchOptions } from './launch-options.js';
import { problemView } from './problem-view.js';

FHIR.oauth2.authorize(standaloneLaunchOptions(location.href)).catch((err: unknown) => {
  show('status', problemView(describeProblem(toErrorLike(err), 'the server configuration')));
});
