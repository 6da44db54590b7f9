// The password check of our own sign-in forms outside an authorization (EHR simulator, grants page): the lockout
// after repeated failures, then the username (normalized as typed) and password.
import type { LoginThrottle } from './login-throttle.js';
import type { User, UserStore } from './user-store.js';
import { normalizeUsername } from './username.js';

export type SignInCheck = { user: User } | { status: 401 | 429; message: string };

export async function checkSignIn(users: UserStore, throttle: LoginThrottle, body: Record<string, unknown>): Promise<SignInCheck> {
  const { username: typed, password } = body;
  const username = typeof typed === 'string' ? normalizeUsername(typed) : '';
  if (username && (await throttle.locked(username)))
    return { status: 429, message: 'Too many failed sign-ins for this username: try again in 15 minutes.' };
  const user = username && typeof password === 'string' && password ? await users.authenticate(username, password) : undefined;
  if (!user) {
    if (username) await throttle.failed(username);
    return { status: 401, message: 'Wrong username or password.' };
  }
  await throttle.succeeded(username);
  return { user };
}
