// Migration 029's data step on a database whose resources hold more words than one statement may carry
// (max_allowed_packet, 16 MiB by default): the words go in statements of bounded size, and all of them arrive.
// Migration 031 writes them again, without the machine values `_content` once held.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type mysql from 'mysql2/promise';
import { openPool } from './connect.js';
import { migrate } from './migrate.js';

const ROOT = process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
const db = `fibrotrack_test_fulltext_${randomBytes(4).toString('hex')}`;
/** One batch of the backfill (500 resources), each with 300 distinct words of 60 characters in its narrative. */
const RESOURCES = 500;
const WORDS = 300;
let pool: mysql.Pool;

const word = (r: number, w: number) => `w${String(r).padStart(4, '0')}x${String(w).padStart(4, '0')}${'a'.repeat(50)}`;

before(async () => {
  pool = await openPool(`${ROOT}/${db}`, 2);
  await migrate(pool, 28);
  const now = new Date();
  const resources: unknown[][] = [];
  const history: unknown[][] = [];
  for (let r = 1; r <= RESOURCES; r++) {
    const words = Array.from({ length: WORDS }, (_, w) => word(r, w)).join(' ');
    const basic = {
      resourceType: 'Basic',
      id: `b${r}`,
      code: { text: 'note' },
      text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${words}</div>` },
    };
    resources.push([r, 'Basic', `b${r}`, 1, now, 0]);
    history.push([r, 'Basic', `b${r}`, 1, now, 'POST', 0, JSON.stringify(basic)]);
  }
  await pool.query('INSERT INTO resource (pk, res_type, res_id, version_id, last_updated, deleted) VALUES ?', [resources]);
  await pool.query(
    'INSERT INTO resource_history (resource_pk, res_type, res_id, version_id, last_updated, method, deleted, content) VALUES ?',
    [history],
  );
});
after(async () => {
  await pool.query(`DROP DATABASE \`${db}\``);
  await pool.end();
});

test('the backfill of a batch whose words exceed max_allowed_packet writes them all, in bounded statements', async () => {
  const [[packet]] = await pool.query<mysql.RowDataPacket[]>('SELECT @@max_allowed_packet AS n');
  // Each word is a row under _content and under _text, about 90 characters of SQL each.
  assert.ok(RESOURCES * WORDS * 2 * 90 > Number(packet.n), 'the data is larger than one packet');
  assert.deepEqual(await migrate(pool, 29), ['029-full-text.sql']);
  const [[all]] = await pool.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM idx_text WHERE param = '_text'");
  assert.equal(Number(all.n), RESOURCES * WORDS);
  const [[one]] = await pool.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM idx_text WHERE param = '_content' AND word = ?", [
    word(RESOURCES, WORDS - 1),
  ]);
  assert.equal(Number(one.n), 1);
});

test('migration 031 drops the machine values _content once held (the resource type, ids) and keeps the text', async () => {
  await pool.query(
    "INSERT INTO idx_text (resource_pk, res_type, param, word) VALUES (1, 'Basic', '_content', 'basic'), (1, 'Basic', '_content', 'b1')",
  );
  const applied = await migrate(pool, 31);
  assert.ok(applied.includes('031-content-human-text.sql'), applied.join());
  const [stale] = await pool.query<mysql.RowDataPacket[]>(
    "SELECT word FROM idx_text WHERE resource_pk = 1 AND param = '_content' AND word IN ('basic', 'b1', 'note')",
  );
  assert.deepEqual(
    stale.map((r) => r.word),
    ['note'],
  );
  const [[all]] = await pool.query<mysql.RowDataPacket[]>("SELECT COUNT(*) AS n FROM idx_text WHERE param = '_text'");
  assert.equal(Number(all.n), RESOURCES * WORDS);
});
