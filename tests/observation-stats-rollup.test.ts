// Observation/$stats from the daily rollup answers as the raw values do: random heart rates, pain scores and blood
// pressures written in several time zones, edited, deleted and rewritten by transaction and batch Bundles, asked
// over periods with partial days, by panel and component codes, with and without bucket=day, from a server with
// the rollup (STATS_ROLLUP default) and one reading every raw value (STATS_ROLLUP=false) on the same database.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, Observation, Parameters } from 'fhir/r4.js';
import mysql from 'mysql2/promise';
import request from 'supertest';
import { buildApp, type BuiltApp } from '../server/src/app.js';
import { loadConfig } from '../server/src/config.js';
import { backfillRollup } from '../server/src/store/mysql/rollup/observation-rollup.js';
import { patient } from './support/fixtures.js';
import { FHIR_JSON, startTestServer, type TestServer } from './support/test-server.js';

const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const DAY = 86_400_000;
/** Ten days of data from here. */
const T0 = Date.UTC(2026, 2, 1);
const STATISTICS = 'average,minimum,maximum,count,sum,std-dev,variance';

let s: TestServer;
let raw: BuiltApp;
let rawHttp: ReturnType<typeof request>;
let ann = '';
let bob = '';

/** A seeded generator (mulberry32), so that a failure can be replayed. */
const SEED = Number(process.env.STATS_ROLLUP_SEED ?? Date.now() % 1_000_000);
let state = SEED;
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const between = (lo: number, hi: number) => Math.round((lo + random() * (hi - lo)) * 10) / 10;

