// `fibrotrack import` as a separate process: Apple export.zip, a folder of Fitbit files, a folder of mixed exports
// (each file as its own source), progress on stderr,
// non-zero exits for bad files, unknown patients and usage errors; the import's own process and its signals.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import { generateExport, zipExport } from '../bench/wearables/generate-export.js';
import { heartIntraday, sleepLog } from './support/fake-fitbit.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'fibrotrack.js');
const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
const env = { ...process.env, DATABASE_URL: `${ROOT}/${database}` };
const dir = mkdtempSync(join(tmpdir(), 'fibrotrack-cli-import-'));
let db: mysql.Connection;

type Failure = { code: number; stdout: string; stderr: string };
const fibrotrack = (...args: string[]) => run(process.execPath, [BIN, ...args], { env });
const fails = async (args: string[]): Promise<Failure> => {
  try {
    await fibrotrack(...args);
  } catch (err) {
    return err as Failure;
  }
  throw new Error(`fibrotrack ${args.join(' ')} succeeded`);
};
const observations = async (patient: string) =>
  Number(
    (
      (
        await db.query("SELECT COUNT(*) AS n FROM idx_reference WHERE res_type = 'Observation' AND param = 'subject' AND target_id = ?", [
          patient,
        ])
      )[0] as { n: number }[]
    )[0].n,
  );

before(async () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: ['cli-jane', 'cli-john'].map((id) => ({
      resource: { resourceType: 'Patient', id },
      request: { method: 'PUT', url: `Patient/${id}` },
    })),
  };
  writeFileSync(join(dir, 'patients.json'), JSON.stringify(bundle));
  await fibrotrack('load', join(dir, 'patients.json'));
  db = await mysql.createConnection(`${ROOT}/${database}`);
});
after(async () => {
  await db.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await db.end();
});

test('import apple-health export.zip stores the export and reports progress on stderr in plain lines', async () => {
  await generateExport(join(dir, 'export.xml'), 0.05);
  await zipExport(join(dir, 'export.xml'), join(dir, 'export.zip'));
  const { stdout, stderr } = await fibrotrack('import', 'apple-health', join(dir, 'export.zip'), '--patient', 'cli-jane');
  const created = Number(/export\.zip: Apple Health export\.zip: created (\d+), unchanged 0/.exec(stdout)?.[1]);
  assert.ok(created > 50, stdout);
  assert.match(stderr, /^export\.zip validating: \d+ records/m);
  assert.match(stderr, /^export\.zip storing: \d+ batches of \d+ batches/m);
  assert.doesNotMatch(stderr, /\r/);
  const stored = await observations('cli-jane');
  assert.ok(stored > 50 && stored < created);

  const again = await fibrotrack('import', 'apple-health', join(dir, 'export.zip'), '--patient', 'cli-jane');
  assert.match(again.stdout, /created 0, unchanged \d+/);
  assert.equal(await observations('cli-jane'), stored);
});

test('import fitbit takes a folder; a bad file exits 1 naming file and position, and nothing of it is stored', async () => {
  const folder = join(dir, 'fitbit');
  mkdirSync(folder);
  writeFileSync(
    join(folder, 'heart-2026-11-20.json'),
    JSON.stringify(
      heartIntraday('2026-11-20', [
        { time: '08:00:00', value: 64 },
        { time: '08:01:00', value: 66 },
      ]),
    ),
  );
  writeFileSync(join(folder, 'sleep-2026-11-20.json'), JSON.stringify({ sleep: [sleepLog('2026-11-20')] }));
  const ok = await fibrotrack('import', 'fitbit', folder, '--patient', 'cli-john', '--tz', 'Europe/Berlin');
  assert.match(ok.stdout, /heart-2026-11-20\.json: Fitbit JSON: created 4, unchanged 0, skipped 0/);
  assert.match(ok.stdout, /sleep-2026-11-20\.json: Fitbit JSON: created \d+/);
  const before = await observations('cli-john');

  writeFileSync(
    join(folder, 'zz-bad.json'),
    JSON.stringify(
      heartIntraday('2026-11-21', [
        { time: '08:00:00', value: 64 },
        { time: '08:01:00', value: '6x' },
      ]),
    ),
  );
  const bad = await fails(['import', 'fitbit', join(folder, 'zz-bad.json'), '--patient', 'cli-john', '--tz', 'Europe/Berlin']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /zz-bad\.json: failed, nothing stored from it: .*dataset\[1\]\.value/);
  assert.equal(await observations('cli-john'), before);
});

