// What `npm test` needs besides Node: MariaDB/MySQL and Redis for the integration tests, Chromium for the browser
// tests. When nothing answers on the default addresses (127.0.0.1:3306, 127.0.0.1:6379) and TEST_MYSQL_URL / REDIS_URL
// are not set, the private development services of `npm start` (server/src/dev-services) are started on those
// addresses for the run, with the database's files in data/test-services (DEV_SERVICES_DIR), and stopped after it.
// A missing Chromium is one message naming what to install.
import { accessSync, constants } from 'node:fs';

/** Starts what the given test kinds need and is missing; resolves to a function that stops what it started. */
export async function provideTestServices(kinds) {
  if (!kinds.includes('int') && !kinds.includes('e2e')) return async () => undefined;
  (await import('tsx/esm/api')).register();
  const { provideDevServices } = await import('../server/src/dev-services/dev-services.ts');
  const { DATABASE_URL: _db, REDIS_URL: _redis, ...env } = process.env;
  const dev = await provideDevServices(
    { ...env, DEV_SERVICES_DIR: env.DEV_SERVICES_DIR || 'data/test-services', DEV_MYSQL_PORT: '3306', DEV_REDIS_PORT: '6379' },
    { database: !process.env.TEST_MYSQL_URL, redis: !process.env.REDIS_URL },
  );
  return dev.stop;
}

/** undefined when the browser tests can run, else why not and what to do. */
export function chromiumProblem(kinds) {
  if (!kinds.includes('e2e')) return undefined;
  const path = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  try {
    accessSync(path, constants.X_OK);
    return undefined;
  } catch {
    return (
      `The browser tests (tests/smart-app-browser.test.ts) need Chromium, not found at ${path}. Install it ` +
      `(Debian/Ubuntu: sudo apt-get install chromium; macOS: brew install --cask chromium, then ` +
      `CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium), or set CHROMIUM_PATH to a Chromium or Chrome ` +
      `binary, or run the other tests alone: npm run test:unit, npm run test:int.`
    );
  }
}
