// "Starts anywhere": when DATABASE_URL (or, for the authorization server, REDIS_URL) is not set and nothing answers
// on the default address, outside production, start a private MariaDB/MySQL (and Redis) for development from the
// installed programs, or reuse the private one another fibrotrack process already started. What this process
// started stops with it (stop()). Settings: DEV_SERVICES, DEV_SERVICES_DIR, DEV_MYSQL_PORT, DEV_REDIS_PORT,
// DEV_SERVICES_PATH
// (docs/operations.md, "Starts anywhere").
import { join, resolve } from 'node:path';
import { findMysqlBinaries, findRedisServer, missingProgramMessage, searchDirs } from './binaries.js';
import { answersOn, type ChildService } from './child-service.js';
import { answersQueries, startDevMysql } from './mysql-dev-server.js';
import { startDevRedis } from './redis-dev-server.js';

type Env = Record<string, string | undefined>;

/** `auto`: the default address when something answers there, else a private service; `private`: always the private one; `off`: never. */
export type DevServicesMode = 'auto' | 'private' | 'off';

export interface DevServicesSettings {
  mode: DevServicesMode;
  /** Absolute; the database's files are in <dir>/mysql, Redis's in <dir>/redis. */
  dir: string;
  mysqlPort: number;
  redisPort: number;
}

export const DEFAULT_MYSQL = { host: '127.0.0.1', port: 3306 };
export const DEFAULT_REDIS = { host: '127.0.0.1', port: 6379 };
const DATABASE_NAME = 'fibrotrack';

export function devServicesSettings(env: Env): DevServicesSettings {
  const production = env.NODE_ENV === 'production';
  const raw = env.DEV_SERVICES || (production ? 'off' : 'auto');
  if (raw !== 'auto' && raw !== 'private' && raw !== 'off') throw new Error(`DEV_SERVICES must be auto, private or off, got '${raw}'`);
  if (production && raw !== 'off')
    throw new Error(
      `DEV_SERVICES=${raw} refused with NODE_ENV=production: production never starts private development services; set DATABASE_URL and REDIS_URL`,
    );
  return {
    mode: raw,
    dir: resolve(env.DEV_SERVICES_DIR || join('data', 'dev-services')),
    mysqlPort: portVar(env, 'DEV_MYSQL_PORT', 3307),
    redisPort: portVar(env, 'DEV_REDIS_PORT', 6380),
  };
}

export interface DevServices {
  /** DATABASE_URL and REDIS_URL of the private services in use (none when the defaults or the given URLs are used). */
  env: Record<string, string>;
  /** Stops the services this process started (not those it reused). */
  stop: () => Promise<void>;
}

export interface Needs {
  database: boolean;
  redis: boolean;
}

export async function provideDevServices(env: Env, needs: Needs, log: (line: string) => void = console.log): Promise<DevServices> {
  const settings = devServicesSettings(env);
  const started: ChildService[] = [];
  const result: DevServices = {
    env: {},
    async stop() {
      for (const service of started.splice(0).reverse()) await service.stop();
    },
  };
  if (settings.mode === 'off') return result;
  const dirs = searchDirs(env);
  try {
    if (needs.database && !env.DATABASE_URL && !(settings.mode === 'auto' && (await answersOn(DEFAULT_MYSQL.host, DEFAULT_MYSQL.port)))) {
      const port = settings.mysqlPort;
      const dir = join(settings.dir, 'mysql');
      const why = whyPrivate('DATABASE_URL', settings.mode, DEFAULT_MYSQL);
      if (await answersOn('127.0.0.1', port)) {
        if (!(await answersQueries(port).catch(() => false))) throw new Error(portTakenMessage('DEV_MYSQL_PORT', port, 'database'));
        log(`${why}: using the private development database already running on 127.0.0.1:${port} (files in ${dir}).`);
      } else {
        const bins = findMysqlBinaries(dirs);
        if (!bins) throw new Error(missingProgramMessage('database', address(DEFAULT_MYSQL), dirs));
        const mysql = await startDevMysql(bins, dir, port);
        started.push(mysql.service);
        log(
          `${why}: started a private ${mysql.version} for development on 127.0.0.1:${port}, files in ${dir} (${mysql.initialised ? 'created now' : 'kept from before'}); it stops with this process.`,
        );
      }
      result.env.DATABASE_URL = `mysql://root@127.0.0.1:${port}/${DATABASE_NAME}`;
    }
    if (needs.redis && !env.REDIS_URL && !(settings.mode === 'auto' && (await answersOn(DEFAULT_REDIS.host, DEFAULT_REDIS.port)))) {
      const port = settings.redisPort;
      const dir = join(settings.dir, 'redis');
      const why = whyPrivate('REDIS_URL', settings.mode, DEFAULT_REDIS);
      if (await answersOn('127.0.0.1', port)) {
        log(`${why}: using the private development Redis already running on 127.0.0.1:${port}.`);
      } else {
        const server = findRedisServer(dirs);
        if (!server) throw new Error(missingProgramMessage('redis', address(DEFAULT_REDIS), dirs));
        started.push(await startDevRedis(server, dir, port));
        log(`${why}: started a private Redis for development on 127.0.0.1:${port} (nothing saved to disk); it stops with this process.`);
      }
      result.env.REDIS_URL = `redis://127.0.0.1:${port}`;
    }
  } catch (err) {
    await result.stop();
    throw err;
  }
  return result;
}

function whyPrivate(variable: string, mode: DevServicesMode, def: { host: string; port: number }): string {
  return mode === 'private'
    ? `${variable} is not set and DEV_SERVICES=private`
    : `${variable} is not set and nothing answers on ${address(def)}`;
}

function portTakenMessage(variable: string, port: number, what: string): string {
  return `127.0.0.1:${port} (${variable}) is taken by something that is not FibroTrack's private development ${what}; set ${variable} to a free port`;
}

function address(a: { host: string; port: number }): string {
  return `${a.host}:${a.port}`;
}

function portVar(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port (1-65535), got '${raw}'`);
  return port;
}
