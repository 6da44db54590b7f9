// The write buffer stores exactly what it was given, through LOAD DATA LOCAL INFILE and through the INSERTs used
// when the server refuses LOCAL INFILE; a row the table cannot hold fails the flush either way.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import type { FinishedRows } from '../../indexing/finished-rows.js';
import { openPool } from './connect.js';
import { migrate } from './migrate.js';
import { WriteBuffer } from './write-buffer.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const database = `fibrotrack_test_buffer_${randomBytes(4).toString('hex')}`;
let pool: Pool;

// Everything LOAD DATA's text format gives a meaning to, and what an escaping slip would corrupt.
const AWKWARD = [
  'tab\there',
  'line\nbreak',
  'back\\slash',
  'literal \\N',
  '\\',
  'nul\0byte',
  'crlf\r\n',
  'ümlaut 痛み 🩺',
  'quote \' and "',
];
const empty = (): FinishedRows => ({
  token: [],
  string: [],
  date: [],
  number: [],
  quantity: [],
  reference: [],
  uri: [],
  composite: [],
  display: [],
  compartments: [],
  words: [],
});

before(async () => {
  pool = await openPool(`${ROOT}/${database}`, 2);
  await migrate(pool);
});
after(async () => {
  await pool.query(`DROP DATABASE \`${database}\``);
  await pool.end();
});

async function store(fill: (b: WriteBuffer) => void, loadData: boolean | { loadData: boolean }): Promise<void> {
  const conn = await pool.getConnection();
  try {
    await conn.beginTransaction();
    const buffer = new WriteBuffer(typeof loadData === 'boolean' ? { loadData } : loadData);
    fill(buffer);
    await buffer.flush(conn).then(
      () => conn.commit(),
      async (err: unknown) => {
        await conn.rollback();
        throw err;
      },
    );
  } finally {
    conn.release();
  }
}

const rowsOf = async (text: string, values: unknown[]) => (await pool.query<RowDataPacket[]>(text, values))[0];

