// Shared set-up for the resource-server and audit tests: a TestServer with AUTH_MODE=smart, two patients'
// records stored through the API with a real backend token, and real tokens for patient apps and users.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Bundle, OperationOutcome } from 'fhir/r4.js';
import type { Response } from 'supertest';
import {
  addUser,
  authorizationCodeToken,
  backendServicesToken,
  registerBackendClient,
  registerClient,
  type BackendKey,
  type TokenResponse,
} from './support/smart-tokens.js';
import type { RegisteredClient } from '../server/src/auth/client-store.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

export const VITALS = 'http://terminology.hl7.org/CodeSystem/observation-category|vital-signs';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

const observation = (id: string, subject: string, category: string, extra: Record<string, unknown> = {}) => ({
  resourceType: 'Observation',
  id,
  status: 'final',
  category: [{ coding: [{ system: CATEGORY, code: category }] }],
  code: { coding: [{ system: 'http://loinc.org', code: category === 'vital-signs' ? '8867-4' : '2345-7' }] },
  subject: { reference: `Patient/${subject}` },
  effectiveDateTime: '2026-01-01T10:00:00Z',
  ...extra,
});

/**
 * Patient/a (Alpha) and Patient/b (Bravo). oa1 vitals and oa2 lab are a's; oa3 is a's, performed by b;
 * ob1 is b's; ob2 is b's too, with Patient/a as its focus. med1 is a Medication (nobody's record).
 */
export const RECORDS = [
  { resourceType: 'Patient', id: 'a', name: [{ family: 'Alpha' }] },
  { resourceType: 'Patient', id: 'b', name: [{ family: 'Bravo' }] },
  observation('oa1', 'a', 'vital-signs'),
  observation('oa2', 'a', 'laboratory'),
  observation('oa3', 'a', 'vital-signs', { performer: [{ reference: 'Patient/b' }] }),
  observation('ob1', 'b', 'vital-signs'),
  observation('ob2', 'b', 'laboratory', { focus: [{ reference: 'Patient/a' }] }),
  { resourceType: 'Medication', id: 'med1', code: { text: 'pregabalin' } },
];

/** A token response plus what the test set up to get it. */
export type Token = TokenResponse & { registeredClientId: string; username?: string; password?: string };

export interface Fixture {
  server: TestServer;
  /** system/*.cruds backend token (seeding, checks). */
  system: string;
  /** Patient app token for `patient` with `scope` (plus launch/patient openid fhirUser). */
  patientToken(patient: string, scope: string): Promise<Token>;
  /** Practitioner app token with `scope` (plus openid fhirUser). */
  userToken(scope: string): Promise<Token>;
  /** Token of a user who is Patient/`patient`, asking `scope` (plus openid fhirUser) and no launch context. */
  patientUserToken(patient: string, scope: string): Promise<Token>;
  /** Backend services token. */
  backendToken(scope: string): Promise<Token>;
  /** One app (one registered client, allowed `scope` plus launch/patient openid fhirUser): tokens of its users. */
  oneApp(scope: string): Promise<Pick<Fixture, 'patientToken' | 'userToken'>>;
  /**
   * Another token of the user and client `token` is of (a Backend Services client: of that client), asking `scope`
   * (plus openid fhirUser for a user); `patient` is picked when the scope asks launch/patient.
   */
  sameUser(token: Token, scope: string, patient?: string): Promise<Token>;
}

