// fibrotrack import apple-health|fitbit|google-fit <file|folder>... --patient <id> [--tz zone] [--utc-offset +01:00]
// [--best-effort]: the same import as Patient/$import-wearable, run in-process on files already on disk.
import { open, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { IANAZone } from 'luxon';
import { buildFhirServices } from '../fhir-services.js';
import type { Config } from '../config.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import { OutcomeError, badRequest } from '../core/outcomes.js';
import { requirePatient } from '../fhir/operations/require-patient.js';
import { detectUpload, parseOptions, progressBar, runImport, summaryParameters, wearablesOf, type ImportSummary } from '../wearables/index.js';

const SOURCES: Record<string, string[]> = {
  'apple-health': ['apple-health-xml', 'apple-health-zip'],
  fitbit: ['fitbit'],
  'google-fit': ['google-fit'],
};
const USAGE = 'Usage: fibrotrack import apple-health|fitbit|google-fit <file|folder>... --patient <id> [--tz <IANA zone>] [--utc-offset +01:00] [--best-effort]';

export async function importCommand(config: Config, args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  const opts = parseOptions(rest, ['patient', 'tz', 'utc-offset'], ['best-effort']);
  if (!kind || !SOURCES[kind] || !opts || opts.positional.length === 0 || !opts.values.patient) return usage();
  const timeZone = opts.values.tz;
  if (timeZone && !IANAZone.isValidZone(timeZone)) return usage(`--tz ${timeZone} is not an IANA time zone`);
  if (kind === 'fitbit' && !timeZone && !opts.values['utc-offset']) return usage('Fitbit times are device-local: give --tz (or --utc-offset)');
  const files = await inputFiles(opts.positional, kind);
  const { ctx, close } = await buildFhirServices(config);
  try {
    return await importFiles(ctx, {
      kind, files, patientId: opts.values.patient, timeZone, utcOffset: opts.values['utc-offset'], bestEffort: opts.flags.has('best-effort'),
    });
  } finally {
    await close();
  }
}

export interface ImportFiles {
  kind: string;
  files: string[];
  patientId: string;
  timeZone?: string;
  utcOffset?: string;
  bestEffort: boolean;
}

/** Imports `files` into services already built (`fibrotrack seed` imports every demo patient's with one set). */
export async function importFiles(ctx: FhirContext, { kind, files, patientId, timeZone, utcOffset, bestEffort }: ImportFiles): Promise<number> {
  const { importOptions } = wearablesOf(ctx);
  let failures = 0;
  try {
    await requirePatient(ctx, patientId);
    for (const file of files) {
      const fileName = basename(file);
      const bar = progressBar(fileName);
      try {
        const source = detectUpload(undefined, await head(file), fileName);
        if (!SOURCES[kind].includes(source)) throw badRequest(`${fileName} holds ${source} data, not ${kind}`);
        const summary = await runImport(
          { source, path: file, fileName, patientId, timeZone, utcOffset, bestEffort },
          ctx,
          { ...importOptions, onProgress: (p) => bar.update(p) },
        );
        bar.done();
        console.log(describe(fileName, summary));
      } catch (err) {
        bar.done();
        if (!(err instanceof OutcomeError)) throw err;
        failures++;
        console.error(`${fileName}: failed, nothing stored from it: ${err.message}`);
      }
    }
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    console.error(err.message);
    return 1;
  }
  return failures === 0 ? 0 : 1;
}

/** Folders contribute their files (JSON for Fitbit and Google Fit), in name order. */
async function inputFiles(paths: string[], kind: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    if (!(await stat(p)).isDirectory()) {
      out.push(p);
      continue;
    }
    const names = (await readdir(p)).filter((f) => (kind === 'apple-health' ? /\.(xml|zip)$/i : /\.json$/i).test(f)).sort();
    out.push(...names.map((f) => join(p, f)));
  }
  return out;
}

async function head(file: string): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function describe(fileName: string, s: ImportSummary): string {
  const p = summaryParameters(s).parameter!;
  const n = (name: string) => p.find((x) => x.name === name)?.valueInteger ?? 0;
  const reasons = [...s.skipped.values()].map((t) => `${t.count} ${t.reason}`).join('; ');
  return `${fileName}: created ${n('created')}, unchanged ${n('unchanged')}, skipped ${n('skipped')}${reasons ? ` (${reasons})` : ''}`;
}

function usage(problem?: string): number {
  console.error(problem ? `${problem}\n${USAGE}` : USAGE);
  return 2;
}
