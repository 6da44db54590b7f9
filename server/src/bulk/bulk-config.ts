// Configuration of Bulk Data $export and of the blob store it writes to, from environment variables
// (docs/summaries-and-bulk-data.md). config.ts calls it; nothing else reads the environment.
import { intVar } from '../core/env-vars.js';
import { join } from 'node:path';
import type { BlobConfig } from '../blob/open-blob-store.js';

export interface BulkConfig {
  blob: BlobConfig;
  /** An output file is closed, and the next one begun, once it holds this many bytes (EXPORT_FILE_MAX_BYTES). */
  fileMaxBytes: number;
  /** Exports queued or running at once across every node (EXPORT_MAX_ACTIVE); past it, kick-off answers 429. */
  maxActive: number;
  /** A finished export's files are deleted this long after it ended (EXPORT_RETENTION_SECONDS). */
  retentionSeconds: number;
  /** A node's claim on a running job lasts this long unless renewed (EXPORT_LEASE_SECONDS); then another node takes it over. */
  leaseSeconds: number;
  /** How often a node looks for queued, orphaned and expired jobs (EXPORT_POLL_MS). */
  pollMs: number;
  /** How long after transactionTime the first read waits, so writes begun before it have committed (EXPORT_SETTLE_MS). */
  settleMs: number;
}

type Env = Record<string, string | undefined>;

export function loadBulkConfig(env: Env): BulkConfig {
  return {
    blob: {
      ...(env.BLOB_CONNECTION_STRING ? { connectionString: env.BLOB_CONNECTION_STRING } : {}),
      container: env.BLOB_CONTAINER ?? 'fibrotrack',
      dir: env.BLOB_DIR ?? join(process.cwd(), 'data', 'blob'),
    },
    fileMaxBytes: Math.max(1, intVar(env, 'EXPORT_FILE_MAX_BYTES', 64 * 1024 * 1024)),
    maxActive: Math.max(1, intVar(env, 'EXPORT_MAX_ACTIVE', 3)),
    retentionSeconds: intVar(env, 'EXPORT_RETENTION_SECONDS', 24 * 3600),
    leaseSeconds: Math.max(1, intVar(env, 'EXPORT_LEASE_SECONDS', 30)),
    pollMs: Math.max(50, intVar(env, 'EXPORT_POLL_MS', 5000)),
    settleMs: intVar(env, 'EXPORT_SETTLE_MS', 1000),
  };
}