export async function startFixture(overrides: Record<string, string> = {}): Promise<Fixture> {
  const server = await startTestServer({ AUTH_MODE: 'smart', ...overrides });
  // What sameUser needs to ask again: each client a token was issued to, and a Backend Services client's key.
  const clients = new Map<string, { client: RegisteredClient; key?: BackendKey }>();
  const backendToken = async (scope: string) => {
    const { client, key } = await registerBackendClient(server, scope);
    clients.set(client.clientId, { client, key });
    return { ...(await backendServicesToken(server, { clientId: client.clientId, key, scope })), registeredClientId: client.clientId };
  };
  const system = (await backendToken('system/*.cruds')).access_token;
  const seed = await server.http
    .post('/fhir')
    .set('Authorization', `Bearer ${system}`)
    .set('Content-Type', FHIR_JSON)
    .send({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: RECORDS.map((r) => ({ resource: r, request: { method: 'PUT', url: `${r.resourceType}/${r.id}` } })),
    });
  assert.equal(seed.status, 200, seed.text);
  const login = async (fhirUser: string, scope: string, app?: RegisteredClient) => {
    const client = app ?? (await registerClient(server, { scope }));
    clients.set(client.clientId, { client });
    const user = { username: `u-${randomBytes(4).toString('hex')}`, password: `pw-${randomBytes(8).toString('hex')}` };
    await addUser(server, { ...user, fhirUser });
    return {
      ...(await authorizationCodeToken(server, { client, user, scope })),
      registeredClientId: client.clientId,
      username: user.username,
      password: user.password,
    };
  };
  const sameUser = async (token: Token, scope: string, patient?: string): Promise<Token> => {
    const { client, key } = clients.get(token.registeredClientId)!;
    if (key)
      return { ...(await backendServicesToken(server, { clientId: client.clientId, key, scope })), registeredClientId: client.clientId };
    const user = { username: token.username!, password: token.password! };
    const again = await authorizationCodeToken(server, {
      client,
      user,
      scope: `openid fhirUser ${scope}`,
      ...(patient ? { patient } : {}),
    });
    return { ...again, registeredClientId: client.clientId, ...user };
  };
  // Without `app`, each token is of a client registered for it.
  const tokensOf = (app?: RegisteredClient): Pick<Fixture, 'patientToken' | 'userToken'> => ({
    patientToken: (patient, scope) => login(`Patient/${patient}`, `launch/patient openid fhirUser ${scope}`, app),
    userToken: (scope) => login('Practitioner/pr1', `openid fhirUser ${scope}`, app),
  });
  return {
    server,
    system,
    ...tokensOf(),
    patientUserToken: (patient, scope) => login(`Patient/${patient}`, `openid fhirUser ${scope}`),
    backendToken,
    oneApp: async (scope) => tokensOf(await registerClient(server, { scope: `launch/patient openid fhirUser ${scope}` })),
    sameUser,
  };
}

/** An HTTP client for one token. */
export function as(server: TestServer, token: string) {
  const auth = (r: ReturnType<TestServer['http']['get']>) => r.set('Authorization', `Bearer ${token}`);
  return {
    get: (path: string) => auth(server.http.get(`/fhir/${path}`)),
    post: (path: string, body: unknown) =>
      auth(server.http.post(`/fhir/${path}`))
        .set('Content-Type', FHIR_JSON)
        .send(body as object),
    put: (path: string, body: unknown) =>
      auth(server.http.put(`/fhir/${path}`))
        .set('Content-Type', FHIR_JSON)
        .send(body as object),
    patch: (path: string, ops: unknown) =>
      auth(server.http.patch(`/fhir/${path}`))
        .set('Content-Type', 'application/json-patch+json')
        .send(JSON.stringify(ops)),
    delete: (path: string) => auth(server.http.delete(`/fhir/${path}`)),
  };
}

/** `Type/id` of every entry of a searchset or history Bundle. */
export function ids(res: Response): string[] {
  assert.equal(res.status, 200, res.text);
  return ((res.body as Bundle).entry ?? [])
    .filter((e) => e.resource?.resourceType !== 'OperationOutcome')
    .map((e) => `${e.resource!.resourceType}/${e.resource!.id}`)
    .sort();
}

/** Asserts a 403 OperationOutcome whose diagnostics match `pattern`. */
export function assertForbidden(res: Response, pattern: RegExp): void {
  assert.equal(res.status, 403, res.text);
  assert.equal(res.headers['www-authenticate'], 'Bearer realm="fhir", error="insufficient_scope"');
  const oo = res.body as OperationOutcome;
  assert.equal(oo.resourceType, 'OperationOutcome');
  assert.equal(oo.issue[0].code, 'forbidden');
  assert.match(oo.issue[0].diagnostics ?? '', pattern);
}

/**
 * Asserts the answer to a resource the token may not see: 404 with exactly the body and headers of the answer
 * to an id never stored (`unknown`, asking for `unknownId` where `res` asked for `hiddenId`): the two cannot be
 * told apart.
 */
export function assertHidden(res: Response, unknown: Response, hiddenId: string, unknownId: string): void {
  assert.equal(res.status, 404, res.text);
  assert.equal(unknown.status, 404, unknown.text);
  for (const h of ['www-authenticate', 'content-type', 'etag', 'last-modified']) assert.equal(res.headers[h], unknown.headers[h], h);
  const oo = res.body as OperationOutcome;
  assert.equal(oo.resourceType, 'OperationOutcome');
  assert.equal(oo.issue[0].code, 'not-found');
  assert.equal(JSON.stringify(oo).split(hiddenId).join(unknownId), JSON.stringify(unknown.body));
}
