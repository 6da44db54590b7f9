// A Subscription lives only as long as the authorization that created it: when its grant is revoked (any of the
// grant's tokens revoked at /auth/revoke), its Backend Services token is revoked, or its client is removed, it
// goes `off` with the reason in `error`, and nothing more is delivered. Revocations switch it off at once (the
// authorization server's events, on the node that revoked); the delivery loop checks the grant and the client
// again in every delivery round (each once a round), which covers removals made elsewhere (another node, the CLI) and expired grants.
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { FhirRepository } from '../store/repository.js';
import { sql } from '../store/sql.js';
import type { Grant } from './grant.js';
import { setStatus } from './set-status.js';

/** What the authorization server can tell about a stored grant (AUTH_MODE=smart). */
export interface AuthorizationState {
  grantExists(grantId: string): Promise<boolean>;
  clientExists(clientId: string): Promise<boolean>;
}

/**
 * The state asked once per client and grant for one delivery round, however many Subscriptions share them (a
 * failed answer fails them all for this round; the next round asks again).
 */
export function oncePerRound(state: AuthorizationState): AuthorizationState {
  const clients = new Map<string, Promise<boolean>>();
  const grants = new Map<string, Promise<boolean>>();
  const once = (seen: Map<string, Promise<boolean>>, id: string, ask: (id: string) => Promise<boolean>) => {
    let answer = seen.get(id);
    if (!answer) seen.set(id, (answer = ask(id)));
    return answer;
  };
  return {
    clientExists: (id) => once(clients, id, (x) => state.clientExists(x)),
    grantExists: (id) => once(grants, id, (x) => state.grantExists(x)),
  };
}

/** Why the authorization behind `grant` has ended, or undefined while it holds. */
export async function authorizationEnded(grant: Grant | undefined, state: AuthorizationState): Promise<string | undefined> {
  if (!grant || 'unrestricted' in grant) return undefined;
  const { clientId, grantId } = grant.access;
  if (!(await state.clientExists(clientId))) return `the client '${clientId}' that created it was removed`;
  if (grantId && !(await state.grantExists(grantId))) return 'the authorization (grant) that created it was revoked or has expired';
  return undefined;
}

/** Which stored grants an ended authorization covers (a removed client is found by the delivery loop's check). */
export type EndedAuthorization = { grantId: string } | { tokenId: string };

/** Switches off every live Subscription created under `ended` (each a new version, status off, with `why`). */
export async function stopSubscriptionsOf(pool: Pool, repo: FhirRepository, ended: EndedAuthorization, why: string): Promise<string[]> {
  const [field, value] = Object.entries(ended)[0];
  const q = sql`SELECT id FROM subscription WHERE status <> 'off' AND grant_json IS NOT NULL
    AND JSON_UNQUOTE(JSON_EXTRACT(grant_json, ${`$.access.${field}`})) = ${value}`;
  const [rows] = await pool.query<RowDataPacket[]>(q.text, q.values as unknown[]);
  const ids = rows.map((r) => String(r.id));
  for (const id of ids) await setStatus(repo, id, 'off', why);
  return ids;
}
