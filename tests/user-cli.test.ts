// fibrotrack user add|list|remove|set-password against the real database and authorization server: a fhirUser
// that does not exist is refused, the list never shows password hashes, a new password is the one that signs in,
// a removed user can no longer sign in, and both end the user's sessions and tokens.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { handleFhirRequest } from '../server/src/fhir/router.js';
import { runCliCaptured } from './support/cli-run.js';
import { randomBytes } from 'node:crypto';
import { authorize, createResource, exchangeCode, refresh, type TokenResponse } from './support/smart-tokens.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const providerApp = { clientId: 'fibrotrack-provider-app', redirectUris: ['http://localhost:8080/app/index.html'] };
let server: TestServer;
let practitioner: string;

/** The server's Redis keys, which the CLI must reach to end sessions. */
const REDIS_PREFIX = `fibrotrack_test_users_${randomBytes(4).toString('hex')}:`;
const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
  runCliCaptured(args, { DATABASE_URL: `${ROOT}/${server.database}`, REDIS_PREFIX, ...extraEnv });
const signsIn = async (username: string, password: string) =>
  (await authorize(server, { client: providerApp, user: { username, password }, scope: 'openid fhirUser' })).code !== undefined;

before(async () => {
  server = await startTestServer({ AUTH_MODE: 'smart', REDIS_PREFIX });
  practitioner = await createResource(server, { resourceType: 'Practitioner', name: [{ family: 'Users' }] });
});

after(async () => {
  await server?.close();
});

test('user add refuses a fhirUser that does not exist (or was deleted), naming it', async () => {
  const missing = await cli(['user', 'add', '--username', 'dr.ghost', '--password-env', 'PW', '--fhir-user', 'Practitioner/123'], {
    PW: 'long-enough-1',
  });
  assert.equal(missing.code, 2);
  assert.match(missing.err, /Practitioner\/123 does not exist on this server/);
  const gone = await createResource(server, { resourceType: 'Patient', name: [{ family: 'Gone' }] });
  const removed = await handleFhirRequest(
    { method: 'DELETE', path: `Patient/${gone}`, query: new URLSearchParams(), headers: {} },
    server.built.ctx,
  );
  assert.equal(removed.status, 204);
  const deleted = await cli(['user', 'add', '--username', 'pat.gone', '--password-env', 'PW', '--fhir-user', `Patient/${gone}`], {
    PW: 'long-enough-1',
  });
  assert.equal(deleted.code, 2);
  assert.match(deleted.err, new RegExp(`Patient/${gone} does not exist`));
  const malformed = await cli(['user', 'add', '--username', 'dr.bad', '--password-env', 'PW', '--fhir-user', 'Organization/1'], {
    PW: 'long-enough-1',
  });
  assert.match(malformed.err, /must be Practitioner\/<id>/);
  assert.equal((await cli(['user', 'list'])).out, '', 'nothing was added');
});

test('user list prints one JSON line per user without password hashes', async () => {
  for (const username of ['dr.list.b', 'dr.list.a']) {
    const added = await cli(
      ['user', 'add', '--username', username, '--password-env', 'PW', '--fhir-user', `Practitioner/${practitioner}`, '--name', 'Dr. List'],
      { PW: 'listed-password' },
    );
    assert.equal(added.code, 0, added.err);
  }
  const listed = await cli(['user', 'list']);
  assert.equal(listed.code, 0, listed.err);
  const lines = listed.out.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(
    lines.map((u) => u.username),
    ['dr.list.a', 'dr.list.b'],
  );
  assert.equal(lines[0].fhirUser, `Practitioner/${practitioner}`);
  assert.equal(lines[0].displayName, 'Dr. List');
  assert.match(String(lines[0].createdAt), /^\d{4}-\d\d-\d\dT/);
  assert.doesNotMatch(listed.out, /scrypt|password|listed-password/i);
});

