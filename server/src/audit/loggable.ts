// What of a failed request may reach the log: never a credential, an authorization code, an OAuth state or a
// token. A URL is logged as its path and the names of its query parameters; an error without the SQL text that
// mysql2 attaches to it (bound values inlined) and with token-shaped runs cut from its message.
import { redactCredentials } from './audit-event.js';

/** `/wearables/fitbit/callback?code=…&state=…`: the values stay out, the names say what was asked. */
export function loggableUrl(originalUrl: string): string {
  const url = new URL(originalUrl, 'http://local');
  const names = [...new Set(url.searchParams.keys())].map((k) => `${encodeURIComponent(k)}=…`);
  return names.length > 0 ? `${url.pathname}?${names.join('&')}` : url.pathname;
}

export function loggableError(err: unknown): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? redactCredentials(err) : err;
  const copy = new Error(redactCredentials(err.message));
  copy.name = err.name;
  copy.stack =
    err.stack &&
    `${err.name}: ${copy.message}\n${err.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .join('\n')}`;
  const { code, errno, sqlState } = err as { code?: unknown; errno?: unknown; sqlState?: unknown };
  Object.assign(copy, code === undefined ? {} : { code }, errno === undefined ? {} : { errno }, sqlState === undefined ? {} : { sqlState });
  if (err.cause !== undefined) copy.cause = loggableError(err.cause);
  return copy;
}
