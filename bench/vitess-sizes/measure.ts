// Rows and bytes per patient, per table, for docs/scaling-vitess.md. In each of two scratch databases it creates and
// drops (`<name>_wearable`, `<name>_synthea`) it loads through the FHIR layer (`fibrotrack load`: validation,
// indexing, the same SQL as a POSTed transaction) first nothing (the migrated, seeded baseline), then either a week of
// minute heart rate for one wearable patient or a few Synthea patients, and reads exact COUNT(*) and
// information_schema data_length + index_length (after ANALYZE TABLE) before and after: the difference is theirs.
// Separate databases, so that each load lands in fresh pages (InnoDB sizes are allocated pages, not bytes).
// Usage: tsx bench/vitess-sizes/measure.ts [--patients 20] [--minutes 10080] [--keep]
//   env DATABASE_URL (default mysql://root@127.0.0.1:3306/fibrotrack_vitess_sizes: its name is the prefix of the two
//   databases, dropped at the end unless --keep), REDIS_URL as the server's. Prints Markdown tables.
// https://hl7.org/fhir/R4/compartmentdefinition-patient.html
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mysql from 'mysql2/promise';
import type { Bundle, BundleEntry } from 'fhir/r4.js';
import { loadConfig } from '../../server/src/config.js';
import { loadCommand } from '../../server/src/cli/load-command.js';
import { buildObservation } from '../../mappings/src/observation.js';
import { buildDevice } from '../../mappings/src/device.js';
import { toTransactionBundle } from '../../mappings/src/bundle.js';

const { values: args } = parseArgs({
  options: {
    patients: { type: 'string', default: '20' },
    minutes: { type: 'string', default: '10080' },
    keep: { type: 'boolean', default: false },
  },
});
const FIXTURES = new URL('../../../shared/fixtures/synthea/', import.meta.url).pathname;
const databaseUrl = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/fibrotrack_vitess_sizes';
const database = new URL(databaseUrl).pathname.slice(1);
const configFor = (db: string) =>
  loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl.replace(`/${database}`, `/${db}`),
    AUTH_MODE: 'open',
    REDIS_PREFIX: `${db}:`,
    LOG_LEVEL: 'warn',
  });

type Sizes = Map<string, { rows: number; bytes: number; data: number; index: number }>;

async function sizes(db: string): Promise<Sizes> {
  const [tables] = await conn.query<({ t: string } & mysql.RowDataPacket)[]>(
    'SELECT table_name AS t FROM information_schema.TABLES WHERE table_schema = ? ORDER BY table_name',
    [db],
  );
  const out: Sizes = new Map();
  for (const { t } of tables) {
    await conn.query(`ANALYZE TABLE \`${db}\`.\`${t}\``);
    const [[{ n }]] = await conn.query<mysql.RowDataPacket[]>(`SELECT COUNT(*) AS n FROM \`${db}\`.\`${t}\``);
    const [[s]] = await conn.query<mysql.RowDataPacket[]>(
      'SELECT data_length AS d, index_length AS i FROM information_schema.TABLES WHERE table_schema = ? AND table_name = ?',
      [db, t],
    );
    out.set(t, { rows: Number(n), data: Number(s.d), index: Number(s.i), bytes: Number(s.d) + Number(s.i) });
  }
  return out;
}

/** One wearable patient: a Patient and `minutes` heart-rate Observations from one watch, as the importers map them. */
function wearableBundle(minutes: number): Bundle {
  const patient = 'urn:uuid:7d1c2b1e-0000-4000-8000-000000000001';
  const device = buildDevice('apple', { manufacturer: 'Apple Inc.', model: 'Watch', name: 'Apple Watch' });
  const start = Date.parse('2026-01-01T00:00:00Z');
  const observations = Array.from({ length: minutes }, (_, i) =>
    buildObservation({
      kind: 'heart-rate',
      id: `hr-${i}`,
      patientReference: patient,
      device,
      effective: { at: new Date(start + i * 60_000).toISOString() },
      value: 60 + (i % 40),
    }),
  );
  const batch = toTransactionBundle({ observations, devices: [device], skipped: [] });
  const first: BundleEntry = {
    fullUrl: patient,
    resource: { resourceType: 'Patient', name: [{ family: 'Wearable' }] },
    request: { method: 'POST', url: 'Patient' },
  };
  return { ...batch, entry: [first, ...(batch.entry ?? [])] };
}