/** An instant in the ten days written with one of several UTC offsets (the same instant, other wall clocks). */
function when(): string {
  const at = T0 + Math.floor(random() * 10 * DAY);
  const offset = pick([0, 330, -480, 60, -210]);
  const local = new Date(at + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const sign = offset < 0 ? '-' : '+';
  const h = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const m = String(Math.abs(offset) % 60).padStart(2, '0');
  return `${local}${sign}${h}:${m}`;
}

const quantity = (value: number, code: string) => ({ value, unit: code, system: UCUM, code });

/** One random Observation of `subject`: heart rate (two units, sometimes two codings, sometimes a period), pain or blood pressure. */
function randomObservation(subject: string): Observation {
  const base = { resourceType: 'Observation' as const, status: 'final' as const, subject: { reference: subject } };
  const kind = pick(['hr', 'hr', 'hr2', 'hrPeriod', 'pain', 'bp']);
  if (kind === 'bp') {
    return {
      ...base,
      code: { coding: [{ system: LOINC, code: '85354-9' }] },
      effectiveDateTime: when(),
      component: [
        { code: { coding: [{ system: LOINC, code: '8480-6' }] }, valueQuantity: quantity(between(100, 160), 'mm[Hg]') },
        { code: { coding: [{ system: LOINC, code: '8462-4' }] }, valueQuantity: quantity(between(60, 100), 'mm[Hg]') },
      ],
    };
  }
  if (kind === 'pain') {
    return {
      ...base,
      code: { coding: [{ system: LOINC, code: '72514-3' }] },
      effectiveDateTime: when(),
      valueQuantity: { value: Math.round(random() * 10), system: UCUM, code: '{score}', unit: 'score' },
    };
  }
  const coding = [{ system: LOINC, code: '8867-4' }, ...(kind === 'hr2' ? [{ system: SNOMED, code: '364075005' }] : [])];
  const start = when();
  return {
    ...base,
    code: { coding },
    ...(kind === 'hrPeriod'
      ? { effectivePeriod: { start, end: new Date(Date.parse(start) + 3 * 3_600_000).toISOString() } }
      : { effectiveDateTime: start }),
    valueQuantity: quantity(between(45, 150), pick(['/min', '/min', '{beats}/min'])),
  };
}

async function bundle(type: 'transaction' | 'batch', entry: Bundle['entry']): Promise<Bundle> {
  const res = await s.http
    .post('/fhir')
    .set('Content-Type', FHIR_JSON)
    .send(JSON.stringify({ resourceType: 'Bundle', type, entry }));
  assert.equal(res.status, 200, res.text);
  return res.body as Bundle;
}

/** Every stored Observation id of the test, to pick edits from. */
const ids: string[] = [];

async function createMany(n: number): Promise<void> {
  const entry = Array.from({ length: n }, () => ({
    resource: randomObservation(`Patient/${pick([ann, ann, bob])}`),
    request: { method: 'POST' as const, url: 'Observation' },
  }));
  const out = await bundle('transaction', entry);
  for (const e of out.entry ?? []) ids.push(e.response!.location!.split('/')[1]);
}

type Answer = Record<string, Record<string, number | string>>;
/** The statistics Observations as `code|unit@day` -> statistic -> value. */
function answer(body: Parameters): Answer {
  const out: Answer = {};
  for (const p of body.parameter ?? []) {
    const obs = p.resource as Observation;
    const unit = obs.component?.find((c) => c.valueQuantity?.unit)?.valueQuantity?.unit ?? '';
    const day = obs.effectivePeriod?.end?.endsWith('T23:59:59.999Z') ? `@${obs.effectivePeriod.start!.slice(0, 10)}` : '';
    out[`${obs.code.coding![0].system}|${obs.code.coding![0].code}|${unit}${day}`] = Object.fromEntries(
      (obs.component ?? []).map((c) => [
        c.code.coding![0].code!,
        c.valueInteger ?? c.valueQuantity?.value ?? c.dataAbsentReason!.coding![0].code!,
      ]),
    );
  }
  return out;
}

/** Counts and extremes exactly; sums, means and deviations to 1e-9 relative (double sums added in another order). */
function assertSame(rollup: Answer, rawValues: Answer, query: string): void {
  assert.deepEqual(Object.keys(rollup).sort(), Object.keys(rawValues).sort(), `groups of ${query} (seed ${SEED})`);
  for (const [key, stats] of Object.entries(rawValues)) {
    for (const [stat, expected] of Object.entries(stats)) {
      const got = rollup[key][stat];
      if (typeof expected !== 'number' || ['count', 'minimum', 'maximum'].includes(stat)) {
        assert.equal(got, expected, `${stat} of ${key} for ${query} (seed ${SEED})`);
        continue;
      }
      assert.equal(typeof got, 'number', `${stat} of ${key} for ${query} (seed ${SEED})`);
      const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
      assert.ok(Math.abs((got as number) - expected) <= tolerance, `${stat} of ${key} for ${query}: ${got} vs ${expected} (seed ${SEED})`);
    }
  }
}

async function both(query: string): Promise<[Answer, Answer]> {
  const path = `/fhir/Observation/$stats?${query}`;
  const [a, b] = await Promise.all([s.http.get(path), rawHttp.get(path)]);
  assert.equal(a.status, 200, a.text);
  assert.equal(b.status, 200, b.text);
  return [answer(a.body as Parameters), answer(b.body as Parameters)];
}

const CODE_SETS = [
  `system=${LOINC}&code=8867-4`,
  'code=8867-4',
  `system=${SNOMED}&code=364075005`,
  `system=${LOINC}&code=85354-9`,
  `system=${LOINC}&code=8480-6`,
  // A panel and one of its components: each component value is counted once.
  `system=${LOINC}&code=85354-9&code=8462-4`,
  `system=${LOINC}&code=8867-4&code=72514-3`,
];

/** A random period boundary: a day, a local date-time in some zone, or an instant with milliseconds. */
function boundary(at: number): string {
  const form = pick(['date', 'zoned', 'instant']);
  if (form === 'date') return new Date(at).toISOString().slice(0, 10);
  if (form === 'instant') return new Date(at).toISOString();
  return `${new Date(at + 5.5 * 3_600_000).toISOString().slice(0, 19)}+05:30`;
}

/** Random queries over partial and whole days; returns how many were compared. */
async function compareRandomQueries(n: number): Promise<number> {
  for (let i = 0; i < n; i++) {
    const a = T0 - DAY + Math.floor(random() * 12 * DAY);
    const b = a + Math.floor(random() * 8 * DAY);
    const period = `period=${encodeURIComponent(`${boundary(a)}/${boundary(b)}`)}`;
    const query = `subject=Patient/${pick([ann, bob])}&${pick(CODE_SETS)}&${period}&statistic=${STATISTICS}${random() < 0.4 ? '&bucket=day' : ''}`;
    const [rollup, rawValues] = await both(query);
    assertSame(rollup, rawValues, query);
  }
  return n;
}

/** Whole days only, per day: every group is read from the rollup rows alone. */
async function compareWholeDays(): Promise<void> {
  for (const subject of [ann, bob]) {
    for (const codes of CODE_SETS) {
      const query = `subject=Patient/${subject}&${codes}&period=2026-02-28/2026-03-12&statistic=${STATISTICS}&bucket=day`;
      const [rollup, rawValues] = await both(query);
      assertSame(rollup, rawValues, query);
    }
  }
}

before(async () => {
  s = await startTestServer();
  raw = await buildApp(
    loadConfig({
      DATABASE_URL: `${ROOT}/${s.database}`,
      BASE_URL: 'http://localhost:8080',
      AUTH_MODE: 'open',
      STATS_ROLLUP: 'false',
      REDIS_PREFIX: `${s.database}_raw:`,
      DB_CONNECT_TIMEOUT_MS: '10000',
    }),
  );
  rawHttp = request(raw.app);
  const post = async (body: unknown) =>
    (await s.http.post('/fhir/Patient').set('Content-Type', FHIR_JSON).send(JSON.stringify(body))).body.id as string;
  ann = await post(patient());
  bob = await post(patient());
  await createMany(120);
  await createMany(120);
});
after(async () => {
  await raw.close();
  await s.close();
});

test('random data: the rollup answers as the raw values, over partial days in several time zones and per day', async () => {
  const [filled] = await s.sql<{ n: number }[]>('SELECT COUNT(*) AS n FROM obs_day_rollup');
  assert.ok(Number(filled.n) > 10, 'the writes filled the rollup');
  await compareWholeDays();
  await compareRandomQueries(25);
});

test('the rollup stays right after updates, deletes and transaction and batch Bundles', async () => {
  // Single updates that move values to other days and codes, and single deletes.
  for (let i = 0; i < 15; i++) {
    const id = ids.splice(Math.floor(random() * ids.length), 1)[0];
    const res =
      i % 3 === 2
        ? await s.http.delete(`/fhir/Observation/${id}`)
        : await s.http
            .put(`/fhir/Observation/${id}`)
            .set('Content-Type', FHIR_JSON)
            .send(JSON.stringify({ ...randomObservation(`Patient/${pick([ann, bob])}`), id }));
    assert.ok([200, 204].includes(res.status), res.text);
    if (i % 3 !== 2) ids.push(id);
  }
  await compareWholeDays();
  // A transaction of creates, updates and deletes; a batch of the same.
  for (const type of ['transaction', 'batch'] as const) {
    const edited = Array.from({ length: 10 }, () => ids.splice(Math.floor(random() * ids.length), 1)[0]);
    const entry: Bundle['entry'] = [
      ...edited.slice(0, 6).map((id) => ({
        resource: { ...randomObservation(`Patient/${pick([ann, bob])}`), id },
        request: { method: 'PUT' as const, url: `Observation/${id}` },
      })),
      ...edited.slice(6).map((id) => ({ request: { method: 'DELETE' as const, url: `Observation/${id}` } })),
      ...Array.from({ length: 8 }, () => ({
        resource: randomObservation(`Patient/${pick([ann, bob])}`),
        request: { method: 'POST' as const, url: 'Observation' },
      })),
    ];
    const out = await bundle(type, entry);
    for (const e of out.entry ?? []) assert.match(e.response!.status, /^20[014]/, JSON.stringify(e.response));
    ids.push(...edited.slice(0, 6));
    await compareWholeDays();
  }
  await compareRandomQueries(15);
});

test('a transaction that fails leaves the rollup as it was', async () => {
  const before = await s.sql('SELECT patient_id, day, HEX(group_hash) AS g, n, total FROM obs_day_rollup ORDER BY 1, 2, 3');
  const res = await s.http
    .post('/fhir')
    .set('Content-Type', FHIR_JSON)
    .send(
      JSON.stringify({
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: randomObservation(`Patient/${ann}`), request: { method: 'POST', url: 'Observation' } },
          { request: { method: 'DELETE', url: `Observation/${ids[0]}` } },
          // Refused after the writes above (a stale version): the whole transaction is rolled back.
          {
            resource: { ...randomObservation(`Patient/${ann}`), id: ids[1] },
            request: { method: 'PUT', url: `Observation/${ids[1]}`, ifMatch: 'W/"999"' },
          },
        ],
      }),
    );
  assert.equal(res.status, 412, res.text);
  assert.deepEqual(await s.sql('SELECT patient_id, day, HEX(group_hash) AS g, n, total FROM obs_day_rollup ORDER BY 1, 2, 3'), before);
});

