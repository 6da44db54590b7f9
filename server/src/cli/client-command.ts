// fibrotrack client register|list|remove: SMART clients in MySQL (what the admin API does, from a shell).
import { readFileSync } from 'node:fs';
import { parseArgs } from '../auth/cli-args.js';
import { ClientRegistrationError, ClientStore, type ClientAuth, type ClientRegistration } from '../auth/client-store.js';
import type { Config } from '../config.js';
import { openPool } from '../store/mysql/connect.js';
import { migrate } from '../store/mysql/migrate.js';

export const CLIENT_USAGE = `Usage:
  fibrotrack client register --scope "<scopes>" [--id <client_id>] [--name <name>]
      [--auth none|client_secret_basic|private_key_jwt] [--redirect-uri <uri>]... [--launch-url <uri>]
      [--jwks-uri <url> | --jwks-file <file.json>] [--backend]
  fibrotrack client list
  fibrotrack client remove <client_id>`;

export async function clientCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const parsed = parseArgs(rest, {
    values: ['scope', 'id', 'name', 'auth', 'launch-url', 'jwks-uri', 'jwks-file'],
    lists: ['redirect-uri'],
    flags: ['backend'],
  });
  if (typeof parsed === 'string') return usage(parsed);
  if (sub !== 'register' && sub !== 'list' && sub !== 'remove') return usage(sub ? `unknown subcommand '${sub}'` : undefined);
  let registration: ClientRegistration | undefined;
  if (sub === 'register') {
    const { values, lists, flags } = parsed;
    if (!values.scope) return usage('--scope is required');
    let jwks: ClientRegistration['jwks'];
    if (values['jwks-file']) {
      try {
        jwks = JSON.parse(readFileSync(values['jwks-file'], 'utf8')) as ClientRegistration['jwks'];
      } catch (err) {
        return usage(`--jwks-file ${values['jwks-file']}: ${(err as Error).message}`);
      }
    }
    registration = {
      scope: values.scope,
      auth: (values.auth ?? (flags.has('backend') ? 'private_key_jwt' : 'none')) as ClientAuth,
      ...(values.id ? { clientId: values.id } : {}),
      ...(values.name ? { name: values.name } : {}),
      ...(lists['redirect-uri'] ? { redirectUris: lists['redirect-uri'] } : {}),
      ...(values['launch-url'] ? { launchUrl: values['launch-url'] } : {}),
      ...(values['jwks-uri'] ? { jwksUri: values['jwks-uri'] } : {}),
      ...(jwks ? { jwks } : {}),
      ...(flags.has('backend') ? { backend: true } : {}),
    };
  }
  if (sub === 'remove' && parsed.positional.length !== 1) return usage('remove takes one client_id');
  const pool = await openPool(config.databaseUrl, 1);
  try {
    await migrate(pool);
    const clients = new ClientStore(pool);
    if (sub === 'list') {
      for (const c of await clients.list()) console.log(JSON.stringify(c));
      return 0;
    }
    if (sub === 'remove') {
      if (await clients.remove(parsed.positional[0])) return 0;
      console.error(`No client '${parsed.positional[0]}'`);
      return 1;
    }
    try {
      const registered = await clients.register(registration!);
      // The secret is shown this once; only its hash is stored.
      console.log(JSON.stringify(registered, null, 2));
      return 0;
    } catch (err) {
      if (err instanceof ClientRegistrationError) return usage(err.message);
      if ((err as { code?: string }).code === 'ER_DUP_ENTRY') {
        console.error(`Client '${registration!.clientId}' is already registered`);
        return 1;
      }
      throw err;
    }
  } finally {
    await pool.end();
  }
}

function usage(problem?: string): number {
  console.error(problem ? `${problem}\n\n${CLIENT_USAGE}` : CLIENT_USAGE);
  return 2;
}
