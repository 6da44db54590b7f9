// Finds the database and Redis server programs a private development service is started from, and says in one
// paragraph what to install (or which variable to set) when they are missing.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Where package managers put server programs that are often not on a user's PATH (Debian's sbin, Homebrew). */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin', '/opt/homebrew/bin', '/opt/homebrew/sbin'];

/** The folders searched: DEV_SERVICES_PATH when set, else PATH and then the usual server folders. */
export function searchDirs(env: Record<string, string | undefined>): string[] {
  const split = (list: string | undefined) => (list ?? '').split(delimiter).filter(Boolean);
  if (env.DEV_SERVICES_PATH) return split(env.DEV_SERVICES_PATH);
  return [...new Set([...split(env.PATH), ...EXTRA_DIRS])];
}

/** The first of `names` that is an executable file in one of `dirs`. */
export function findExecutable(names: string[], dirs: string[]): string | undefined {
  for (const name of names) {
    for (const dir of dirs) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}

export interface MysqlBinaries {
  /** mariadbd or mysqld. */
  server: string;
  /** mariadb-install-db or mysql_install_db (MariaDB); undefined for MySQL, whose server initialises its own data folder. */
  installDb?: string;
}

export function findMysqlBinaries(dirs: string[]): MysqlBinaries | undefined {
  const server = findExecutable(['mariadbd', 'mysqld'], dirs);
  if (!server) return undefined;
  const installDb = findExecutable(['mariadb-install-db', 'mysql_install_db'], dirs);
  return { server, ...(installDb ? { installDb } : {}) };
}

export function findRedisServer(dirs: string[]): string | undefined {
  return findExecutable(['redis-server'], dirs);
}

const INSTALL = {
  database: {
    programs: 'mariadbd or mysqld',
    debian: 'sudo apt-get install mariadb-server',
    mac: 'brew install mariadb',
    variable: 'DATABASE_URL=mysql://user:password@host:3306/fibrotrack',
  },
  redis: {
    programs: 'redis-server',
    debian: 'sudo apt-get install redis-server',
    mac: 'brew install redis',
    variable: 'REDIS_URL=redis://host:6379 (or AUTH_MODE=open, which needs no Redis)',
  },
};

/** The one paragraph printed when a private service is needed and its programs are not installed. */
export function missingProgramMessage(kind: 'database' | 'redis', defaultAddress: string, dirs: string[]): string {
  const what = INSTALL[kind];
  const name = kind === 'database' ? 'MySQL/MariaDB' : 'Redis';
  const urlVar = kind === 'database' ? 'DATABASE_URL' : 'REDIS_URL';
  return (
    `${urlVar} is not set and no ${name} answers on ${defaultAddress}, so FibroTrack would start a private one for ` +
    `development, but ${what.programs} is not installed (looked in ${dirs.join(', ')}). Install it ` +
    `(Debian/Ubuntu: ${what.debian}; macOS: ${what.mac}) and run the command again, or point the server at a running ` +
    `one with ${what.variable}. DEV_SERVICES=off turns private services off (see docs/operations.md).`
  );
}