test('$stats reads the whole days from the rollup rows (a changed row changes the answer)', async () => {
  const query = `subject=Patient/${ann}&system=${LOINC}&code=8867-4&period=2026-03-01/2026-03-10&statistic=count,sum`; // sum: its unit tells the unit groups apart
  const [rollup, rawValues] = await both(query);
  assertSame(rollup, rawValues, query);
  const [row] = await s.sql<{ day: string; g: string }[]>(
    `SELECT DATE_FORMAT(day, '%Y-%m-%d') AS day, HEX(group_hash) AS g FROM obs_day_rollup
     WHERE patient_id = ? AND code = '8867-4' AND component = 0 AND day BETWEEN '2026-03-01' AND '2026-03-10' LIMIT 1`,
    [ann],
  );
  assert.ok(row, 'a day of heart rates in the period');
  const tamper = (delta: number) =>
    s.sql('UPDATE obs_day_rollup SET n = n + ? WHERE patient_id = ? AND day = ? AND group_hash = UNHEX(?)', [delta, ann, row.day, row.g]);
  const counts = (a: Answer) => Object.values(a).reduce((sum, g) => sum + Number(g.count), 0);
  await tamper(1000);
  try {
    const [changed, unchanged] = await both(query);
    assert.equal(counts(changed), counts(rawValues) + 1000);
    assert.equal(counts(unchanged), counts(rawValues));
  } finally {
    await tamper(-1000);
  }
});

test('the migration backfill sums stored Observations to the rows the writes kept', async () => {
  const rows =
    'SELECT patient_id, day, HEX(group_hash) AS g, component, panel_hash, system, code, unit_system, unit, n, total, squares, least_value, greatest_value FROM obs_day_rollup ORDER BY 1, 2, 3';
  const panels = 'SELECT panel_hash, HEX(coding_hash) AS h, system, code FROM obs_rollup_panel ORDER BY 1, 2';
  const [kept, keptPanels] = [await s.sql(rows), await s.sql(panels)];
  const conn = await mysql.createConnection(`${ROOT}/${s.database}`);
  try {
    await conn.query('DELETE FROM obs_rollup_panel');
    await backfillRollup(conn as unknown as mysql.PoolConnection);
  } finally {
    await conn.end();
  }
  const round = (xs: mysql.RowDataPacket[]) =>
    xs.map((r) => ({ ...r, total: Number(Number(r.total).toPrecision(12)), squares: Number(Number(r.squares).toPrecision(12)) }));
  assert.deepEqual(round(await s.sql(rows)), round(kept));
  assert.deepEqual(await s.sql(panels), keptPanels);
});
