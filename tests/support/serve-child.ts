// A real `fibrotrack serve` process, for tests that need a whole process (signals, kill -9): started with the given
// environment on `port`, handed back once GET /health answers 200.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const FIBROTRACK_BIN = join(import.meta.dirname, '..', '..', 'bin', 'fibrotrack.js');

export async function startServe(port: number, env: NodeJS.ProcessEnv, waitMs = 60_000): Promise<ChildProcess> {
  const child = spawn(process.execPath, [FIBROTRACK_BIN, 'serve'], { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
  for (let waited = 0; waited < waitMs; waited += 250) {
    await new Promise((r) => setTimeout(r, 250));
    if (
      (await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.status,
        () => 0,
      )) === 200
    )
      return child;
  }
  child.kill('SIGKILL');
  throw new Error(`serve did not answer /health on port ${port} within ${waitMs} ms`);
}
