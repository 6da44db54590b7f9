// fibrotrack seed --demo: the demo data set in one command: two practitioners who can sign in (their demo
// passwords printed), 20 patients with a year of pain scores, medications and conditions (written through the
// FHIR layer, fixed ids, so a second run changes nothing but dates that moved on), and 30 days of wearable data
// imported from generated Fitbit files by our own importer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FhirResource } from 'fhir/r4.js';
import { UserError, UserStore } from '../auth/user-store.js';
import type { Config } from '../config.js';
import { DEMO_PATIENTS, DEMO_PRACTITIONERS, demoPatientId, patientResources, practitionerResources } from '../demo/demo-data.js';
import { fitbitFiles } from '../demo/demo-wearables.js';
import { buildFhirServices } from '../fhir-services.js';
import { handleFhirRequest } from '../fhir/router.js';
import { openPool } from '../store/mysql/connect.js';
import { importFiles } from './import-command.js';
import { planFiles } from './import-files.js';

const USAGE = 'Usage: fibrotrack seed --demo [--patients <1-20>]';
/** Entries per transaction (and ids per `_id` search, which takes at most 100): each chunk all or nothing. */
const CHUNK = 100;

/** `build`: the services, built once for the whole seed (tests count it). */
export async function seedCommand(config: Config, args: string[], build = buildFhirServices): Promise<number> {
  if (args[0] !== '--demo') return usage();
  let count = DEMO_PATIENTS;
  if (args[1] === '--patients') {
    count = Number(args[2]);
    if (!Number.isInteger(count) || count < 1 || count > DEMO_PATIENTS)
      return usage(`--patients must be a whole number from 1 to ${DEMO_PATIENTS}`);
  } else if (args.length > 1) {
    return usage(`unknown option '${args[1]}'`);
  }
  const today = new Date();
  const { ctx, close } = await build(config);
  try {
    await put(ctx, practitionerResources());
    for (let n = 1; n <= count; n++) {
      const resources = patientResources(n, today);
      await put(ctx, resources);
      console.error(`${demoPatientId(n)}: ${resources.length} resources`);
    }
    for (let n = 1; n <= count; n++) {
      const code = await importWearables(ctx, n, today);
      if (code !== 0) return code;
    }
  } finally {
    await close();
  }
  await addUsers(config);
  console.log(`Demo data for ${count} patients (${demoPatientId(1)} to ${demoPatientId(count)}).`);
  return 0;
}

type Ctx = Parameters<typeof handleFhirRequest>[1];

/** 30 days of the patient's Fitbit data, written as Fitbit exports them and imported by the importer. */
async function importWearables(ctx: Ctx, n: number, today: Date): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-demo-'));
  try {
    const files = Object.entries(fitbitFiles(n, today)).map(([name, text]) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    });
    return await importFiles(ctx, {
      files: await planFiles(files.sort(), 'fitbit'),
      patientId: demoPatientId(n),
      timeZone: 'UTC',
      bestEffort: false,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Key order and server-set meta (versionId, lastUpdated) do not make two resources different. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([k]) => k !== 'versionId' && k !== 'lastUpdated')
    .sort(([a], [b]) => a.localeCompare(b));
  // meta left empty once versionId and lastUpdated are gone is no difference either.
  return Object.fromEntries(
    entries
      .map(([k, v]) => [k, canonical(v)])
      .filter(([, v]) => !(v && typeof v === 'object' && !Array.isArray(v) && !Object.keys(v).length)),
  );
}

/** The stored versions of these resources (one type), by id. */
async function stored(ctx: Ctx, type: string, ids: string[]): Promise<Map<string, string>> {
  const res = await handleFhirRequest(
    {
      method: 'GET',
      path: type,
      query: new URLSearchParams({ _id: ids.join(','), _count: String(ids.length) }),
      headers: {},
      body: undefined,
    },
    ctx,
  );
  const bundle = res.resource as { entry?: { resource?: FhirResource }[] };
  return new Map(
    (bundle.entry ?? []).flatMap((e) => (e.resource?.id ? [[e.resource.id, JSON.stringify(canonical(e.resource))] as const] : [])),
  );
}

/** PUTs what is missing or different, in transactions of CHUNK entries; what is stored as it is stays untouched (no new version). */
async function put(ctx: Ctx, resources: FhirResource[]): Promise<void> {
  for (let i = 0; i < resources.length; i += CHUNK) {
    const chunk = resources.slice(i, i + CHUNK);
    const byType = new Map<string, FhirResource[]>();
    for (const r of chunk) byType.set(r.resourceType, [...(byType.get(r.resourceType) ?? []), r]);
    const changed: FhirResource[] = [];
    for (const [type, list] of byType) {
      const have = await stored(
        ctx,
        type,
        list.map((r) => r.id!),
      );
      changed.push(...list.filter((r) => have.get(r.id!) !== JSON.stringify(canonical(r))));
    }
    if (!changed.length) continue;
    const entry = changed.map((resource) => ({ resource, request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` } }));
    await handleFhirRequest(
      { method: 'POST', path: '', query: new URLSearchParams(), headers: {}, body: { resourceType: 'Bundle', type: 'transaction', entry } },
      ctx,
    );
  }
}

/** The practitioners' sign-ins; a user already there is left as it is (its password may have been changed). */
async function addUsers(config: Config): Promise<void> {
  const pool = await openPool(config.databaseUrl, 1);
  try {
    const users = new UserStore(pool);
    for (const p of DEMO_PRACTITIONERS) {
      try {
        await users.add({
          username: p.username,
          password: p.password,
          fhirUser: `Practitioner/${p.id}`,
          displayName: `Dr. ${p.given} ${p.family}`,
        });
        console.log(`Sign in as ${p.username} with the password ${p.password} (Practitioner/${p.id}).`);
      } catch (err) {
        if (!(err instanceof UserError) || !/is taken/.test(err.message)) throw err;
        console.log(`User ${p.username} exists already (Practitioner/${p.id}); its password was left as it is.`);
      }
    }
  } finally {
    await pool.end();
  }
}

function usage(problem?: string): number {
  console.error(problem ? `${problem}\n\n${USAGE}` : USAGE);
  return 2;
}
