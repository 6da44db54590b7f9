// Migrations 005-012, 029 and 030 on a database written before them must leave exactly the index rows the write path writes now.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { FHIR_JSON, startTestServer, type TestServer } from '../../../../tests/support/test-server.js';
import { openPool } from './connect.js';
import { migrate } from './migrate.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const UCUM = 'http://unitsofmeasure.org';
const MIGRATED = [
  '005-date-span-class.sql',
  '006-patient-compartment.sql',
  '007-quantity-canonical.sql',
  '008-date-span-bounds.sql',
  '009-composite-canonical.sql',
  '011-derived-params.sql',
  '012-code-value-date.sql',
  '029-full-text.sql',
];
const BACKFILLED = ['idx_token', 'idx_date', 'idx_quantity', 'idx_composite', 'idx_reference', 'idx_text'];
let fresh: TestServer;
let old: mysql.Pool;
const oldDb = `fibrotrack_test_old_${randomBytes(4).toString('hex')}`;

const post = async (body: Record<string, unknown>) => {
  const res = await fresh.http
    .post(`/fhir/${String(body.resourceType)}`)
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify(body));
  assert.equal(res.status, 201, res.text);
  return res.body.id as string;
};
const obs = (extra: Record<string, unknown>) => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '29463-7' }] },
  ...extra,
});

before(async () => {
  fresh = await startTestServer();
  const a = await post({ resourceType: 'Patient' });
  const b = await post({ resourceType: 'Patient', link: [{ other: { reference: `Patient/${a}` }, type: 'seealso' }] });
  const group = await post({ resourceType: 'Group', type: 'person', actual: true, member: [{ entity: { reference: `Patient/${a}` } }] });
  await post(
    obs({
      subject: { reference: `Patient/${a}` },
      performer: [{ reference: `Patient/${b}` }],
      effectiveDateTime: '2026-11-01T08:00:00Z',
      valueQuantity: { value: 80, system: UCUM, code: 'kg' },
    }),
  );
  await post(
    obs({
      subject: { reference: `Patient/${a}` },
      performer: [{ reference: `Patient/${a}` }],
      effectivePeriod: { start: '2026-11-01' },
      valueQuantity: { value: 150, system: UCUM, code: '[lb_av]' },
    }),
  );
  await post(
    obs({ subject: { reference: `Group/${group}` }, effectiveDateTime: '2026', valueQuantity: { value: 37.5, system: UCUM, code: 'Cel' } }),
  );
  await post(
    obs({
      subject: { reference: `Patient/${b}` },
      effectiveDateTime: '2026-11-02',
      valueQuantity: { value: 3, system: UCUM, code: 'not-a-unit' },
    }),
  );
  const dated = await post(
    obs({ subject: { reference: `Patient/${a}` }, performer: [{ reference: `Patient/${b}` }], valueDateTime: '2026-10-30T12:00:00Z' }),
  );
  await post(obs({ subject: { reference: `Patient/${b}` }, valuePeriod: { start: '2026-10-01', end: '2026-10-03' } }));
  await post({
    resourceType: 'MedicationStatement',
    status: 'active',
    subject: { reference: `Patient/${a}` },
    medicationCodeableConcept: { text: 'x' },
    effectivePeriod: { start: '2026-01-01' },
  });
  await post({
    resourceType: 'Encounter',
    status: 'finished',
    class: { code: 'AMB' },
    subject: { reference: `Patient/${b}` },
    period: { start: '2026-11-01T08:00:00Z', end: '2026-11-01T09:00:00Z' },
  });

  // The same data as the code before migration 005 stored it: one copy of each row, without the new columns.
  old = await openPool(`${ROOT}/${oldDb}`, 2);
  await migrate(old, 4);
  const from = `\`${fresh.database}\``;
  for (const table of ['resource', 'resource_history', 'idx_string', 'idx_number', 'idx_reference', 'idx_uri']) {
    await old.query(`INSERT INTO ${table} SELECT * FROM ${from}.${table}`);
  }
  const oldShape: Record<string, string> = {
    idx_token: 'resource_pk, res_type, param, system, code, display',
    idx_date: 'resource_pk, res_type, param, start_at, end_at',
    idx_quantity: 'resource_pk, res_type, param, value, system, code, unit',
    idx_composite:
      'resource_pk, res_type, param, c1_system, c1_code, c1_num, c1_start, c1_end, c2_system, c2_code, c2_num, c2_start, c2_end',
  };
  for (const [table, cols] of Object.entries(oldShape))
    await old.query(`INSERT INTO ${table} (${cols}) SELECT DISTINCT ${cols} FROM ${from}.${table}`);
  // Before migration 012 an Observation's valueDateTime had no code-value-date row (a valuePeriod had).
  const [gone] = await old.query<mysql.ResultSetHeader>(
    "DELETE c FROM idx_composite c JOIN resource r ON r.pk = c.resource_pk WHERE c.param = 'code-value-date' AND r.res_id = ?",
    [dated],
  );
  assert.equal(gone.affectedRows, 1);
  // Before migration 011 derived parameters had rows of their own: the same values under their own name.
  const derivedAs: [table: string, from: string, as: string, where: string][] = [
    ['idx_token', 'code', 'combo-code', "AND res_type = 'Observation'"],
    ['idx_quantity', 'value-quantity', 'combo-value-quantity', "AND res_type = 'Observation'"],
    ['idx_composite', 'code-value-quantity', 'combo-code-value-quantity', "AND res_type = 'Observation'"],
    ['idx_reference', 'subject', 'patient', "AND target_type = 'Patient'"],
  ];
  for (const [table, param, as, where] of derivedAs) {
    const cols = (oldShape[table] ?? 'resource_pk, res_type, param, target_type, target_id, url').split(', ');
    const select = cols.map((c) => (c === 'param' ? `'${as}'` : c)).join(', ');
    await old.query(`INSERT INTO ${table} (${cols.join(', ')}) SELECT DISTINCT ${select} FROM ${table} WHERE param = ? ${where}`, [param]);
  }
  const [[stale]] = await old.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM idx_reference WHERE param = 'patient'");
  assert.equal(Number(stale.n), 7);
});
after(async () => {
  await old.query(`DROP DATABASE \`${oldDb}\``);
  await old.end();
  await fresh.close();
});

