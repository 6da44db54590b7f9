// Which files `fibrotrack import` reads and as what: each file's source is told from its own first bytes, so a folder
// of mixed exports (Apple Health export.zip / export.xml, Fitbit and Google Fit JSON) is imported file by file, each
// with its own source. Files that cannot be imported are kept with the reason, to be reported.
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { WearableSource } from '../../../mappings/src/index.js';
import { OutcomeError } from '../core/outcomes.js';
import { detectUpload } from '../wearables/index.js';

export type PlannedFile =
  | { path: string; name: string; source: WearableSource }
  /** A file that looked like an export (its name) but is none the importer reads: a failure. */
  | { path: string; name: string; refused: string }
  /** A file of a folder that no export of ours is (not .json, .xml or .zip): listed, not a failure. */
  | { path: string; name: string; ignored: string };

export const KINDS: Record<string, WearableSource[]> = {
  'apple-health': ['apple-health-xml', 'apple-health-zip'],
  fitbit: ['fitbit'],
  'google-fit': ['google-fit'],
};

const EXPORT_NAME = /\.(json|xml|zip)$/i;
const KIND_NAMES: Record<string, RegExp> = { 'apple-health': /\.(xml|zip)$/i, fitbit: /\.json$/i, 'google-fit': /\.json$/i };

/** A path given on the command line that does not exist (a usage problem). */
export class MissingPath extends Error {}

/**
 * Files of `paths` with their source. A folder contributes its files and those of its subfolders (hidden ones
 * left out), in name order; with `kind` only the names that kind's files have, each required to be of that kind.
 */
export async function planFiles(paths: string[], kind?: string): Promise<PlannedFile[]> {
  const out: PlannedFile[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (!info) throw new MissingPath(`${p}: no such file or folder`);
    const files = info.isDirectory()
      ? (await walk(p)).map((f) => ({ path: f, name: relative(p, f) }))
      : [{ path: p, name: p.split(/[\\/]/).pop()! }];
    for (const file of files) {
      if (info.isDirectory() && kind && !KIND_NAMES[kind].test(file.name)) continue;
      out.push(await plan(file, kind, info.isDirectory()));
    }
  }
  return out;
}

async function plan(file: { path: string; name: string }, kind: string | undefined, inFolder: boolean): Promise<PlannedFile> {
  const baseName = file.name.split(/[\\/]/).pop()!;
  if (inFolder && !EXPORT_NAME.test(baseName)) return { ...file, ignored: 'not read: only .json, .xml and .zip files are exports' };
  const head = await firstBytes(file.path);
  try {
    const source = detectUpload(undefined, head, baseName);
    if (kind && !KINDS[kind].includes(source)) return { ...file, refused: `${baseName} holds ${source} data, not ${kind}` };
    return { ...file, source };
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    // FHIR JSON is not a wearable export, but it has a command of its own.
    const fhir = /^\s*\{[\s\S]*"resourceType"\s*:\s*"([A-Za-z]+)"/.exec(head.toString('utf8'))?.[1];
    return { ...file, refused: fhir ? `a FHIR ${fhir}, not a wearable export: load it with \`fibrotrack load\`` : err.message };
  }
}

async function walk(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.')) continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

async function firstBytes(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
