// Drives the /ehr simulator as a browser would: sign in (cookie jar), read the form's CSRF token, launch.
// The server must be started with { AUTH_MODE: 'smart', EHR_SIMULATOR: 'true' }.
import request from 'supertest';
import type { TestServer } from './test-server.js';

export interface EhrBrowser {
  agent: ReturnType<typeof request.agent>;
  /** The CSRF token the simulator's forms carry for this session. */
  csrf: string;
  /** POST /ehr/launch with the session's token (and Origin of the server) plus the form's fields. */
  launch(form: Record<string, string>): Promise<request.Response>;
}

export const EHR_ORIGIN = 'http://localhost:8080';

export function csrfOf(html: string): string | undefined {
  return /name="csrf" value="([^"]+)"/.exec(html)?.[1];
}

/** Signs in to /ehr/login; throws unless it lands on the launch form. */
export async function ehrSignIn(server: TestServer, user: { username: string; password: string }): Promise<EhrBrowser> {
  const agent = request.agent(server.built.app);
  const login = await agent.post('/ehr/login').set('Origin', EHR_ORIGIN).type('form').send(user);
  if (login.status !== 303) throw new Error(`sign-in to /ehr answered ${login.status}: ${login.text.slice(0, 300)}`);
  const page = await agent.get('/ehr/');
  const csrf = csrfOf(page.text);
  if (page.status !== 200 || !csrf) throw new Error(`/ehr/ after sign-in answered ${page.status} without a CSRF token`);
  return {
    agent,
    csrf,
    launch: (form) =>
      agent
        .post('/ehr/launch')
        .set('Origin', EHR_ORIGIN)
        .type('form')
        .send({ csrf, ...form }),
  };
}
