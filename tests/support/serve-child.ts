// A real `fibrotrack serve` process, for tests that need a whole process (signals, kill -9): started with the given
// environment on `port`, handed back once GET /health answers 200. By default through bin/fibrotrack.js (the compiled
// dist/ when it is fresh, as in CI after `npm run build`); FROM_SOURCE is its other path, the TypeScript entry point
// under tsx's loader, which the command takes when dist/ is stale.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
export const FIBROTRACK_BIN = join(ROOT, 'bin', 'fibrotrack.js');
export const FROM_BIN = [FIBROTRACK_BIN, 'serve'];
export const FROM_SOURCE = ['--import', 'tsx', join(ROOT, 'server', 'src', 'main.ts'), 'serve'];

export async function startServe(port: number, env: NodeJS.ProcessEnv, waitMs = 60_000, argv = FROM_BIN): Promise<ChildProcess> {
  const child = spawn(process.execPath, argv, { env: { ...env, PORT: String(port) }, stdio: 'ignore' });
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
