// fibrotrack CLI: serve, migrate, load... Returns an exit code, or undefined while a server keeps running.
// Each command's module is loaded when it runs, so that `fibrotrack import` loads no HTTP or authorization server.
import { loadConfig } from '../config.js';
import { provideDevServices } from '../dev-services/dev-services.js';

const USAGE = `Usage: fibrotrack <command>

Commands:
  serve                      run the FHIR server (same as npm start)
  migrate                    create the database if needed and apply migrations
  load <file|folder>...      load FHIR Bundles (transaction or batch) or single resources from JSON files
  validate <file|folder>... [--profile url] [--verbose]
                             validate JSON resources offline against R4 and the FibroTrack profiles
  import apple-health|fitbit|google-fit <file|folder>... --patient <id> [--tz zone] [--utc-offset +01:00] [--best-effort]
                             import wearable exports for a patient (progress on stderr; nothing stored from a bad file)
  sync fitbit --patient <id> [--tz zone] [--until yyyy-MM-dd]
                             pull the patient's new Fitbit days (exit 3 when the rate limit cut it short)
  export [--group id] [--type A,B] [--since instant] [--type-filter Type?query]... --out <dir>
                             Bulk Data export of the whole server or a Group into ndjson files (progress on stderr)
  client register|list|remove  SMART clients (register prints the client_secret once); see fibrotrack client
  user add|list|remove|set-password|revoke-grants
                             practitioners and patients who sign in (passwords from --password-env), and
                             revoking the apps they allowed; see fibrotrack user
  keys list|rotate|retire    the authorization server's signing keys
  subscriptions list|remove <id>
                             FHIR Subscriptions: status, events and backlog (JSON lines); remove stops one
  seed --demo [--patients n] demo data: 2 practitioners who can sign in, 20 patients with a year of pain scores,
                             medications, conditions and 30 days of wearable data, dated relative to today
  help                       show this text

Configuration comes from the environment; see docs/configuration.md.`;

/** Commands that use no database (and so never start a private one). */
const NO_DATABASE = new Set(['validate', 'help', '--help', '-h']);

export async function runCli(args: string[], env: Record<string, string | undefined>): Promise<number | undefined> {
  const [command = 'serve', ...rest] = args;
  if (NO_DATABASE.has(command) || !COMMANDS.has(command)) return runCommand(command, rest, env);
  loadConfig(env); // a malformed setting is refused before any private service starts
  // DATABASE_URL (and REDIS_URL for the authorization server) unset and nothing on the default address: a private
  // development database (and Redis), started here and stopped when the command ends (docs/operations.md).
  const dev = await provideDevServices(env, { database: true, redis: command === 'serve' && (env.AUTH_MODE ?? 'smart') === 'smart' });
  const withDev = { ...env, ...dev.env };
  if (command === 'serve') {
    try {
      await (await import('./serve-command.js')).serveCommand(loadConfig(withDev), dev.stop);
    } catch (err) {
      await dev.stop();
      throw err;
    }
    return undefined;
  }
  try {
    return await runCommand(command, rest, withDev);
  } finally {
    await dev.stop();
  }
}

const COMMANDS = new Set([
  'serve',
  'migrate',
  'load',
  'validate',
  'import',
  'sync',
  'export',
  'client',
  'user',
  'keys',
  'subscriptions',
  'seed',
]);

async function runCommand(command: string, rest: string[], env: Record<string, string | undefined>): Promise<number | undefined> {
  switch (command) {
    case 'migrate':
      return (await import('./migrate-command.js')).migrateCommand(loadConfig(env));
    case 'load':
      return (await import('./load-command.js')).loadCommand(loadConfig(env), rest);
    case 'validate':
      return (await import('./validate-command.js')).validateCommand(loadConfig(env), rest);
    case 'import':
      return (await import('./import-command.js')).importCommand(loadConfig(env), rest);
    case 'sync':
      return (await import('./sync-command.js')).syncCommand(loadConfig(env), rest);
    case 'export':
      return (await import('./export-command.js')).exportCommand(loadConfig(env), rest);
    case 'client':
      return (await import('./client-command.js')).clientCommand(loadConfig(env), rest);
    case 'user':
      return (await import('./user-command.js')).userCommand(loadConfig(env), rest, env);
    case 'keys':
      return (await import('./keys-command.js')).keysCommand(loadConfig(env), rest);
    case 'subscriptions':
      return (await import('./subscriptions-command.js')).subscriptionsCommand(loadConfig(env), rest);
    case 'seed':
      return (await import('./seed-command.js')).seedCommand(loadConfig(env), rest);
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`Unknown command '${command}'.\n\n${USAGE}`);
      return 2;
  }
}