const kb = (b: number) => (b / 1024).toFixed(1);
function table(title: string, after: Sizes, before: Sizes | undefined, per: number, unit: string): void {
  console.log(`\n### ${title}\n\n| table | rows | rows per ${unit} | bytes per ${unit} (data + index) |\n|---|---:|---:|---:|`);
  let rows = 0,
    bytes = 0;
  for (const [t, s] of after) {
    const b = before?.get(t) ?? { rows: 0, bytes: 0 };
    const dr = s.rows - b.rows,
      db = s.bytes - b.bytes;
    if (dr === 0 && db === 0) continue;
    rows += dr;
    bytes += db;
    console.log(`| ${t} | ${dr} | ${(dr / per).toFixed(1)} | ${(db / per).toFixed(0)} |`);
  }
  console.log(`| **all** | ${rows} | ${(rows / per).toFixed(1)} | ${(bytes / per).toFixed(0)} (${kb(bytes / per)} KB) |`);
}

/** Into a fresh database `db`: the sizes after loading nothing, and after loading `files` (loadCommand, its per-file
 *  status lines kept out of the report). */
async function measure(db: string, files: string[]): Promise<{ before: Sizes; after: Sizes; seconds: number; firstPk: number }> {
  await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  const empty = join(work, 'empty.json');
  writeFileSync(empty, JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [] }));
  const load = async (paths: string[]) => {
    const log = console.log;
    console.log = () => {};
    try {
      if ((await loadCommand(configFor(db), paths)) !== 0) throw new Error(`some of ${paths.join(', ')} failed to load`);
    } finally {
      console.log = log;
    }
  };
  await load([empty]);
  const before = await sizes(db);
  const [[{ pk }]] = await conn.query<mysql.RowDataPacket[]>(`SELECT COALESCE(MAX(pk), 0) + 1 AS pk FROM \`${db}\`.resource`);
  const t0 = Date.now();
  await load(files);
  const seconds = (Date.now() - t0) / 1000;
  return { before, after: await sizes(db), seconds, firstPk: Number(pk) };
}

const conn = await mysql.createConnection({ uri: databaseUrl.replace(`/${database}`, '/') });
const work = mkdtempSync(join(tmpdir(), 'vitess-sizes-'));
const [wearableDb, syntheaDb] = [`${database}_wearable`, `${database}_synthea`];
try {
  const file = join(work, 'wearable.json');
  writeFileSync(file, JSON.stringify(wearableBundle(Number(args.minutes))));
  const wearable = await measure(wearableDb, [file]);
  const [[{ json }]] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT ROUND(AVG(LENGTH(content))) AS json FROM \`${wearableDb}\`.resource_history WHERE res_type = 'Observation' AND resource_pk >= ?`,
    [wearable.firstPk],
  );

  const files = readdirSync(FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .slice(0, Number(args.patients))
    .map((f) => join(FIXTURES, f));
  const synthea = await measure(syntheaDb, files);
  const [byType] = await conn.query<mysql.RowDataPacket[]>(
    `SELECT h.res_type AS t, COUNT(*) AS n, ROUND(AVG(LENGTH(h.content))) AS avg_json FROM \`${syntheaDb}\`.resource_history h
     WHERE h.resource_pk >= ? GROUP BY h.res_type ORDER BY n DESC`,
    [synthea.firstPk],
  );
  const patients = Number(byType.find((r) => r.t === 'Patient')?.n ?? 0);

  console.log(
    `Measured ${new Date().toISOString()}: ${args.minutes} heart-rate Observations of one patient (loaded in ${wearable.seconds.toFixed(0)} s, ${json} bytes of JSON each), ${patients} Synthea patients (loaded in ${synthea.seconds.toFixed(0)} s).`,
  );
  table('Wearable: per heart-rate Observation', wearable.after, wearable.before, Number(args.minutes), 'Observation');
  console.log('\n### Synthea resources by type\n\n| type | resources | per patient | avg stored JSON bytes |\n|---|---:|---:|---:|');
  for (const r of byType) console.log(`| ${r.t} | ${r.n} | ${(r.n / patients).toFixed(1)} | ${r.avg_json} |`);
  table(`Synthea: per patient (${patients} patients)`, synthea.after, synthea.before, patients, 'patient');
} finally {
  if (!args.keep) for (const db of [wearableDb, syntheaDb]) await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await conn.end();
  rmSync(work, { recursive: true, force: true });
}
