// A real SMART Backend Services token for bench/crud with AUTH_MODE=smart: registers a private_key_jwt client with
// `fibrotrack client register` and exchanges a signed assertion for a system/*.cruds access token.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { backendKey, clientAssertion } from '../../tests/support/smart-tokens.js';

const BIN = fileURLToPath(new URL('../../bin/fibrotrack.js', import.meta.url));
const SCOPE = 'system/*.cruds';

/** `origin`: where the server listens; `databaseUrl`: its database (the CLI registers there). */
export async function smartToken(origin: string, databaseUrl: string): Promise<string> {
  const key = backendKey('RS384');
  const dir = await mkdtemp(join(tmpdir(), 'bench-crud-'));
  let clientId: string;
  try {
    const jwks = join(dir, 'jwks.json');
    await writeFile(jwks, JSON.stringify(key.jwks));
    const { stdout } = await promisify(execFile)(
      BIN,
      ['client', 'register', '--backend', '--auth', 'private_key_jwt', '--jwks-file', jwks, '--scope', SCOPE],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl },
      },
    );
    clientId = (JSON.parse(stdout) as { clientId: string }).clientId;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const res = await fetch(`${origin}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: clientAssertion(clientId, key),
      scope: SCOPE,
    }),
  });
  if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}
