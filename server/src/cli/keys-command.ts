// fibrotrack keys list|rotate|retire: the authorization server's signing keys in MySQL. Running nodes pick a
// change up within 30 s (they check the key set); the previous key stays in the JWKS until retired.
import { SigningKeyStore } from '../auth/signing-keys.js';
import type { Config } from '../config.js';
import { openPool } from '../store/mysql/connect.js';
import { migrate } from '../store/mysql/migrate.js';

export const KEYS_USAGE = `Usage:
  fibrotrack keys list
  fibrotrack keys rotate            new signing key (running nodes use it within 30 s); the old one stays published
  fibrotrack keys retire <kid>      stop publishing a previous key`;

export async function keysCommand(config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (!['list', 'rotate', 'retire'].includes(sub ?? '')) return usage(sub ? `unknown subcommand '${sub}'` : undefined);
  if (sub === 'retire' && rest.length !== 1) return usage('retire takes one kid');
  const pool = await openPool(config.databaseUrl, 1);
  try {
    await migrate(pool);
    const keys = new SigningKeyStore(pool);
    await keys.ensure();
    if (sub === 'list') {
      for (const k of await keys.list()) console.log(`${k.kid}\t${k.use}\t${k.status}\t${k.createdAt.toISOString()}`);
      return 0;
    }
    if (sub === 'rotate') {
      console.log(await keys.rotate());
      return 0;
    }
    try {
      await keys.retire(rest[0]);
      return 0;
    } catch (err) {
      console.error((err as Error).message);
      return 1;
    }
  } finally {
    await pool.end();
  }
}

function usage(problem?: string): number {
  console.error(problem ? `${problem}\n\n${KEYS_USAGE}` : KEYS_USAGE);
  return 2;
}