test('user set-password: the new password signs in, the old one no longer does', async () => {
  assert.equal(
    (
      await cli(['user', 'add', '--username', 'dr.reset', '--password-env', 'PW', '--fhir-user', `Practitioner/${practitioner}`], {
        PW: 'first-password',
      })
    ).code,
    0,
  );
  assert.ok(await signsIn('dr.reset', 'first-password'));
  const unset = await cli(['user', 'set-password', '--username', 'dr.reset', '--password-env', 'NEW_PW']);
  assert.equal(unset.code, 2);
  assert.match(unset.err, /NEW_PW/);
  const short = await cli(['user', 'set-password', '--username', 'dr.reset', '--password-env', 'NEW_PW'], { NEW_PW: 'short' });
  assert.equal(short.code, 2);
  assert.match(short.err, /at least 8 characters/);
  const changed = await cli(['user', 'set-password', '--username', 'dr.reset', '--password-env', 'NEW_PW'], { NEW_PW: 'second-password' });
  assert.equal(changed.code, 0, changed.err);
  assert.ok(await signsIn('dr.reset', 'second-password'));
  assert.equal(await signsIn('dr.reset', 'first-password'), false);
  const nobody = await cli(['user', 'set-password', '--username', 'dr.nobody', '--password-env', 'NEW_PW'], { NEW_PW: 'second-password' });
  assert.equal(nobody.code, 1);
  assert.match(nobody.err, /No user 'dr.nobody'/);
});

test('user remove: the user can no longer sign in; removing again or an unknown name fails', async () => {
  assert.equal(
    (
      await cli(['user', 'add', '--username', 'dr.leaving', '--password-env', 'PW', '--fhir-user', `Practitioner/${practitioner}`], {
        PW: 'leaving-password',
      })
    ).code,
    0,
  );
  assert.ok(await signsIn('dr.leaving', 'leaving-password'));
  assert.equal((await cli(['user', 'remove', 'dr.leaving'])).code, 0);
  assert.equal(await signsIn('dr.leaving', 'leaving-password'), false);
  assert.doesNotMatch((await cli(['user', 'list'])).out, /dr\.leaving/);
  const again = await cli(['user', 'remove', 'dr.leaving']);
  assert.equal(again.code, 1);
  assert.match(again.err, /No user 'dr.leaving'/);
  const noName = await cli(['user', 'remove']);
  assert.equal(noName.code, 2);
  assert.match(noName.err, /remove takes one username/);
  assert.match((await cli(['user', 'rename'])).err, /unknown subcommand 'rename'/);
});

/** A signed-in browser with an access and a refresh token, as the provider app holds them. */
async function signedIn(username: string, password: string) {
  const result = await authorize(server, {
    client: providerApp,
    user: { username, password },
    scope: 'openid fhirUser offline_access user/Practitioner.rs',
  });
  assert.ok(result.code, result.error ?? result.stoppedAt?.text);
  const res = await exchangeCode(server, providerApp, result);
  assert.equal(res.status, 200, res.text);
  const tokens = res.body as TokenResponse;
  assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
  const reads = async () =>
    (await server.http.get(`/fhir/Practitioner/${practitioner}`).set('Authorization', `Bearer ${tokens.access_token}`)).status;
  assert.equal(await reads(), 200);
  return { agent: result.agent, tokens, reads };
}

/** The old browser session signs nobody in without the password: a wrong one gets no code. */
async function sessionEnded(agent: Awaited<ReturnType<typeof signedIn>>['agent'], username: string) {
  const again = await authorize(server, {
    agent,
    client: providerApp,
    user: { username, password: 'not-the-password' },
    scope: 'openid fhirUser user/Practitioner.rs',
  });
  return again.code === undefined;
}

for (const [what, change] of [
  [
    'set-password',
    (u: string) => cli(['user', 'set-password', '--username', u, '--password-env', 'NEW_PW'], { NEW_PW: 'replaced-password' }),
  ],
  ['remove', (u: string) => cli(['user', 'remove', u])],
] as const) {
  test(`user ${what} ends the user's sessions and revokes their tokens: the old access token is refused, the refresh token too`, async () => {
    const username = `dr.tokens.${what}`;
    assert.equal(
      (
        await cli(['user', 'add', '--username', username, '--password-env', 'PW', '--fhir-user', `Practitioner/${practitioner}`], {
          PW: 'tokens-password',
        })
      ).code,
      0,
    );
    const other = await signedIn('dr.reset', 'second-password').catch(() => undefined);
    const { agent, tokens, reads } = await signedIn(username, 'tokens-password');
    assert.equal(await sessionEnded(agent, username), false, 'before the change the session signs in without a password');
    const changed = await change(username);
    assert.equal(changed.code, 0, changed.err);
    assert.match(changed.out, /revoked/);
    assert.equal(await reads(), 401);
    assert.equal((await refresh(server, providerApp, tokens.refresh_token!)).status, 400);
    assert.ok(await sessionEnded(agent, username));
    if (other) assert.equal(await other.reads(), 200, 'another user keeps theirs');
  });
}
