// alerts.html: the cross-patient list of open pain alerts asks for its user/ scopes here, only when a clinician
// opens it (incremental consent), then lands on index.html, which shows the list for a session without a patient.
import { show } from './dom.js';
import { describeProblem, toErrorLike } from './errors.js';
import { alertListLaunchOptions, LAUNCH_KIND } from './launch-options.js';
import { problemView } from './problem-view.js';

sessionStorage.setItem(LAUNCH_KIND, 'alerts');
FHIR.oauth2.authorize(alertListLaunchOptions(location.href)).catch((err: unknown) => {
  show('status', problemView(describeProblem(toErrorLike(err), 'the server configuration')));
});
