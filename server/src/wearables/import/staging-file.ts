// The first pass's staging file: transaction Bundles one per line, written with backpressure. A write error (a full
// disk) fails the import at the next line or at the end, never as an unhandled 'error' event; discarding the file
// with writes still in flight is quiet.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { rm } from 'node:fs/promises';

export interface StagingFile {
  readonly path: string;
  writeLine(line: string): Promise<void>;
  /** Flushed and closed. */
  finish(): Promise<void>;
  /** Closed and deleted (the import failed). */
  discard(): Promise<void>;
}

export function createStagingFile(path: string): StagingFile {
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let failed: Error | undefined;
  out.on('error', (err) => (failed ??= err));
  const check = () => {
    if (failed) throw failed;
  };
  return {
    path,
    async writeLine(line) {
      check();
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    },
    async finish() {
      check();
      out.end();
      await once(out, 'finish');
    },
    async discard() {
      out.destroy();
      await rm(path, { force: true });
    },
  };
}
