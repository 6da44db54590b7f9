// `fibrotrack seed --demo` as a separate process: demo patients with a year of pain scores, both kinds of
// medication history, conditions and recent wearable data, practitioners who can sign in; a second run
// changes nothing; bad options are refused.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp, type BuiltApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { seedCommand } from '../server/src/cli/seed-command.js';
import { buildFhirServices } from '../server/src/fhir-services.js';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', 'bin', 'fibrotrack.js');
const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
const env = { ...process.env, DATABASE_URL: `${ROOT}/${database}` };
const DAY = 86_400_000;
let db: mysql.Connection;
let built: BuiltApp;
let firstRun: { stdout: string };

const versions = async () =>
  ((await db.query('SELECT SUM(version_id) AS v, COUNT(*) AS n FROM resource'))[0] as { v: string; n: number }[])[0];
const search = async (query: string) =>
  (await request(built.app).get(`/fhir/${query}`).expect(200)).body as { total?: number; entry?: { resource: Record<string, unknown> }[] };

before(async () => {
  firstRun = await run(process.execPath, [BIN, 'seed', '--demo', '--patients', '1'], { env });
  db = await mysql.createConnection(`${ROOT}/${database}`);
  built = await buildApp(loadConfig({ DATABASE_URL: `${ROOT}/${database}`, AUTH_MODE: 'open' }));
});

after(async () => {
  await built?.close();
  await db?.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await db?.end();
});

test('the demo patient has a year of daily pain scores up to today, each with a body site', async () => {
  const pain = await search('Observation?patient=demo-patient-01&code=http://loinc.org|72514-3&_summary=count');
  assert.ok(pain.total! > 300 && pain.total! <= 365, `${pain.total} scores`);
  const latest = (await search('Observation?patient=demo-patient-01&code=http://loinc.org|72514-3&_sort=-date&_count=1')).entry![0]
    .resource;
  assert.ok(Date.now() - Date.parse(latest.effectiveDateTime as string) < 3 * DAY, 'dated relative to today');
  assert.ok(latest.bodySite, 'a body site');
  const severe = await search(
    'Observation?patient=demo-patient-01&code=http://loinc.org|72514-3&date=ge' +
      new Date(Date.now() - 366 * DAY).toISOString().slice(0, 10) +
      '&_summary=count',
  );
  assert.equal(severe.total, pain.total, 'all within the last year');
});

test('medications start, change dose and stop, as statements and requests; conditions; wearable data', async () => {
  const statements = (await search('MedicationStatement?patient=demo-patient-01')).entry!.map((e) => e.resource);
  const requests = (await search('MedicationRequest?patient=demo-patient-01')).entry!.map((e) => e.resource);
  assert.deepEqual([...new Set(statements.map((s) => s.status))].sort(), ['active', 'completed', 'stopped']);
  assert.deepEqual([...new Set(requests.map((s) => s.status))].sort(), ['active', 'completed']);
  const pregabalin = requests.filter((r) => JSON.stringify(r.medicationCodeableConcept).includes('Pregabalin'));
  assert.equal(pregabalin.length, 2, 'a dose change is a second request');
  const conditions = await search('Condition?patient=demo-patient-01&_summary=count');
  assert.equal(conditions.total, 3);
  for (const code of ['41950-7', '93832-4', '40443-4']) {
    const found = await search(
      `Observation?patient=demo-patient-01&code=http://loinc.org|${code}&date=ge${new Date(Date.now() - 32 * DAY).toISOString().slice(0, 10)}&_summary=count`,
    );
    assert.ok(found.total! >= 28, `${code}: ${found.total}`);
  }
});

test('the practitioners can sign in with the printed passwords; a second run writes nothing new', async () => {
  assert.match(firstRun.stdout, /Sign in as dr\.lopez with the password demo-lopez-2026 \(Practitioner\/demo-practitioner-1\)/);
  const users = (await db.query('SELECT username FROM auth_user ORDER BY username'))[0] as { username: string }[];
  assert.deepEqual(
    users.map((u) => u.username),
    ['dr.becker', 'dr.lopez'],
  );
  const before = await versions();
  const again = await run(process.execPath, [BIN, 'seed', '--demo', '--patients', '1'], { env });
  assert.match(again.stdout, /User dr\.lopez exists already/);
  assert.deepEqual(await versions(), before);
});

test('bad options: exit 2 with the usage', async () => {
  for (const args of [['seed'], ['seed', '--demo', '--patients', '21'], ['seed', '--demo', '--fast']]) {
    const failure = await run(process.execPath, [BIN, ...args], { env }).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    assert.equal(failure?.code, 2, args.join(' '));
    assert.match(failure.stderr, /Usage: fibrotrack seed --demo/);
  }
});

test('the seed builds its services (pool, migrations, definitions) once, not once per patient', async () => {
  const other = `fibrotrack_test_${randomBytes(4).toString('hex')}`;
  let builds = 0;
  const counting: typeof buildFhirServices = (config, options) => {
    builds++;
    return buildFhirServices(config, options);
  };
  const [log, error] = [console.log, console.error];
  console.log = console.error = () => undefined;
  try {
    assert.equal(
      await seedCommand(loadConfig({ DATABASE_URL: `${ROOT}/${other}`, AUTH_MODE: 'open' }), ['--demo', '--patients', '2'], counting),
      0,
    );
  } finally {
    [console.log, console.error] = [log, error];
    await db.query(`DROP DATABASE IF EXISTS \`${other}\``);
  }
  assert.equal(builds, 1);
});
