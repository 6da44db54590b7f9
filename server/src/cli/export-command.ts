// fibrotrack export [--group id] [--type A,B] [--since instant] [--type-filter query]... --out dir: a Bulk Data
// export run in-process with system-level access (no token), its ndjson files copied into --out, a summary printed.
// Exit 0 when written, 1 on errors (unknown group, failed export), 2 on usage errors.
// https://hl7.org/fhir/uv/bulkdata/export.html
import { createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { parseExportParams } from '../bulk/export-params.js';
import type { Manifest } from '../bulk/export-service.js';
import type { ExportSpec } from '../bulk/export-spec.js';
import { confineToGroup } from '../bulk/group-members.js';
import { checkTypeFilters } from '../bulk/type-filter.js';
import type { Config } from '../config.js';
import { OutcomeError } from '../core/outcomes.js';
import { buildFhirServices, r4Definitions } from '../fhir-services.js';
import { progressBar } from '../wearables/index.js';

const USAGE = 'Usage: fibrotrack export [--group <id>] [--type A,B] [--since <instant>] [--type-filter <Type?query>]... --out <dir>';
const POLL_MS = 200;
/** The export parameter each option stands for, to name the option in the parameter's error. */
const OPTION_OF: Record<string, string> = { _type: '--type', _since: '--since', _typeFilter: '--type-filter' };

export async function exportCommand(config: Config, args: string[]): Promise<number> {
  let values: { group?: string; type?: string[]; since?: string; 'type-filter'?: string[]; out?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        group: { type: 'string' },
        type: { type: 'string', multiple: true },
        since: { type: 'string' },
        'type-filter': { type: 'string', multiple: true },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usage((err as Error).message);
  }
  if (!values.out) return usage('--out <dir> is required');
  if (values.group !== undefined && !/^[A-Za-z0-9\-.]{1,64}$/.test(values.group))
    return usage(`--group '${values.group}' is not a FHIR id`);
  const query = new URLSearchParams();
  for (const t of values.type ?? []) query.append('_type', t);
  if (values.since !== undefined) query.append('_since', values.since);
  for (const f of values['type-filter'] ?? []) query.append('_typeFilter', f);
  let params: Omit<ExportSpec, 'level' | 'groupId'>;
  try {
    params = parseExportParams(values.group ? 'group' : 'system', query, undefined, 'GET', r4Definitions());
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    const name = Object.keys(OPTION_OF).find((p) => err.message.startsWith(p));
    return usage(name ? `${OPTION_OF[name]}: ${err.message}` : err.message);
  }
  const outStat = await stat(values.out).catch(() => undefined);
  if (outStat && !outStat.isDirectory()) return usage(`--out ${values.out} is not a directory`);

  const { ctx, bulk, fhirBase, close } = await buildFhirServices(config);
  try {
    const asked: ExportSpec = { level: values.group ? 'group' : 'system', ...params };
    const spec = values.group ? await confineToGroup(asked, values.group, ctx.repo) : asked;
    if (!spec) {
      console.error(`Group/${values.group} is not known`);
      return 1;
    }
    await checkTypeFilters(spec.typeFilters, ctx.defs, ctx.terminology);
    const requestUrl = `${fhirBase}/${values.group ? `Group/${values.group}/` : ''}$export${query.size > 0 ? `?${query}` : ''}`;
    const id = await bulk.kickOff(requestUrl, spec, undefined);
    const manifest = await awaitManifest(id, bulk, fhirBase);
    if (typeof manifest === 'string') {
      console.error(`export failed: ${manifest}`);
      return 1;
    }
    await mkdir(values.out, { recursive: true });
    const counts = new Map<string, number>();
    for (const output of manifest.output) {
      const file = output.url.slice(output.url.lastIndexOf('/') + 1);
      const { stream } = await bulk.file(id, file, undefined);
      await pipeline(stream, createWriteStream(join(values.out, file)));
      counts.set(output.type, (counts.get(output.type) ?? 0) + output.count);
    }
    await bulk.discard(id);
    console.log(
      `Exported ${[...counts.values()].reduce((a, b) => a + b, 0)} resources as of ${manifest.transactionTime} into ${manifest.output.length} files in ${values.out}`,
    );
    for (const [type, n] of counts) console.log(`  ${type}: ${n}`);
    return 0;
  } catch (err) {
    if (!(err instanceof OutcomeError)) throw err;
    console.error(`export failed: ${err.message}`);
    return 1;
  } finally {
    await close();
  }
}

/** Waits for the job (run by this process, or by a server that took it first); the manifest, or why it failed. */
async function awaitManifest(
  id: string,
  bulk: Awaited<ReturnType<typeof buildFhirServices>>['bulk'],
  base: string,
): Promise<Manifest | string> {
  const bar = progressBar('export');
  try {
    for (;;) {
      const status = await bulk.status(id, undefined, base);
      if (status.state === 'done') return status.manifest;
      if (status.state === 'failed') return status.error;
      bar.update({ phase: status.progress === 'queued' ? 'queued' : 'exporting', done: status.processed, unit: 'resources' });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    bar.done();
  }
}

function usage(problem: string): number {
  console.error(`${problem}\n${USAGE}`);
  return 2;
}
