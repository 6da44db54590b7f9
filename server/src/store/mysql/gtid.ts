// Replication positions (GTIDs) on MariaDB and MySQL 8: what a write's position is, how a replica waits for it,
// and whether a position a replica is known to have applied covers another.
// https://mariadb.com/kb/en/master_gtid_wait/ https://dev.mysql.com/doc/refman/8.4/en/gtid-functions.html
import { sql, type Sql } from '../sql.js';

export type Flavor = 'mariadb' | 'mysql';

export function flavorOf(version: string): Flavor {
  return /mariadb/i.test(version) ? 'mariadb' : 'mysql';
}

/**
 * Run on the primary: 1 when it logs GTIDs, without which no write has a position to wait for. MariaDB gives every
 * binlogged transaction one; MySQL 8 only with `gtid_mode=ON`.
 */
export function logsGtidsSql(flavor: Flavor): Sql {
  return flavor === 'mariadb' ? sql`SELECT @@log_bin AS ok` : sql`SELECT @@log_bin = 1 AND @@GLOBAL.gtid_mode = 'ON' AS ok`;
}

/**
 * Run on the connection that just committed. MariaDB: `@@last_gtid`, that session's last transaction (one GTID).
 * MySQL 8: `@@GLOBAL.gtid_executed`, every transaction the primary has committed (a superset of ours, so a replica
 * may wait a little longer than strictly needed, never too little).
 */
export function positionSql(flavor: Flavor): Sql {
  return flavor === 'mariadb' ? sql`SELECT @@last_gtid AS pos` : sql`SELECT @@GLOBAL.gtid_executed AS pos`;
}

/**
 * Run on the primary: every transaction it has committed so far (for background work that must see them all).
 * MariaDB: `@@gtid_binlog_pos`, the last GTID it logged per domain and server; MySQL 8: `@@GLOBAL.gtid_executed`.
 */
export function committedSql(flavor: Flavor): Sql {
  return flavor === 'mariadb' ? sql`SELECT @@gtid_binlog_pos AS pos` : sql`SELECT @@GLOBAL.gtid_executed AS pos`;
}

/** Waits on a replica until it has applied `position`, at most `timeoutMs`; the row's `ok` is 1 when it has. */
export function waitSql(flavor: Flavor, position: string, timeoutMs: number): Sql {
  const seconds = timeoutMs / 1000;
  return flavor === 'mariadb'
    ? sql`SELECT MASTER_GTID_WAIT(${position}, ${seconds}) = 0 AS ok` // mariadb-only: MySQL takes the line below
    : sql`SELECT WAIT_FOR_EXECUTED_GTID_SET(${position}, ${seconds}) = 0 AS ok`;
}

/**
 * What a replica is known to have applied, learnt from the waits that succeeded on it: on MariaDB the highest
 * sequence number per replication domain (sequence numbers grow within a domain); on MySQL the GTID sets themselves.
 */
export class AppliedPositions {
  private readonly seqByDomain = new Map<string, bigint>();
  private readonly sets = new Set<string>();

  constructor(private readonly flavor: Flavor) {}

  covers(position: string): boolean {
    if (this.flavor === 'mysql') return this.sets.has(position);
    const gtids = parseMariadb(position);
    return gtids !== undefined && gtids.every(([domain, seq]) => (this.seqByDomain.get(domain) ?? -1n) >= seq);
  }

  add(position: string): void {
    if (this.flavor === 'mysql') {
      // Only the latest few: a newer set covers the older ones, which are kept for clients that wrote before it.
      if (this.sets.size >= 64) this.sets.delete(this.sets.values().next().value!);
      this.sets.add(position);
      return;
    }
    for (const [domain, seq] of parseMariadb(position) ?? []) {
      if (seq > (this.seqByDomain.get(domain) ?? -1n)) this.seqByDomain.set(domain, seq);
    }
  }
}

/** `0-1-42,1-3-7` as [domain, sequence] pairs; undefined when it is not a MariaDB GTID list. */
function parseMariadb(position: string): [string, bigint][] | undefined {
  const pairs: [string, bigint][] = [];
  for (const gtid of position.split(',')) {
    const m = /^\s*(\d+)-\d+-(\d+)\s*$/.exec(gtid);
    if (!m) return undefined;
    pairs.push([m[1], BigInt(m[2])]);
  }
  return pairs;
}
