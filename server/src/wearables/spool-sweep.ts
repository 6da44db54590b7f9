// Removes uploads and staged Bundles a crashed process left in the spool directory (run at start). Imports
// take minutes to hours, so files last written a day ago belong to a process that is gone.
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

const OURS = /^fibrotrack-(upload|staged)-[0-9a-f-]{36}(\.ndjson)?$/;
export const ABANDONED_AFTER_MS = 24 * 3600 * 1000;

export async function sweepSpool(dir: string, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!OURS.test(name)) continue;
    const path = join(dir, name);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > ABANDONED_AFTER_MS) {
      await rm(path, { force: true });
      removed.push(name);
    }
  }
  return removed;
}
