// Hands out resource primary keys from blocks reserved with one autocommit UPDATE (the hi/lo pattern),
// on a connection of its own so that it never waits behind, or holds up, a transaction.
import mysql, { type Pool, type ResultSetHeader } from 'mysql2/promise';

const BLOCK = 1000;

export class PkAllocator {
  private next = 0;
  private end = 0;
  private refilling?: Promise<void>;

  constructor(private readonly pool: Pool) {}

  static open(options: mysql.PoolOptions): Promise<PkAllocator> {
    return Promise.resolve(new PkAllocator(mysql.createPool({ ...options, connectionLimit: 1 })));
  }

  async nextPk(): Promise<number> {
    while (this.next >= this.end) {
      this.refilling ??= this.refill().finally(() => {
        this.refilling = undefined;
      });
      await this.refilling;
    }
    return this.next++;
  }

  close(): Promise<void> {
    return this.pool.end();
  }

  private async refill(): Promise<void> {
    // LAST_INSERT_ID(expr) makes the server report the new value as this statement's insertId.
    const [res] = await this.pool.query<ResultSetHeader>(
      "UPDATE pk_sequence SET next_value = LAST_INSERT_ID(next_value + ?) WHERE name = 'resource'",
      [BLOCK],
    );
    if (res.affectedRows !== 1) throw new Error("pk_sequence has no 'resource' row; run the migrations");
    this.end = Number(res.insertId);
    this.next = this.end - BLOCK;
  }
}
