// Users who log in to the authorization server (practitioners and patients), linked to their FHIR
// resource (fhirUser). Passwords are scrypt hashes.
import { randomUUID } from 'node:crypto';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { hashSecret, verifySecret } from './password.js';
import { normalizeUsername } from './username.js';

export interface User {
  accountId: string;
  username: string;
  /** Relative reference, e.g. `Practitioner/123`. */
  fhirUser: string;
  displayName?: string;
}

const FHIR_USER = /^(Practitioner|Patient|RelatedPerson|Person)\/[A-Za-z0-9\-.]{1,64}$/;

export class UserError extends Error {}

export class UserStore {
  constructor(private readonly pool: Pool) {}

  /** `exists`, when given, must confirm the fhirUser resource (the CLI checks it; a sign-in linked to nothing is refused). */
  async add(
    input: { username: string; password: string; fhirUser: string; displayName?: string },
    exists?: (type: string, id: string) => Promise<boolean>,
  ): Promise<User> {
    // Sign-in normalizes what is typed: a stored name must already be in that form, or nobody could sign in with it.
    const normal = normalizeUsername(input.username);
    if (normal !== input.username)
      throw new UserError(`username '${input.username}' must be given as it is normalized (trimmed, Unicode NFKC, lowercase): '${normal}'`);
    if (!/^[a-z0-9._@-]{1,191}$/.test(input.username)) throw new UserError(`username '${input.username}' must be 1-191 of a-z 0-9 . _ @ -`);
    if (!FHIR_USER.test(input.fhirUser))
      throw new UserError(`fhirUser '${input.fhirUser}' must be Practitioner/<id>, Patient/<id>, RelatedPerson/<id> or Person/<id>`);
    checkPassword(input.password);
    const [type, id] = input.fhirUser.split('/');
    if (exists && !(await exists(type, id))) {
      throw new UserError(`${input.fhirUser} does not exist on this server: create that ${type} first (or give the id of an existing one)`);
    }
    const user: User = {
      accountId: randomUUID(),
      username: input.username,
      fhirUser: input.fhirUser,
      ...(input.displayName ? { displayName: input.displayName } : {}),
    };
    try {
      await this.pool.query(
        'INSERT INTO auth_user (account_id, username, password_hash, fhir_user, display_name, created_at) VALUES (?, ?, ?, ?, ?, NOW(3))',
        [user.accountId, user.username, await hashSecret(input.password), user.fhirUser, input.displayName ?? null],
      );
    } catch (err) {
      if ((err as { code?: string }).code === 'ER_DUP_ENTRY') throw new UserError(`username '${input.username}' is taken`);
      throw err;
    }
    return user;
  }

  /** Every user, by username, without password hashes (`fibrotrack user list`); at most `limit`. */
  async list(limit = 10_000): Promise<(User & { createdAt: string })[]> {
    const [rows] = await this.pool.query<UserRecord[]>('SELECT * FROM auth_user ORDER BY username LIMIT ?', [limit]);
    return rows.map((r) => ({ ...toUser(r), createdAt: new Date(r.created_at).toISOString() }));
  }

  /** Removes the sign-in; false when there was no such username. */
  async remove(username: string): Promise<boolean> {
    const [res] = await this.pool.query<ResultSetHeader>('DELETE FROM auth_user WHERE username = ?', [normalizeUsername(username)]);
    return res.affectedRows > 0;
  }

  /** Replaces the password (stored as a new scrypt hash); false when there was no such username. */
  async setPassword(username: string, password: string): Promise<boolean> {
    checkPassword(password);
    const [res] = await this.pool.query<ResultSetHeader>('UPDATE auth_user SET password_hash = ? WHERE username = ?', [
      await hashSecret(password),
      normalizeUsername(username),
    ]);
    return res.affectedRows > 0;
  }

  /** The user when username (as typed: normalized here) and password match, else undefined (same work either way). */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const [rows] = await this.pool.query<UserRecord[]>('SELECT * FROM auth_user WHERE username = ?', [normalizeUsername(username)]);
    // Hash against a dummy when the user is unknown, so timing does not reveal which usernames exist.
    const stored = rows[0]?.password_hash ?? DUMMY_HASH;
    const ok = await verifySecret(password, stored);
    return ok && rows[0] ? toUser(rows[0]) : undefined;
  }

  /** The user a username (as typed: normalized here) names. */
  async byUsername(username: string): Promise<User | undefined> {
    const [rows] = await this.pool.query<UserRecord[]>('SELECT * FROM auth_user WHERE username = ?', [normalizeUsername(username)]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async find(accountId: string): Promise<User | undefined> {
    const [rows] = await this.pool.query<UserRecord[]>('SELECT * FROM auth_user WHERE account_id = ?', [accountId]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  /** Users linked to a resource type (the EHR simulator lists practitioners). */
  async listByType(resourceType: string): Promise<User[]> {
    const [rows] = await this.pool.query<UserRecord[]>('SELECT * FROM auth_user WHERE fhir_user LIKE ? ORDER BY username LIMIT 500', [
      `${resourceType}/%`,
    ]);
    return rows.map(toUser);
  }
}

function checkPassword(password: string): void {
  if (password.length < 8) throw new UserError('the password must have at least 8 characters');
}

const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** An auth_user row as mysql2 returns it. */
interface UserRecord extends RowDataPacket {
  account_id: string;
  username: string;
  fhir_user: string;
  display_name: string | null;
  password_hash: string;
  created_at: Date;
}

function toUser(r: UserRecord): User {
  return {
    accountId: r.account_id,
    username: r.username,
    fhirUser: r.fhir_user,
    ...(r.display_name ? { displayName: r.display_name } : {}),
  };
}