const all = async (pool: mysql.Pool | TestServer, table: string) => {
  const text = `SELECT * FROM ${table}`;
  const rows =
    'query' in pool ? ((await pool.query(text))[0] as Record<string, unknown>[]) : await pool.sql<Record<string, unknown>[]>(text);
  return rows.map((r) => JSON.stringify(r)).sort();
};

test('backfilled token, date, quantity and composite rows equal those written by the current write path', async () => {
  const applied = await migrate(old);
  assert.ok(
    MIGRATED.every((m) => applied.includes(m)),
    applied.join(),
  );
  for (const table of BACKFILLED) assert.deepEqual(await all(old, table), await all(fresh, table), table);
  // The data really exercised the backfill: several compartments, rows without one, canonical units.
  const compartments = await fresh.sql<{ n: number }[]>("SELECT COUNT(DISTINCT compartment) AS n FROM idx_token WHERE compartment <> ''");
  assert.equal(compartments[0].n, 2);
  const canonical = await fresh.sql<{ canonical_code: string | null }[]>(
    "SELECT DISTINCT canonical_code FROM idx_quantity WHERE param = 'value-quantity' ORDER BY canonical_code",
  );
  assert.deepEqual(
    canonical.map((r) => r.canonical_code),
    [null, 'K', 'g'],
  );
  const composite = await fresh.sql<{ c: string | null }[]>(
    "SELECT DISTINCT c2_canonical_code AS c FROM idx_composite WHERE param = 'code-value-quantity' ORDER BY c",
  );
  assert.deepEqual(
    composite.map((r) => r.c),
    [null, 'K', 'g'],
  );
});

test('a migration interrupted before it was recorded runs again without changing anything', async () => {
  await old.query('DELETE FROM schema_migrations WHERE version IN (5, 6, 7, 8, 9, 11, 12, 29)');
  assert.deepEqual(await migrate(old), MIGRATED);
  for (const table of BACKFILLED) assert.deepEqual(await all(old, table), await all(fresh, table), table);
});

test('migration 030 counts the stored resources of each type as the write path does', async () => {
  const perType = 'SELECT res_type, CAST(SUM(n) AS SIGNED) AS n FROM resource_count GROUP BY res_type HAVING SUM(n) <> 0 ORDER BY res_type';
  const [migrated] = await old.query<mysql.RowDataPacket[]>(perType);
  assert.deepEqual(
    migrated.map((r) => `${r.res_type}=${r.n}`),
    (await fresh.sql<{ res_type: string; n: number }[]>(perType)).map((r) => `${r.res_type}=${r.n}`),
  );
  assert.ok(migrated.length >= 4, 'several types were counted');
});
