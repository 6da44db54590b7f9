// fibrotrack user add: a practitioner or patient who logs in to the authorization server. The password
// comes from an environment variable (--password-env), never from the command line.
import { parseArgs } from '../auth/cli-args.js';
import { UserError, UserStore } from '../auth/user-store.js';
import type { Config } from '../config.js';
import { openPool } from '../store/mysql/connect.js';
import { migrate } from '../store/mysql/migrate.js';

export const USER_USAGE = `Usage:
  fibrotrack user add --username <name> --password-env <VARIABLE> --fhir-user Practitioner/<id>|Patient/<id> [--name "<display name>"]`;

export async function userCommand(config: Config, args: string[], env: Record<string, string | undefined>): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'add') return usage(sub ? `unknown subcommand '${sub}'` : undefined);
  const parsed = parseArgs(rest, { values: ['username', 'password-env', 'fhir-user', 'name'] });
  if (typeof parsed === 'string') return usage(parsed);
  const { username, 'password-env': passwordEnv, 'fhir-user': fhirUser, name } = parsed.values;
  if (!username || !passwordEnv || !fhirUser) return usage('--username, --password-env and --fhir-user are required');
  const password = env[passwordEnv];
  if (!password) return usage(`the environment variable ${passwordEnv} named by --password-env is not set`);
  const pool = await openPool(config.databaseUrl, 1);
  try {
    await migrate(pool);
    const user = await new UserStore(pool).add({ username, password, fhirUser, ...(name ? { displayName: name } : {}) });
    console.log(JSON.stringify(user));
    return 0;
  } catch (err) {
    if (err instanceof UserError) return usage(err.message);
    throw err;
  } finally {
    await pool.end();
  }
}

function usage(problem?: string): number {
  console.error(problem ? `${problem}\n\n${USER_USAGE}` : USER_USAGE);
  return 2;
}
