// What the figures were measured on (cores, RAM, Node, MariaDB and its buffer pool), and `--buffer-pool`: sets
// innodb_buffer_pool_size for the run with SET GLOBAL and answers how to put the old size back.
// https://mariadb.com/kb/en/innodb-buffer-pool/#setting-innodb-buffer-pool-size-dynamically
import { cpus, totalmem } from 'node:os';
import type { RowDataPacket } from 'mysql2/promise';
import { adminQuery } from './database.js';

const UNITS: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

/** `4G`, `512M`, `1073741824` -> bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(text.trim());
  if (!m) throw new Error(`--buffer-pool ${text}: expected a size such as 4G or 512M`);
  return Math.round(Number(m[1]) * UNITS[m[2].toUpperCase()]);
}

const gib = (bytes: number) => (bytes < 2 ** 30 ? `${Math.round(bytes / 2 ** 20)} MiB` : `${(bytes / 2 ** 30).toFixed(1)} GiB`);

export async function bufferPool(root: string): Promise<number> {
  const [{ pool }] = await adminQuery<RowDataPacket[]>(root, 'SELECT @@innodb_buffer_pool_size AS pool');
  return Number(pool);
}

/** Sets the buffer pool (MariaDB resizes it online, in chunks); answers a function that restores the old size. */
export async function setBufferPool(root: string, bytes: number): Promise<() => Promise<void>> {
  const old = await bufferPool(root);
  await adminQuery(root, 'SET GLOBAL innodb_buffer_pool_size = ?', [bytes]);
  console.error(`innodb_buffer_pool_size ${gib(old)} -> ${gib(await bufferPool(root))} (restored after the run)`);
  return async () => {
    await adminQuery(root, 'SET GLOBAL innodb_buffer_pool_size = ?', [old]);
    console.error(`innodb_buffer_pool_size restored to ${gib(await bufferPool(root))}`);
  };
}

/** One line for the report. */
export async function machine(root: string): Promise<string> {
  const [{ v }] = await adminQuery<RowDataPacket[]>(root, 'SELECT VERSION() AS v');
  return (
    `${cpus().length} cores (${cpus()[0].model.trim()}), ${gib(totalmem())} RAM, Node ${process.versions.node}, ` +
    `MariaDB ${String(v)}, innodb_buffer_pool_size ${gib(await bufferPool(root))}`
  );
}
