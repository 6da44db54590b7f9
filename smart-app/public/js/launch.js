// launch.html: the EHR opens it with ?iss=&launch=; fhirclient discovers the endpoints and redirects to authorize.
import { show } from './dom.js';
import { describeProblem, toErrorLike } from './errors.js';
import { ehrLaunchOptions, LAUNCH_KIND, WANTS_RECORDING } from './launch-options.js';
import { problemView } from './problem-view.js';
sessionStorage.setItem(LAUNCH_KIND, 'ehr');
FHIR.oauth2.authorize(ehrLaunchOptions(localStorage.getItem(WANTS_RECORDING) === 'yes')).catch((err) => {
    show('status', problemView(describeProblem(toErrorLike(err), 'the server configuration')));
});
