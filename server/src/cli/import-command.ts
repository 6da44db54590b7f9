// fibrotrack import [apple-health|fitbit|google-fit] <file|folder>... --patient <id> [--tz zone] [--utc-offset +01:00]
// [--best-effort]: the same import as Patient/$import-wearable, run in-process on files already on disk. Without a
// kind each file is imported as the source its content shows (a folder of mixed exports); every file is reported.
import { IANAZone } from 'luxon';
import { buildFhirServices } from '../fhir-services.js';
import type { Config } from '../config.js';
import type { FhirContext } from '../fhir/fhir-context.js';
import { OutcomeError } from '../core/outcomes.js';
import { requirePatient } from '../fhir/operations/require-patient.js';
import { parseOptions, progressBar, runImport, summaryParameters, wearablesOf, type ImportSummary } from '../wearables/index.js';
import { KINDS, MissingPath, planFiles, type PlannedFile } from './import-files.js';

const USAGE =
  'Usage: fibrotrack import [apple-health|fitbit|google-fit] <file|folder>... --patient <id> [--tz <IANA zone>] [--utc-offset +01:00] [--best-effort]';

const SOURCE_NAMES: Record<string, string> = {
  fitbit: 'Fitbit JSON',
  'google-fit': 'Google Fit JSON',
  'apple-health-xml': 'Apple Health export.xml',
  'apple-health-zip': 'Apple Health export.zip',
};

export async function importCommand(config: Config, args: string[]): Promise<number> {
  const kind = args[0] !== undefined && KINDS[args[0]] ? args[0] : undefined;
  const opts = parseOptions(kind ? args.slice(1) : args, ['patient', 'tz', 'utc-offset'], ['best-effort']);
  if (!opts || opts.positional.length === 0 || !opts.values.patient) return usage();
  const timeZone = opts.values.tz;
  if (timeZone && !IANAZone.isValidZone(timeZone)) return usage(`--tz ${timeZone} is not an IANA time zone`);
  const localTimes = Boolean(timeZone || opts.values['utc-offset']);
  if (kind === 'fitbit' && !localTimes) return usage('Fitbit times are device-local: give --tz (or --utc-offset)');
  let files: PlannedFile[];
  try {
    files = await planFiles(opts.positional, kind);
  } catch (err) {
    if (err instanceof MissingPath) return usage(err.message);
    throw err;
  }
  const fitbit = files.filter((f) => 'source' in f && f.source === 'fitbit');
  if (fitbit.length && !localTimes)
    return usage(`Fitbit times are device-local: give --tz (or --utc-offset) for ${fitbit.map((f) => f.name).join(', ')}`);
  const { ctx, close } = await buildFhirServices(config);
  try {
    return await importFiles(ctx, {
      files,
      patientId: opts.values.patient,
      timeZone,
      utcOffset: opts.values['utc-offset'],
      bestEffort: opts.flags.has('best-effort'),
    });
  } finally {
    await close();
  }
}

export interface ImportFiles {
  /** As planFiles (import-files.ts) found them: each with its source, or why it is not read. */
  files: PlannedFile[];
  patientId: string;
  timeZone?: string;
  utcOffset?: string;
  bestEffort: boolean;
}

/** Imports `files` into services already built (`fibrotrack seed` imports every demo patient's with one set). */
export async function importFiles(ctx: FhirContext, { files, patientId, timeZone, utcOffset, bestEffort }: ImportFiles): Promise<number> {
  const { importOptions } = wearablesOf(ctx);
  let failures = 0;
  let imported = 0;
  try {
    await requirePatient(ctx, patientId);
    for (const file of files) {
      if ('ignored' in file) {
        console.log(`${file.name}: ${file.ignored}`);
        continue;
      }
      if ('refused' in file) {
        failures++;
        console.error(`${file.name}: refused, nothing stored from it: ${file.refused}`);
        continue;
      }
      const bar = progressBar(file.name);
      try {
        const summary = await runImport(
          { source: file.source, path: file.path, fileName: file.name, patientId, timeZone, utcOffset, bestEffort },
          ctx,
          { ...importOptions, onProgress: (p) => bar.update(p) },
        );
        bar.done();
        imported++;
        console.log(describe(file.name, file.source, summary));
      } catch (err) {
        bar.done();
        if (!(err instanceof OutcomeError)) throw err;
        failures++;
        console.error(`${file.name}: failed, nothing stored from it: ${err.message}`);
      }
    }
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    console.error(err.message);
    return 1;
  }
  if (files.length > 1)
    console.log(`${files.length} files: ${imported} imported, ${failures} failed, ${files.length - imported - failures} not read`);
  return failures === 0 ? 0 : 1;
}

function describe(fileName: string, source: string, s: ImportSummary): string {
  const p = summaryParameters(s).parameter!;
  const n = (name: string) => p.find((x) => x.name === name)?.valueInteger ?? 0;
  const reasons = [...s.skipped.values()].map((t) => `${t.count} ${t.reason}`).join('; ');
  return `${fileName}: ${SOURCE_NAMES[source] ?? source}: created ${n('created')}, unchanged ${n('unchanged')}, skipped ${n('skipped')}${reasons ? ` (${reasons})` : ''}`;
}

function usage(problem?: string): number {
  console.error(problem ? `${problem}\n${USAGE}` : USAGE);
  return 2;
}
