// Starts `fibrotrack serve` as its own process tree, as a deployment runs it, and waits until it answers.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** Run as the command itself, so with the Node flags of its shebang (the young generation's size). */
const BIN = fileURLToPath(new URL('../../bin/fibrotrack.js', import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  base: string;
  /** The server process (the command execs node, so this is node's own pid). */
  pid: number;
  stop(): Promise<void>;
}

/**
 * `nodeFlags` (e.g. --cpu-prof, which NODE_OPTIONS refuses): run with node and these flags, the shebang's included.
 * `env.PORT`: listen there (when BASE_URL must name the port, as in AUTH_MODE=smart); else on a free port.
 */
export async function startServer(env: Record<string, string>, nodeFlags: string[] = []): Promise<RunningServer> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const [command, args] =
    nodeFlags.length > 0 ? [process.execPath, [...nodeFlags, '--max-semi-space-size=64', BIN, 'serve']] : [BIN, ['serve']];
  const child = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`server (pid ${child.pid}) exited unasked: code ${code}, signal ${signal}`);
  });
  const base = `http://127.0.0.1:${port}/fhir`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${base}/metadata`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    pid: child.pid!,
    stop: () =>
      new Promise((resolve) => {
        stopping = true;
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