test('import without a kind takes a folder of mixed exports: each file as its own source, each reported, exit 1 only for a refused file', async () => {
  const fixtures = join(import.meta.dirname, '..', 'mappings', 'test-fixtures');
  const folder = join(dir, 'mixed');
  mkdirSync(join(folder, 'phone'), { recursive: true });
  const copies: [string, string][] = [
    ['apple/tdda-export6s3sample.xml', 'phone/export.xml'],
    ['apple/ios16-export.zip', 'export.zip'],
    ['fitbit/activities-date-multiple-in-activities-list.json', 'fitbit-activities.json'],
    ['fitbit/sleep-date.json', 'fitbit-sleep.json'],
    ['google-fit/merge-heart-rate.json', 'google-fit-heart.json'],
    ['google-fit/merge-step-deltas.json', 'google-fit-steps.json'],
  ];
  for (const [from, to] of copies) copyFileSync(join(fixtures, from), join(folder, to));
  writeFileSync(join(folder, 'notes.txt'), 'exported on my phone');
  writeFileSync(join(folder, '.DS_Store'), 'hidden');
  const run = ['import', folder, '--patient', 'cli-mixed', '--tz', 'Europe/Berlin'];
  await fibrotrack('load', writePatient('cli-mixed'));

  const ok = await fibrotrack(...run);
  assert.match(ok.stdout, /^export\.zip: Apple Health export\.zip: created [1-9]\d*, unchanged \d+, skipped \d+/m);
  assert.match(ok.stdout, /^phone\/export\.xml: Apple Health export\.xml: created [1-9]\d*/m);
  assert.match(ok.stdout, /^fitbit-activities\.json: Fitbit JSON: created [1-9]\d*/m);
  assert.match(ok.stdout, /^fitbit-sleep\.json: Fitbit JSON: created [1-9]\d*/m);
  assert.match(ok.stdout, /^google-fit-heart\.json: Google Fit JSON: created [1-9]\d*/m);
  assert.match(ok.stdout, /^google-fit-steps\.json: Google Fit JSON: created [1-9]\d*/m);
  assert.match(ok.stdout, /^notes\.txt: not read: only \.json, \.xml and \.zip files are exports$/m);
  assert.doesNotMatch(ok.stdout, /DS_Store/);
  assert.match(ok.stdout, /^7 files: 6 imported, 0 failed, 1 not read$/m);
  const stored = await observations('cli-mixed');
  assert.ok(stored > 0);

  // A FHIR Bundle and JSON of no known export are refused by name; the rest is imported again (unchanged); exit 1.
  writeFileSync(join(folder, 'bundle.json'), JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry: [] }));
  writeFileSync(join(folder, 'settings.json'), JSON.stringify({ theme: 'dark' }));
  const mixed = await fails(run);
  assert.equal(mixed.code, 1);
  assert.match(
    mixed.stderr,
    /^bundle\.json: refused, nothing stored from it: a FHIR Bundle, not a wearable export: load it with `fibrotrack load`$/m,
  );
  assert.match(
    mixed.stderr,
    /^settings\.json: refused, nothing stored from it: settings\.json is not recognisable as Fitbit JSON, Google Fit JSON or an Apple Health export/m,
  );
  assert.match(mixed.stdout, /^google-fit-heart\.json: Google Fit JSON: created 0, unchanged [1-9]\d*/m);
  assert.match(mixed.stdout, /^9 files: 6 imported, 2 failed, 1 not read$/m);
  assert.equal(await observations('cli-mixed'), stored);

  // Fitbit times are local: without --tz nothing is imported, and the Fitbit files are named.
  const noZone = await fails(['import', folder, '--patient', 'cli-mixed']);
  assert.equal(noZone.code, 2);
  assert.match(noZone.stderr, /give --tz \(or --utc-offset\) for fitbit-activities\.json, fitbit-sleep\.json/);
  assert.equal((await fails(['import', join(dir, 'no-such-folder'), '--patient', 'cli-mixed'])).code, 2);
});

const writePatient = (id: string) => {
  const file = join(dir, `patient-${id}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: { resourceType: 'Patient', id }, request: { method: 'PUT', url: `Patient/${id}` } }],
    }),
  );
  return file;
};

test('unknown patients exit 1, usage errors exit 2', async () => {
  const unknown = await fails(['import', 'apple-health', join(dir, 'export.zip'), '--patient', 'nobody']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /Patient\/nobody is not known/);
  const noZone = await fails(['import', 'fitbit', join(dir, 'fitbit'), '--patient', 'cli-john']);
  assert.equal(noZone.code, 2);
  assert.match(noZone.stderr, /--tz/);
  const wrongKind = await fails(['import', 'google-fit', join(dir, 'fitbit', 'heart-2026-11-20.json'), '--patient', 'cli-john']);
  assert.equal(wrongKind.code, 1);
  assert.match(wrongKind.stderr, /holds fitbit data, not google-fit/);
  assert.equal((await fails(['import', 'garmin', 'x', '--patient', 'cli-john'])).code, 2);
  assert.equal((await fails(['sync', 'fitbit'])).code, 2);
});

test('the import runs in a child process with memory-bounded V8 settings; a signal to the command stops it too', async () => {
  await generateExport(join(dir, 'large.xml'), 8);
  const command = spawn(process.execPath, [BIN, 'import', 'apple-health', join(dir, 'large.xml'), '--patient', 'cli-john'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  command.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    command.stderr.on('data', () => /validating/.test(stderr) && resolve());
    command.once('exit', () => reject(new Error(`the import ended before it was stopped: ${stderr}`)));
  });
  const importer = Number(execFileSync('pgrep', ['-P', String(command.pid)], { encoding: 'utf8' }).trim());
  assert.match(readFileSync(`/proc/${importer}/cmdline`, 'utf8'), /--max-semi-space-size=16\0--heap-growing-percent=25\0/);
  const exited = new Promise<number | null>((resolve) => command.once('exit', (code) => resolve(code)));
  command.kill('SIGTERM');
  assert.equal(await exited, 128 + 15);
  assert.throws(() => process.kill(importer, 0), { code: 'ESRCH' }, 'the importing child is gone with its command');
});
