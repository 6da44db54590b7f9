// The private development Redis: redis-server started from the installed program on 127.0.0.1:<port>, working in
// <DEV_SERVICES_DIR>/redis. Nothing is saved to disk: the authorization server's state may be lost on restart
// (users sign in again; clients and keys are in the database).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { answersOn, startChildService, type ChildService } from './child-service.js';

const START_TIMEOUT_MS = 30_000;

export async function startDevRedis(server: string, dir: string, port: number): Promise<ChildService> {
  mkdirSync(dir, { recursive: true });
  return startChildService({
    name: 'Redis',
    command: server,
    args: ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    logFile: join(dir, 'redis.log'),
    ready: () => answersOn('127.0.0.1', port),
    timeoutMs: START_TIMEOUT_MS,
  });
}