for (const loadData of [true, false]) {
  const how = loadData ? 'LOAD DATA' : 'INSERT';

  test(`${how}: strings, nulls, numbers and instants come back as written`, async () => {
    const pk = loadData ? 1_000_001 : 2_000_001;
    const at = new Date(Date.UTC(2026, 10, 30, 23, 59, 58, 7));
    const content = JSON.stringify({ resourceType: 'Basic', text: AWKWARD.join('|') });
    const idx = empty();
    idx.token = AWKWARD.map((code, i) => ({ param: 'code', system: i % 2 ? null : `urn:s${i}`, code, display: i % 3 ? null : code }));
    idx.string = [{ param: 'name', normalized: 'x', exact: AWKWARD.join(' ') }];
    idx.number = [
      { param: 'n', value: 1e-7 },
      { param: 'n', value: -12345.678 },
      { param: 'n', value: 1e21 },
    ];
    idx.date = [{ param: 'date', start: at.getTime(), end: at.getTime() + 999, spanClass: 1 }];
    await store((b) => {
      b.resource([pk, 'Basic', `b${pk}`, 1, at, 0]);
      b.history([pk, 'Basic', `b${pk}`, 1, at, 'POST', 0, content]);
      b.index(pk, 'Basic', idx);
    }, loadData);
    const [history] = await rowsOf('SELECT content, last_updated, deleted FROM resource_history WHERE resource_pk = ?', [pk]);
    assert.equal(history.content, content);
    assert.equal((history.last_updated as Date).getTime(), at.getTime());
    assert.equal(history.deleted, 0);
    const tokens = await rowsOf('SELECT system, code, display FROM idx_token WHERE resource_pk = ? ORDER BY code', [pk]);
    assert.deepEqual(
      tokens.map((r) => ({ ...r })),
      idx.token.map(({ param: _p, ...r }) => r).sort((a, b) => (a.code! < b.code! ? -1 : 1)),
    );
    const [name] = await rowsOf('SELECT exact FROM idx_string WHERE resource_pk = ?', [pk]);
    assert.equal(name.exact, AWKWARD.join(' '));
    const numbers = await rowsOf('SELECT value FROM idx_number WHERE resource_pk = ? ORDER BY value', [pk]);
    assert.deepEqual(
      numbers.map((r) => r.value),
      [-12345.678, 1e-7, 1e21],
    );
    const [date] = await rowsOf('SELECT start_at, end_at FROM idx_date WHERE resource_pk = ?', [pk]);
    assert.equal((date.start_at as Date).getTime(), at.getTime());
    assert.equal((date.end_at as Date).getTime(), at.getTime() + 999);
  });

  test(`${how}: a row the table cannot hold fails the flush, and the transaction stores nothing`, async () => {
    const pk = loadData ? 1_000_002 : 2_000_002;
    const idx = empty();
    idx.token = [{ param: 'p'.repeat(101), system: null, code: 'c', display: null }];
    await assert.rejects(
      store((b) => {
        b.resource([pk, 'Basic', `b${pk}`, 1, new Date(), 0]);
        b.index(pk, 'Basic', idx);
      }, loadData),
      /too long|idx_token/i,
    );
    assert.equal((await rowsOf('SELECT COUNT(*) AS n FROM resource WHERE pk = ?', [pk]))[0].n, 0);
  });

  test(`${how}: a duplicate key fails as ER_DUP_ENTRY, which the repository retries or answers 409`, async () => {
    const pk = loadData ? 1_000_003 : 2_000_003;
    const version = (b: WriteBuffer, seq: number) => b.history([pk, 'Basic', `b${pk}`, 1, new Date(), 'POST', 0, `{"n":${seq}}`]);
    await assert.rejects(
      store((b) => {
        version(b, 1);
        version(b, 2);
      }, loadData),
      (err: { errno?: number }) => err.errno === 1062,
    );
    assert.equal((await rowsOf('SELECT COUNT(*) AS n FROM resource_history WHERE resource_pk = ?', [pk]))[0].n, 0);
    // The same type and id twice (a concurrent create of one id): nothing of either is stored.
    const twice = (b: WriteBuffer) => {
      for (const p of [pk, pk + 10]) {
        b.resource([p, 'Basic', `same${pk}`, 1, new Date(), 0]);
        b.history([p, 'Basic', `same${pk}`, 1, new Date(), 'POST', 0, '{}']);
      }
    };
    await assert.rejects(store(twice, loadData), (err: { errno?: number }) => err.errno === 1062);
    assert.equal((await rowsOf('SELECT COUNT(*) AS n FROM resource WHERE res_id = ?', [`same${pk}`]))[0].n, 0);
  });
}

test('LOAD DATA refused while running (local_infile turned off): the write goes through as INSERTs, and so do later ones', async () => {
  const capabilities = { loadData: true };
  const at = new Date(Date.UTC(2026, 11, 1, 12, 0, 0));
  const write = (pk: number) => (b: WriteBuffer) => {
    b.resource([pk, 'Basic', `b${pk}`, 1, at, 0]);
    b.history([pk, 'Basic', `b${pk}`, 1, at, 'POST', 0, '{"resourceType":"Basic"}']);
    b.index(pk, 'Basic', { ...empty(), token: [{ param: 'code', system: 'urn:s', code: `c${pk}`, display: null }] });
  };
  const [[{ was }]] = (await pool.query('SELECT @@GLOBAL.local_infile AS was')) as unknown as [[{ was: number }]];
  await pool.query('SET GLOBAL local_infile = 0');
  try {
    await store(write(3_000_001), capabilities);
    assert.equal(capabilities.loadData, false);
    await store(write(3_000_002), capabilities);
  } finally {
    await pool.query('SET GLOBAL local_infile = ?', [was]);
  }
  const tokens = await rowsOf('SELECT code FROM idx_token WHERE resource_pk IN (?, ?) ORDER BY code', [3_000_001, 3_000_002]);
  assert.deepEqual(
    tokens.map((r) => r.code),
    ['c3000001', 'c3000002'],
  );
  const history = await rowsOf('SELECT COUNT(*) AS n FROM resource_history WHERE resource_pk IN (?, ?)', [3_000_001, 3_000_002]);
  assert.equal(Number(history[0].n), 2);
});
