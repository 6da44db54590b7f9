-- Bulk Data $export jobs and their output files (bulk/). In MySQL so that any API node answers a job's status, a
-- restarted node resumes it, and a lease (lease_owner, lease_until) keeps two nodes from running the same job.
CREATE TABLE IF NOT EXISTS export_job (
  id CHAR(36) NOT NULL PRIMARY KEY,
  -- queued, running, done, failed, cancelled
  state VARCHAR(16) NOT NULL,
  -- the kick-off request URL, as the manifest's `request` repeats it
  request_url VARCHAR(2048) NOT NULL,
  -- what to export (types, _since, _typeFilter, patients, group) as JSON: export-request.ts
  spec LONGTEXT NOT NULL,
  -- the token's grant at kick-off (clientId, scopes, patient, fhirUser), as JSON; NULL in AUTH_MODE=open
  access LONGTEXT NULL,
  client_id VARCHAR(255) NOT NULL DEFAULT '',
  transaction_time DATETIME(3) NOT NULL,
  created_at DATETIME(3) NOT NULL,
  lease_owner VARCHAR(64) NULL,
  lease_until DATETIME(3) NULL,
  -- how many times a node claimed it: a job that keeps losing its node is failed, not retried forever
  attempts INT UNSIGNED NOT NULL DEFAULT 0,
  processed BIGINT UNSIGNED NOT NULL DEFAULT 0,
  error VARCHAR(1024) NULL,
  finished_at DATETIME(3) NULL,
  expires_at DATETIME(3) NULL,
  KEY export_job_state (state, lease_until),
  KEY export_job_expires (expires_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE IF NOT EXISTS export_file (
  job_id CHAR(36) NOT NULL,
  seq INT UNSIGNED NOT NULL,
  res_type VARCHAR(64) NOT NULL,
  -- the object's name in the BlobStore (`job/Type-n.ndjson`)
  name VARCHAR(255) NOT NULL,
  resources BIGINT UNSIGNED NOT NULL,
  bytes BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (job_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
