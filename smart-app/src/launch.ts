// launch.html: the EHR opens it with ?iss=&launch=; fhirclient discovers the endpoints and redirects to authorize.
import { show } from './dom.js';
import { describeProblem, toErrorLike } from './errors.js';
import { ehrLaunchOptions } from './launch-options.js';
import { problemView } from './problem-view.js';

FHIR.oauth2.authorize(ehrLaunchOptions()).catch((err: unknown) => {
  show('status', problemView(describeProblem(toErrorLike(err), 'the server configuration')));
});
