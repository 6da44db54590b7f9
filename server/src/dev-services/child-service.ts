// A server program run as a child of this process (a private development database or Redis): started in its own
// process group (a Ctrl-C in the terminal reaches the FHIR server, which closes its connections first and then
// stops the child), its output appended to a log file, awaited until it answers, stopped with SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';

export interface ChildService {
  readonly pid: number;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  /** Name in messages: "MariaDB", "Redis". */
  name: string;
  command: string;
  args: string[];
  /** The child's stdout and stderr are appended here. */
  logFile: string;
  /** Resolves once the service answers; called until it does or `timeoutMs` passes. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
}

export async function startChildService(opts: StartOptions): Promise<ChildService> {
  const log = openSync(opts.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.command, opts.args, { detached: true, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  let exited: string | undefined;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `exit code ${code}`;
      resolve();
    });
    child.once('error', (err) => {
      exited = err.message;
      resolve();
    });
  });
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (exited !== undefined)
      throw new Error(
        `${opts.name} (${opts.command}) stopped at start (${exited}); its log ${opts.logFile} ends with:\n${tail(opts.logFile)}`,
      );
    if (await opts.ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `${opts.name} (${opts.command}) did not answer within ${opts.timeoutMs} ms; its log ${opts.logFile} ends with:\n${tail(opts.logFile)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    pid: child.pid!,
    async stop(graceMs = 30_000) {
      if (exited !== undefined) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Whether something accepts TCP connections on host:port within `timeoutMs`. */
export function answersOn(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
