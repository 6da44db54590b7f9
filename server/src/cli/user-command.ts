// fibrotrack user add|list|remove|set-password|revoke-grants: the practitioners and patients who sign in to the
// authorization server, and the apps they allowed. Passwords come from an environment variable (--password-env),
// never from the command line. A new password or a removal ends the user's sessions and revokes their tokens (in
// Redis, REDIS_URL and REDIS_PREFIX).
import type { Pool } from 'mysql2/promise';
import { parseArgs, type ParsedArgs } from '../auth/cli-args.js';
import { revokeAccount } from '../auth/redis-adapter.js';
import { openRedis } from '../auth/redis-client.js';
import { UserError, UserStore } from '../auth/user-store.js';
import { revokeUserGrants } from './revoke-grants.js';
import type { Config } from '../config.js';
import { openPool } from '../store/mysql/connect.js';
import { migrate } from '../store/mysql/migrate.js';
import { resourceExists } from '../store/mysql/resource-exists.js';

export const USER_USAGE = `Usage:
  fibrotrack user add --username <name> --password-env <VARIABLE> --fhir-user Practitioner/<id>|Patient/<id> [--name "<display name>"]
  fibrotrack user list
  fibrotrack user remove <username>
  fibrotrack user set-password --username <name> --password-env <VARIABLE>
  fibrotrack user revoke-grants <username> [--client <client_id>]`;

type Outcome = number | string;

interface Deps {
  users: UserStore;
  pool: Pool;
  config: Config;
}

const SUBCOMMANDS: Record<string, { values: string[]; run(deps: Deps, a: ParsedArgs, password: string | undefined): Promise<Outcome> }> = {
  add: { values: ['username', 'password-env', 'fhir-user', 'name'], run: add },
  list: { values: [], run: list },
  remove: { values: [], run: remove },
  'set-password': { values: ['username', 'password-env'], run: setPassword },
  'revoke-grants': { values: ['client'], run: ({ users, config }, a) => revokeUserGrants(config, users, a.positional[0], a.values.client) },
};

export async function userCommand(config: Config, args: string[], env: Record<string, string | undefined>): Promise<number> {
  const [sub, ...rest] = args;
  const command = sub === undefined ? undefined : SUBCOMMANDS[sub];
  if (!command) return usage(sub ? `unknown subcommand '${sub}'` : undefined);
  const parsed = parseArgs(rest, { values: command.values });
  if (typeof parsed === 'string') return usage(parsed);
  const problem = missing(sub, parsed);
  if (problem) return usage(problem);
  const passwordEnv = parsed.values['password-env'];
  const password = passwordEnv === undefined ? undefined : env[passwordEnv];
  if (passwordEnv !== undefined && !password) return usage(`the environment variable ${passwordEnv} named by --password-env is not set`);
  const pool = await openPool(config.databaseUrl, 1);
  try {
    await migrate(pool);
    const outcome = await command.run({ users: new UserStore(pool), pool, config }, parsed, password);
    if (typeof outcome === 'number') return outcome;
    console.error(outcome);
    return 1;
  } catch (err) {
    if (err instanceof UserError) return usage(err.message);
    throw err;
  } finally {
    await pool.end();
  }
}

function missing(sub: string, a: ParsedArgs): string | undefined {
  if (sub === 'add' && (!a.values.username || !a.values['password-env'] || !a.values['fhir-user']))
    return '--username, --password-env and --fhir-user are required';
  if (sub === 'set-password' && (!a.values.username || !a.values['password-env'])) return '--username and --password-env are required';
  if (sub === 'remove' && a.positional.length !== 1) return 'remove takes one username';
  if (sub === 'revoke-grants' && a.positional.length !== 1) return 'revoke-grants takes one username';
  if (sub !== 'remove' && sub !== 'revoke-grants' && a.positional.length) return `unexpected argument '${a.positional[0]}'`;
  return undefined;
}

async function add({ users, pool }: Deps, a: ParsedArgs, password: string | undefined): Promise<Outcome> {
  const input = {
    username: a.values.username,
    password: password!,
    fhirUser: a.values['fhir-user'],
    ...(a.values.name ? { displayName: a.values.name } : {}),
  };
  const user = await users.add(input, (type, id) => resourceExists(pool, type, id));
  console.log(JSON.stringify(user));
  return 0;
}

async function list({ users }: Deps): Promise<Outcome> {
  for (const user of await users.list()) console.log(JSON.stringify(user));
  return 0;
}

async function remove(deps: Deps, a: ParsedArgs): Promise<Outcome> {
  const username = a.positional[0];
  return endingSessions(deps, username, () => deps.users.remove(username));
}

async function setPassword(deps: Deps, a: ParsedArgs, password: string | undefined): Promise<Outcome> {
  const username = a.values.username;
  return endingSessions(deps, username, () => deps.users.setPassword(username, password!));
}

/**
 * Whoever holds the user's session or tokens must not keep them past a new password or a removal. Redis is reached
 * before `change` (without it nothing changes, and the command can be run again), and the sessions are ended after
 * it, when no new sign-in with the old password can start any more.
 */
async function endingSessions({ users, config }: Deps, username: string, change: () => Promise<boolean>): Promise<Outcome> {
  const user = await users.byUsername(username);
  if (!user) return `No user '${username}'`;
  let redis;
  try {
    redis = await openRedis(config.redisUrl, config.redisTimeoutMs);
  } catch (err) {
    return `Nothing was changed: ${username}'s sessions and tokens are in Redis, which did not answer (${(err as Error).message})`;
  }
  try {
    if (!(await change())) return `No user '${username}'`;
    const ended = await revokeAccount(redis, config.redisPrefix, user.accountId);
    console.log(`${username}: ${ended} session(s) and grant(s) ended; their tokens are revoked`);
    return 0;
  } finally {
    redis.disconnect();
  }
}

function usage(problem?: string): number {
  console.error(problem ? `${problem}\n\n${USER_USAGE}` : USER_USAGE);
  return 2;
}
